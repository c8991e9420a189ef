"""Two articles or pages that Pelican would write to one file stop the build
before it writes, with an error at the Title: (or Slug:) line naming the
other file, and the previous output stays (outputs.py)."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

from editorial.commands.build import build
from editorial.outputs import collisions
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
    assert "change the title of one of them, or give it a 'Slug: ...' line" in errors[0].message
    assert "give one of them another 'Slug:'" in errors[1].message


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
    out = io.StringIO()
    assert build(root, out=out) == 1
    log = out.getvalue()
    assert (
        "content/2024/copy-two.md:1: error: written to the same file as content/2024/copy-one.md"
    ) in log
    assert "Traceback" not in log and "FileOverwriteFailedError" not in log
    assert "output/ was left as it was" in log
    assert (root / "output" / "index.html").read_text() == "previous build"
