"""Article lint: input -> the errors, with their lines."""

from pathlib import Path

import pytest

from editorial.lint import lint_article, metadata_lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title: Fine\nDate: 2024-05-01 09:30\n\nBody.\n", []),
        ("", []),
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
