"""Article lint: input -> the errors, with their lines."""

import io
from pathlib import Path

import pytest

from editorial.commands import check as check_cmd
from editorial.commands.build import build
from editorial.lint import STATUSES, field_lines, linked_folders, lint_article, metadata_lines
from tests.support import copy_project


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title: Fine\nDate: 2024-05-01 09:30\n\nBody.\n", []),
        ("", [(0, "the file is empty")]),
        ("\n  \n", [(0, "the file is empty")]),
        ("Title: T\x00\n\nBody.\n", [(1, "control character U+0000 at column 9")]),
        ("Title: T\n\nBo\x1b[1mdy.\n", [(3, "control character U+001B at column 3")]),
        ("Title: T\n\nTabs\tand form\x0cfeeds are text.\r\n", []),
        ("Title: T\nDate: 10/01/2025\n\nBody.\n", [(2, "Date: '10/01/2025' is not a date")]),
        ("Title: T\nDate: January 5, 2024\n\nB.\n", [(2, "Date: 'January 5, 2024' is not")]),
        ("Title: T\nDate: 2024-02-30\n\nBody.\n", [(2, "Date: '2024-02-30' is not a date")]),
        ("Title: T\nModified: 2024/02/03\n\nB.\n", [(2, "Modified: '2024/02/03' is not")]),
        ("Title: T\nDate: 2024-02-03T10:00:00+05:30\nModified: 2024-02-04 08:00Z\n\nB.\n", []),
        (
            "---\ntitle: T\ntags: [a, b]\n---\n\nBody.\n",
            [(1, "YAML front matter ('---' lines) is not read as YAML here")],
        ),
        ("Date: 2024-05-01\n\nBody without a title.\n", [(1, "no Title: metadata")]),
        ("Title: T\nDate: 31 Febtember\n\nBody.\n", [(2, "Date: '31 Febtember' is not a date")]),
        ("Title: T\nStatus: publised\n\nB.\n", [(2, "Status: 'publised' is not a status")]),
        ("Title: T\nStatus: Draft\n\nB.\n", []),  # Pelican lower-cases it
        ("Title: T\nSlug: ../../x\n\nB.\n", [(2, "Slug: '../../x' would put the page out")]),
        ("Title: T\nSlug: a/./b\n\nB.\n", [(2, "Slug: 'a/./b' would put the page out")]),
        ("Title: T\nSlug: reports/budget-2024\n\nB.\n", []),  # a nested URL is fine
        (
            "Title: T\nAcknowledge_Repeats: 3, x\n\nBody.\n",
            [(2, "acknowledge_repeats: 'x' is not a paragraph number")],
        ),
    ],
)
def test_lint_article(tmp_path: Path, text, expected):
    (tmp_path / "other.md").write_text("Title: Other\n")
    article = tmp_path / "a.md"
    errors = lint_article(article, "a.md", text, tmp_path)
    assert [(e.line, e.message[: len(m)]) for e, (_, m) in zip(errors, expected, strict=False)] == [
        (line, message) for line, message in expected
    ]
    assert len(errors) == len(expected)
    assert all(e.path == "a.md" for e in errors)


def test_metadata_lines_handles_continuations_and_stops_at_the_body():
    text = "Title: A long\n    title\nDate: 2024-01-01\n\nBody: not metadata\n"
    assert metadata_lines(text) == {"title": (1, "A long title"), "date": (3, "2024-01-01")}


def test_a_link_to_a_folder_inside_the_content_or_above_it_is_an_error(tmp_path):
    """Pelican follows folder links: their articles would be read twice."""
    content = tmp_path / "content"
    (content / "2024").mkdir(parents=True)
    (content / "2024" / "a.md").write_text("Title: A\nDate: 2024-01-01\n\nText.\n")
    (content / "images").mkdir()
    (content / "images" / "chart.png").write_bytes(b"png")
    outside = tmp_path / "shared-articles"
    outside.mkdir()
    (outside / "b.md").write_text("Title: B\nDate: 2024-01-02\n\nText.\n")
    (content / "2024" / "loop").symlink_to("..")  # above: the content folder itself
    (content / "again").symlink_to(content / "2024")  # inside, with an article
    (content / "2024" / "images").symlink_to(content / "images")  # inside, images only: fine
    (content / "shared").symlink_to(outside)  # outside: fine
    errors = linked_folders(content, lambda p: str(p.relative_to(tmp_path)), (".md", ".rst"))
    assert sorted(e.path for e in errors) == ["content/2024/loop", "content/again"]
    assert all(e.line == 0 and "Pelican would read its articles a second time" in e.message
               for e in errors)  # fmt: skip


def test_a_build_refuses_a_content_folder_that_links_to_itself(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "output").mkdir()
    (root / "output" / "index.html").write_text("previous build")
    (root / "content" / "2024" / "loop").symlink_to(".")
    out = io.StringIO()
    assert build(root, out=out) == 1
    log = out.getvalue()
    assert "content/2024/loop: error: a link to the folder content/2024, inside the content" in log
    assert "written to the same file" not in log  # stopped before Pelican read anything
    assert (root / "output" / "index.html").read_text() == "previous build"
    errors = io.StringIO()
    assert check_cmd.check(root, out=io.StringIO(), err=errors) == 2
    assert "content/2024/loop: error: a link to the folder" in errors.getvalue()


def test_field_lines_of_markdown_and_rst_files(tmp_path):
    markdown = tmp_path / "a.md"
    markdown.write_text("Title: A\nSlug: a\n  continued\n\nSlug: in the body\n")
    rst = tmp_path / "b.rst"
    rst.write_text("Title B\n#######\n\n:date: 2024-01-01\n:Slug: b\n\n:slug: again\n")
    assert field_lines(markdown) == {"title": 1, "slug": 2}
    assert field_lines(rst) == {"date": 4, "slug": 5}
    assert field_lines(tmp_path / "missing.md") == {}


def test_the_statuses_are_those_pelican_accepts():
    from pelican.contents import Article, Page

    assert set(STATUSES) == set(Article.allowed_statuses) == set(Page.allowed_statuses)
