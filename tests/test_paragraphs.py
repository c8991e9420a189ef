"""Paragraph records: Markdown source in, (ordinal, line, text) out."""

from pathlib import Path

import pytest

from editorial.paragraphs import META_KEY
from tests.support import paragraphs_of

ROOT = Path(__file__).resolve().parents[1]

CASES = [
    pytest.param(
        "Title: T\nDate: 2024-01-01\n\nOne para\ncontinued.\n\nTwo.\n",
        [(1, 4, "One para continued."), (2, 7, "Two.")],
        id="metadata-lines-counted",
    ),
    pytest.param(
        "# Heading\n\nBody text.\n\n## Sub\nRight under the heading.\n",
        [(1, 3, "Body text."), (2, 6, "Right under the heading.")],
        id="headings-are-not-paragraphs",
    ),
    pytest.param(
        "Intro.\n\n* item one\n* item two\n\n1. first\n\n> quoted para\n\n    code block\n\nEnd.\n",
        [(1, 1, "Intro."), (2, 12, "End.")],
        id="lists-quotes-code-excluded",
    ),
    pytest.param(
        "Same words here.\n\nOther.\n\nSame words here.\n",
        [(1, 1, "Same words here."), (2, 3, "Other."), (3, 5, "Same words here.")],
        id="identical-paragraph-gets-its-own-line",
    ),
    pytest.param(
        "A [link](http://example.org) and **bold** &amp; `a<b` <em>raw</em>.\n",
        [(1, 1, "A link and bold & a<b raw.")],
        id="inline-markup-becomes-visible-text",
    ),
    pytest.param(
        "<div>\nraw block\n</div>\n\nAfter.\n",
        [(1, 5, "After.")],
        id="raw-html-block-is-not-a-paragraph",
    ),
    pytest.param(
        "```\nfenced\n```\n\n\tTabbed?\n\nPlain\r\nwindows\r\n",
        [(1, 7, "Plain windows")],
        id="fenced-code-tabs-crlf",
    ),
    pytest.param("", [], id="empty"),
    pytest.param("Title: only metadata\n", [], id="metadata-only"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_records(source, expected):
    records = paragraphs_of(source)
    assert [(r.ordinal, r.line, r.text) for r in records] == expected


def test_pelican_reader_anchors_the_body_but_not_the_summary(tmp_path):
    """Pelican converts formatted metadata with the article's own Markdown
    instance; only the article's paragraphs get anchors and records."""
    from pelican.readers import MarkdownReader

    from editorial import project

    settings = project.read_settings(ROOT)
    project.add_paragraph_extension(settings)
    article = tmp_path / "a.md"
    article.write_text(
        "Title: T\nSummary: A summary paragraph.\n\nFirst paragraph.\n\nSecond paragraph.\n",
        encoding="utf-8",
    )
    reader = MarkdownReader(settings)
    for _ in range(2):  # the state of one article does not leak into the next
        content, metadata = reader.read(str(article))
        assert 'id="para-1"' in content and 'id="para-2"' in content
        assert "id=" not in metadata["summary"]
        records = metadata[META_KEY]
        assert [(r.ordinal, r.line, r.text) for r in records] == [
            (1, 4, "First paragraph."),
            (2, 6, "Second paragraph."),
        ]
