"""reStructuredText articles: paragraph records with source lines, read by
Pelican's own `RstReader` (docutils), for the build and `invoke check` alike.

`RstReader` lets a plugin swap its docutils writer (`writer_class`, see its
docstring); `ParagraphWriter` is Pelican's HTML writer that, before the
document is translated, records each top-level paragraph (a child of the
document or of a section: not list items, quotes, admonitions or tables)
with the line docutils gives it, and gives it the anchor ``para-N`` as the
Markdown extension (paragraphs.py) does. `ParagraphRstReader` puts the
records in the article's metadata under `META_KEY`, so the site-wide review
sees Markdown and rST articles alike. The metadata is Pelican's own
(`:date:` and the other docinfo fields); `docinfo_fields` gives the raw
values with their lines, for the rules and the lint.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from docutils.utils import SystemMessage
from pelican.readers import PelicanHTMLWriter, RstReader

from editorial.findings import InputError
from editorial.lint import rst_field_lines
from editorial.paragraphs import META_KEY, ParagraphRecord, paragraph_anchor

# docutils' report of a problem: "path:12: (WARNING/2) Title underline too short."
_REPORT = re.compile(r"^(?P<source>.*?):(?P<line>\d+): \((?P<level>[A-Z]+)/\d\) (?P<text>.*)", re.S)


def record_paragraphs(document: nodes.document) -> tuple[ParagraphRecord, ...]:
    """The document's top-level paragraphs with their first source line
    (1-based); each gets the anchor ``para-N`` unless it has an id already."""
    records: list[ParagraphRecord] = []
    source = document.get("source")
    for node in document.findall(nodes.paragraph):
        if not isinstance(node.parent, (nodes.document, nodes.section)):
            continue
        if node.line is None or (node.source and source and node.source != source):
            continue  # from an included file: no line in this one
        text = " ".join(node.astext().split())
        if not text:
            continue
        records.append(ParagraphRecord(len(records) + 1, node.line, text))
        if not node["ids"]:
            node["ids"].append(paragraph_anchor(len(records)))
    return tuple(records)


class ParagraphWriter(PelicanHTMLWriter):
    """Pelican's HTML writer, recording paragraphs before it translates."""

    def __init__(self) -> None:
        super().__init__()
        self.records: tuple[ParagraphRecord, ...] = ()

    def translate(self) -> None:
        self.records = record_paragraphs(self.document)
        super().translate()


@dataclass
class RstArticle:
    """One rST file as read: Pelican's content and metadata (paragraph
    records included), the document title and the raw docinfo fields."""

    content: str
    metadata: dict[str, Any]
    title: str
    fields: dict[str, tuple[int, str]]


class ParagraphRstReader(RstReader):
    """Pelican's rST reader, with paragraph records in the metadata."""

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        article = self.read_article(source_path)
        return article.content, article.metadata

    def read_article(self, source_path: str, text: str = "") -> RstArticle:
        """Read like `read`; `text` (the file's text) places docinfo fields
        that docutils gives no line (`:date:`, `:status:`). Raises what
        docutils and Pelican raise (`rst_error` explains it)."""
        writer = ParagraphWriter()
        # An instance attribute over the documented class attribute:
        # `RstReader` creates its writer with `self.writer_class()`.
        self.writer_class = lambda: writer
        pelican_log = logging.getLogger("pelican.readers")
        # Pelican warns of a missing title in its own words; `lint.lint_rst`
        # reports it at its line.
        pelican_log.addFilter(_no_title_warning)
        try:
            content, metadata = super().read(source_path)
        except ValueError as error:  # a metadata value Pelican refuses (a date)
            raise MetadataError(str(error), docinfo_fields(writer.document, text)) from None
        finally:
            del self.writer_class
            pelican_log.removeFilter(_no_title_warning)
        metadata[META_KEY] = writer.records
        title = str(metadata.get("title") or "")
        return RstArticle(content, metadata, title, docinfo_fields(writer.document, text))


def _no_title_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Document title missing")


class MetadataError(ValueError):
    """Pelican refused a docinfo value; `fields` locates it."""

    def __init__(self, message: str, fields: dict[str, tuple[int, str]]) -> None:
        super().__init__(message)
        self.fields = fields


def docinfo_fields(document: nodes.document | None, text: str = "") -> dict[str, tuple[int, str]]:
    """The docinfo fields (`:date: ...`): lowercased name -> (line, raw value).

    docutils gives custom fields a line; for the standard ones (date,
    status, author ...) the line of ``:name:`` in `text` is used (0 if none)."""
    found: dict[str, tuple[int, str]] = {}
    if document is None:
        return found
    lines = rst_field_lines(text)
    for docinfo in document.findall(nodes.docinfo):
        for element in docinfo.children:
            if element.tagname == "field":
                name, value = element.children[0].astext(), element.children[1].astext()
            else:
                name, value = element.tagname, element.astext()
            name = name.lower()
            line = element.line or lines.get(name, 0)
            found[name] = (line, " ".join(value.split()))
    return found


def rst_error(error: Exception, display: str) -> InputError:
    """What stopped an rST file from being read, at its line."""
    if isinstance(error, SystemMessage):
        match = _REPORT.match(str(error))
        if match:
            text = " ".join(match["text"].split())
            return InputError(
                display,
                int(match["line"]),
                f"reStructuredText {match['level'].lower()}: {text} "
                "(Pelican skips the file; fix the markup at this line)",
            )
        return InputError(display, 0, f"reStructuredText error: {error}")
    if isinstance(error, MetadataError):
        line = next((ln for ln, value in error.fields.values() if value and value in str(error)), 0)
        return InputError(
            display, line, f"{error}; write dates as year-month-day (ISO 8601), like 2024-05-01"
        )
    return InputError(display, 0, f"cannot be read as reStructuredText: {error}")
