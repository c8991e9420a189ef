"""An article's source as the rules read it: metadata with line numbers,
and the body's lines outside fenced code blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from dateutil import parser as date_parser

from editorial.lint import MARKDOWN, metadata_lines
from editorial.paragraphs import ParagraphRecord

_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


@dataclass
class Article:
    """One article's source: `path` on disk, `display` as messages show it.

    A Markdown article's metadata is read from its text; a reStructuredText
    article comes with its docinfo fields as `meta` (`restructuredtext.py`)
    and its paragraph records."""

    path: Path
    display: str
    text: str
    content_root: Path
    meta: dict[str, tuple[int, str]] = field(default_factory=dict)
    markup: str = MARKDOWN
    paragraphs: tuple[ParagraphRecord, ...] | None = None  # known when read already

    def __post_init__(self) -> None:
        if self.markup == MARKDOWN:
            self.meta = metadata_lines(self.text)

    def value(self, key: str) -> str:
        return self.meta.get(key, (0, ""))[1].strip()

    def line_of(self, key: str) -> int:
        """The line of a metadata key, or of the metadata block's end when absent."""
        if key in self.meta:
            return self.meta[key][0]
        return max((line for line, _ in self.meta.values()), default=1)

    @property
    def is_draft(self) -> bool:
        return self.value("status").lower() == "draft"

    @property
    def date(self) -> date | None:
        try:
            return date_parser.parse(re.sub(" +", " ", self.value("date"))).date()
        except (ValueError, OverflowError, TypeError):
            return None

    @cached_property
    def body(self) -> list[tuple[int, str]]:
        """(line number, text) of the lines after the metadata, fenced code
        blocks left out and inline code spans blanked."""
        lines = self.text.splitlines()
        start = max((line for line, _ in self.meta.values()), default=0)
        if self.meta and lines and lines[0].strip() == "---":
            start += 1  # the YAML-style closing marker
        found: list[tuple[int, str]] = []
        fence: str | None = None
        for number, line in enumerate(lines[start:], start + 1):
            match = _FENCE.match(line)
            if fence is not None:
                if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                    fence = None
                continue
            if match:
                fence = match.group(1)
                continue
            found.append((number, _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)))
        return found
