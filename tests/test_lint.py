"""Article lint: input -> the errors, with their lines."""

from pathlib import Path

import pytest

from editorial.lint import lint_article, metadata_lines


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
