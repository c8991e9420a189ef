"""Reading article files for `invoke check` (and the benchmarks) without a
Pelican build, with the same Markdown conversion the build uses."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
from dateutil import parser as date_parser

from editorial.findings import (
    ACKNOWLEDGE_KEY,
    AcknowledgementError,
    InputError,
    parse_acknowledgements,
)
from editorial.paragraphs import (
    META_KEY,
    ParagraphExtension,
    ParagraphRecord,
    paragraphs_from_metadata,
)

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")


@dataclass
class ArticleSource:
    path: str
    metadata: dict[str, Any]
    paragraphs: tuple[ParagraphRecord, ...]
    acknowledged: frozenset[int] = field(default_factory=frozenset)

    @property
    def sort_key(self) -> tuple[str, str]:
        return (_iso_date(self.metadata.get("date")), self.path)


def _iso_date(value: Any) -> str:
    if not value:
        return ""
    try:
        return date_parser.parse(str(value)).isoformat()
    except (ValueError, OverflowError):
        return ""


def markdown_files(paths: Iterable[Path], excludes: Iterable[str] = ()) -> list[Path]:
    """The Markdown files named, or found below the directories named, in order.

    `excludes` are directory names (relative to a named directory) to skip,
    like Pelican's ARTICLE_EXCLUDES."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            skip = [path / name for name in excludes]
            for candidate in sorted(path.rglob("*")):
                # Not is_file(): a dangling link or unreadable entry must be
                # reported by read_article, not skipped in silence.
                if candidate.suffix.lower() not in MARKDOWN_SUFFIXES or candidate.is_dir():
                    continue
                if any(candidate.is_relative_to(s) for s in skip):
                    continue
                found.append(candidate)
        else:
            found.append(path)
    return found


def make_markdown(markdown_settings: Mapping[str, Any] | None = None) -> markdown.Markdown:
    """A Markdown converter configured like Pelican's reader, plus our extension."""
    config = copy.deepcopy(dict(markdown_settings or {}))
    extensions = list(config.pop("extensions", []))
    extension_configs = config.pop("extension_configs", {})
    for name in extension_configs:
        if name not in extensions:
            extensions.append(name)
    for name in ("markdown.extensions.meta",):
        if name not in extensions and "meta" not in extensions:
            extensions.append(name)
    extensions = [e for e in extensions if not isinstance(e, ParagraphExtension)]
    extensions.append(ParagraphExtension())
    return markdown.Markdown(
        extensions=extensions,
        extension_configs=extension_configs,
        output_format=config.get("output_format", "html5"),
    )


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


def parse_article(text: str, display: str, md: markdown.Markdown) -> ArticleSource:
    """An article's metadata and paragraphs, as the build sees them."""
    md.reset()
    md.convert(text)
    meta = {k.lower(): v for k, v in (getattr(md, "Meta", None) or {}).items()}
    records = paragraphs_from_metadata(meta)
    meta.pop(META_KEY, None)
    metadata = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in meta.items()}
    try:
        acknowledged = parse_acknowledgements(metadata.get(ACKNOWLEDGE_KEY))
    except AcknowledgementError:
        acknowledged = frozenset()  # reported with its line by editorial.lint
    return ArticleSource(display, metadata, records, acknowledged)
