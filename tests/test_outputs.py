"""Two articles or pages that Pelican would write to one file stop the build
before it writes, with an error at the Title: (or Slug:) line naming the
other file, and the previous output stays (outputs.py)."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

from editorial.commands.build import build
from editorial.outputs import collisions, reserved_outputs
from tests.support import copy_project

SAME = "2024/same/index.html"


def _item(tmp_path: Path, name: str, text: str, save_as: str, slug: str = "same"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return SimpleNamespace(source_path=str(path), save_as=save_as, slug=slug)


def test_each_item_written_over_another_is_an_error_at_its_title_or_slug(tmp_path):
    first = _item(tmp_path, "a.md", "Title: Same\nDate: 2024-01-01\n\nText.\n", SAME)
    second = _item(tmp_path, "b.md", "Date: 2024-02-01\nTitle: Same\n\nText.\n", SAME)
    third = _item(tmp_path, "c.md", "Title: Other\nSlug: same\n\nTitle: in the body\n", SAME)
    unique = _item(tmp_path, "d.md", "Title: Unique\n\nText.\n", "2024/unique/index.html", "unique")
    unwritten = [
        _item(tmp_path, name, "Title: Same\n\nText.\n", "") for name in ("e.md", "f.md")
    ]  # Pelican writes nothing for an empty save_as
    errors = collisions([third, unique, second, first, *unwritten], lambda p: Path(p).name)
    assert [(e.path, e.line) for e in errors] == [("b.md", 2), ("c.md", 2)]
    assert all("same file as a.md (2024/same/index.html, slug 'same')" in e.message for e in errors)
    assert "change its title, or give it a 'Slug: ...' line" in errors[0].message
    assert "give it another 'Slug:'" in errors[1].message


def test_no_error_when_every_item_has_a_file_of_its_own(tmp_path):
    items = [_item(tmp_path, f"{n}.md", f"Title: {n}\n\nText.\n", f"{n}/index.html") for n in "abc"]
    assert collisions(items, str) == []


def test_a_build_with_two_articles_of_one_title_stops_before_writing(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "output").mkdir()
    (root / "output" / "index.html").write_text("previous build")
    for name, day in (("copy-one.md", "05"), ("copy-two.md", "06")):
        (root / "content" / "2024" / name).write_text(
            f"Title: A Title Used Twice\nDate: 2024-05-{day}\nCategory: Policy\nTags: a\n"
            "Summary: One of two.\n\nA paragraph long enough to be compared with the others, "
            f"written for the article {name}.\n",
            encoding="utf-8",
        )
    log = _failed_build(root)
    assert (
        "content/2024/copy-two.md:1: error: written to the same file as content/2024/copy-one.md"
    ) in log
    assert "Traceback" not in log and "FileOverwriteFailedError" not in log
    assert "output/ was left as it was" in log
    assert (root / "output" / "index.html").read_text() == "previous build"


def test_an_item_written_over_one_of_the_sites_own_pages_is_an_error(tmp_path):
    settings = {
        "DIRECT_TEMPLATES": ["index", "search", "404", "robots"],
        "SEARCH_SAVE_AS": "search/index.html",
        "ROBOTS_SAVE_AS": "",  # not written
        "TEMPLATE_PAGES": {"extra/about.html": "about/index.html"},
    }
    reserved = reserved_outputs(settings, {"entities/index.html": "the index of entities"})
    assert reserved == {
        "index.html": "the site's index page",  # Pelican's default: NAME.html
        "search/index.html": "the site's search page",
        "404.html": "the site's 404 page",
        "about/index.html": "the template page extra/about.html",
        "entities/index.html": "the index of entities",
    }
    search = _item(tmp_path, "search.md", "Title: Search\n\nText.\n", "search/index.html", "search")
    entities = _item(tmp_path, "e.md", "Title: Entities\n\nText.\n", "entities/index.html", "e")
    other = _item(tmp_path, "other.md", "Title: Other\n\nText.\n", "other/index.html", "other")
    errors = collisions([search, entities, other], lambda p: Path(p).name, reserved)
    assert [(e.path, e.line) for e in errors] == [("e.md", 1), ("search.md", 1)]
    assert "same file as the site's search page (search/index.html" in errors[1].message


def test_a_build_with_a_page_titled_like_a_site_page_stops_before_writing(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "content" / "pages" / "search.md").write_text(
        "Title: Search\nSummary: How to search.\n\nA page about searching this site, "
        "long enough to be a paragraph.\n",
        encoding="utf-8",
    )
    log = _failed_build(root)
    assert (
        "content/pages/search.md:1: error: written to the same file as the site's search page "
        "(search/index.html, slug 'search'); change its title"
    ) in log
    assert "FileOverwriteFailedError" not in log


def _failed_build(root: Path) -> str:
    """The log of `invoke build` in `root`, which must fail."""
    out = io.StringIO()
    assert build(root, out=out) == 1
    return out.getvalue()
