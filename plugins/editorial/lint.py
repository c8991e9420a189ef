"""Article lint: the mistakes that make Pelican skip or misread an article,
found before the build with the file and line, and what to do about them.

Pelican itself reports these late and vaguely ("Could not process ./x.md");
these checks name the line. A `{filename}` link to nothing is the rule
`link-target-missing` (rules/links.py). Pure functions: no Pelican imports.
"""

from __future__ import annotations

import re
from pathlib import Path

from dateutil import parser as date_parser

from editorial.findings import (
    ACKNOWLEDGE_KEY,
    AcknowledgementError,
    InputError,
    parse_acknowledgements,
)

# Python-Markdown's meta extension syntax (what Pelican's reader accepts).
_META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)")


def metadata_lines(text: str) -> dict[str, tuple[int, str]]:
    """The metadata block at the top: lowercased key -> (line number, value)."""
    found: dict[str, tuple[int, str]] = {}
    key = None
    for number, line in enumerate(text.splitlines(), 1):
        if number == 1 and line.strip() == "---":
            continue
        match = _META_LINE.match(line)
        if match:
            key = match.group("key").lower()
            found[key] = (number, match.group("value").strip())
            continue
        more = _META_MORE.match(line)
        if more and key:
            line_number, value = found[key]
            found[key] = (line_number, f"{value} {more.group('value').strip()}")
            continue
        break
    return found


def lint_article(path: Path, display: str, text: str, content_root: Path) -> list[InputError]:
    """Problems in one article's metadata."""
    errors: list[InputError] = []
    meta = metadata_lines(text)
    if not text.strip():
        return errors  # an empty file is not an article; Pelican ignores it too
    if "title" not in meta:
        errors.append(
            InputError(display, 1, "no Title: metadata; start the file with a line 'Title: ...'")
        )
    if "date" in meta:
        line, value = meta["date"]
        try:
            date_parser.parse(re.sub(" +", " ", value))
        except (ValueError, OverflowError, TypeError):
            errors.append(
                InputError(
                    display,
                    line,
                    f"Date: {value!r} is not a date; write it like 2024-05-01 or 2024-05-01 09:30",
                )
            )
    if ACKNOWLEDGE_KEY in meta:
        line, value = meta[ACKNOWLEDGE_KEY]
        try:
            parse_acknowledgements(value)
        except AcknowledgementError as error:
            errors.append(InputError(display, line, str(error)))
    return errors

