"""Reading article files without a Pelican build (`invoke check`): Markdown
with the conversion Pelican's reader uses (`project.make_markdown`),
reStructuredText with Pelican's own reader (`restructuredtext.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import markdown
from dateutil import parser as date_parser

from editorial.findings import (
    ACKNOWLEDGE_KEY,
    AcknowledgementError,
    InputError,
    parse_acknowledgements,
)
from editorial.paragraphs import META_KEY, paragraphs_from_metadata
from editorial.repeats import Document
from editorial.site import Source

if TYPE_CHECKING:
    from editorial.restructuredtext import ParagraphRstReader, RstArticle


def read_source(path: Path, display: str) -> str | InputError:
    """The file's text, or the error that prevents reading it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return InputError(display, 0, f"cannot read the file ({error.strerror or error})")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return InputError(
            display,
            line,
            f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at column {column}); "
            "save the file as UTF-8",
        )


def parse_article(text: str, display: str, md: markdown.Markdown) -> Source:
    """An article's paragraphs and acknowledgements, as the build sees them.

    A malformed acknowledgement counts as none here; `lint.lint_article`
    reports it with its line."""
    md.reset()
    md.convert(text)
    meta = {k.lower(): v for k, v in (getattr(md, "Meta", None) or {}).items()}
    records = paragraphs_from_metadata(meta)
    meta.pop(META_KEY, None)
    metadata = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in meta.items()}
    try:
        acknowledged = parse_acknowledgements(metadata.get(ACKNOWLEDGE_KEY))
    except AcknowledgementError:
        acknowledged = frozenset()
    sort_key = (_iso_date(metadata.get("date")), display)
    return Source(display, sort_key, Document(display, records), acknowledged)


def parse_rst(
    path: Path, display: str, reader: ParagraphRstReader, text: str = ""
) -> tuple[Source, RstArticle] | InputError:
    """An rST article's paragraphs and acknowledgements as the build sees them
    (Pelican's reader), and what it read; or what stopped docutils or Pelican,
    at its line. `text` (the file's) places the docinfo fields."""
    from editorial.restructuredtext import rst_error

    try:
        read = reader.read_article(str(path), text)
    except Exception as error:  # docutils' and Pelican's refusals, each at its line
        return rst_error(error, display)
    records = paragraphs_from_metadata(read.metadata)
    try:
        acknowledged = parse_acknowledgements(read.fields.get(ACKNOWLEDGE_KEY, (0, ""))[1])
    except AcknowledgementError:
        acknowledged = frozenset()
    sort_key = (_iso_date(read.fields.get("date", (0, ""))[1]), display)
    return Source(display, sort_key, Document(display, records), acknowledged), read


def _iso_date(value: Any) -> str:
    if not value:
        return ""
    try:
        return date_parser.parse(str(value)).isoformat()
    except (ValueError, OverflowError):
        return ""
