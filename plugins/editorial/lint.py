"""Article lint: the mistakes that make Pelican skip or misread an article,
found before the build with the file and line, and what to do about them.

Pelican itself reports these late and vaguely ("Could not process ./x.md");
these checks name the line. A `{filename}` link to nothing is the rule
`link-target-missing` (rules/links.py). Pure functions: no Pelican imports.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from editorial.findings import (
    ACKNOWLEDGE_KEY,
    AcknowledgementError,
    InputError,
    parse_acknowledgements,
)
from editorial.project import is_rst

# Python-Markdown's meta extension syntax (what Pelican's reader accepts).
_META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)")
# A reStructuredText field (docinfo): ":key: value".
_RST_FIELD = re.compile(r"^\s*:(?P<key>[A-Za-z0-9_-]+):")
# ISO 8601 as Pelican reads it: a date, optionally a time and an offset.
_ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
# C0 controls (NUL included) and DEL; tab, newline, carriage return and form feed are text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")

MARKDOWN, RST = "markdown", "rst"

# A metadata field as messages and hints spell it, the Markdown way ("no
# Tags:", "add 'Date: 2024-05-01'"): a capitalised key and its colon.
_MARKDOWN_FIELD = re.compile(r"\b([A-Z][a-z]+(?:_[A-Z][a-z]+)*):(?=[\s'?)]|$)")


def in_markup(text: str, markup: str) -> str:
    """`text` (a message or hint, which spell fields as Markdown metadata:
    "add 'Tags: a, b'") with the fields spelt as `markup` writes them:
    reStructuredText's field list says ":tags: a, b"."""
    if markup != RST:
        return text
    return _MARKDOWN_FIELD.sub(lambda m: f":{m.group(1).lower()}:", text)


EMPTY_FILE = (
    "the file is empty; an article starts with 'Title: ...' and 'Date: ...' lines, "
    "a blank line, then the text (delete the file if it is not meant to be one)"
)
FRONT_MATTER = (
    "YAML front matter ('---' lines) is not read as YAML here: lists like [a, b] "
    "come out wrong. Remove the '---' lines and write Pelican metadata as "
    "'Key: value' lines at the top, then a blank line (Tags: a, b)"
)
RST_EMPTY_FILE = (
    "the file is empty; a reStructuredText article starts with its title "
    "underlined (a line of #), then ':date: ...' fields, a blank line and the text"
)
RST_NO_TITLE = (
    "no document title; start the file with the title on one line and a line "
    "of # as long as it below (one section at the top level)"
)
# Pelican's Article.allowed_statuses (and Page's): another value skips the file.
STATUSES = ("published", "draft", "hidden", "skip")
STATUS_HINT = (
    "is not a status; write draft (checked, not published), hidden (published, "
    "not listed) or skip (not built), or remove the line to publish"
)
SLUG_HINT = (
    "would put the page outside its folder ('.' or '..' in the path); write a plain "
    "name such as 'my-article', or remove the line (the title gives the slug)"
)
EMPTY_TITLE = (
    "Title: is empty; write the headline after it (Pelican would publish a page "
    "with no title, at the folder's address)"
)
NO_DATE = (
    "no Date: metadata, so Pelican would skip the article; add a line like "
    "'Date: 2024-05-01' (year-month-day), or 'Status: draft' while it is unfinished"
)
DATE_HINT = (
    "is not a date; write it as year-month-day (ISO 8601), like 2024-05-01 "
    "or 2024-05-01 09:30 (10/01/2025 could be January or October)"
)


def metadata_lines(text: str) -> dict[str, tuple[int, str]]:
    """The metadata block at the top: lowercased key -> (line number, value)."""
    found: dict[str, tuple[int, str]] = {}
    key = None
    for number, line in enumerate(text.splitlines(), 1):
        if number == 1 and line.strip() == "---":
            continue  # refused by lint_article; read past it for the rules
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


def field_lines(source_path: str | Path) -> dict[str, int]:
    """The line of each metadata field of an article file, by lowercased key:
    Markdown's block at the top (`metadata_lines`), reStructuredText's
    `:key: value` fields; {} when the file cannot be read. For messages
    about a field that Pelican has already read."""
    try:
        text = Path(source_path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    if not is_rst(Path(source_path)):
        return {key: number for key, (number, _) in metadata_lines(text).items()}
    return rst_field_lines(text)


def rst_field_lines(text: str) -> dict[str, int]:
    """The line of each `:key: value` field of reStructuredText `text`, by
    lowercased key (its first occurrence)."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = _RST_FIELD.match(line)
        if match:
            found.setdefault(match["key"].lower(), number)
    return found


def lint_article(path: Path, display: str, text: str, content_root: Path) -> list[InputError]:
    """Problems in one article's text, metadata and internal links."""
    if not text.strip():
        return [InputError(display, 0, EMPTY_FILE)]
    errors = control_characters(display, text)
    if text.splitlines()[0].strip() == "---":
        errors.append(InputError(display, 1, FRONT_MATTER))
        return errors
    meta = metadata_lines(text)
    if "title" not in meta:
        errors.append(
            InputError(display, 1, "no Title: metadata; start the file with a line 'Title: ...'")
        )
    elif not meta["title"][1].strip():
        errors.append(InputError(display, meta["title"][0], EMPTY_TITLE))
    return errors + lint_metadata(display, meta)


def lint_rst(
    display: str, text: str, title: str, fields: dict[str, tuple[int, str]]
) -> list[InputError]:
    """Problems in one reStructuredText article as Pelican read it: its
    document `title` and its docinfo `fields` (name -> (line, value))."""
    if not text.strip():
        return [InputError(display, 0, RST_EMPTY_FILE)]
    errors = control_characters(display, text)
    if not title.strip():
        errors.append(InputError(display, 1, RST_NO_TITLE))
    metadata = lint_metadata(display, fields)
    return errors + [replace(e, message=in_markup(e.message, RST)) for e in metadata]


def lint_metadata(display: str, meta: dict[str, tuple[int, str]]) -> list[InputError]:
    """Dates that are not ISO 8601, unknown statuses, slugs that leave their
    folder and malformed acknowledgements, at their lines (Pelican would skip
    the article, or stop with its own message, without them)."""
    errors = []
    for key in ("date", "modified"):
        if key in meta and not is_iso_date(meta[key][1]):
            line, value = meta[key]
            errors.append(InputError(display, line, f"{key.title()}: {value!r} {DATE_HINT}"))
    if "status" in meta:
        line, value = meta["status"]
        if value.strip() and value.strip().lower() not in STATUSES:
            errors.append(InputError(display, line, f"Status: {value.strip()!r} {STATUS_HINT}"))
    if "slug" in meta:
        line, value = meta["slug"]
        if {".", ".."} & set(value.strip().replace("\\", "/").split("/")):
            errors.append(InputError(display, line, f"Slug: {value.strip()!r} {SLUG_HINT}"))
    if ACKNOWLEDGE_KEY in meta:
        line, value = meta[ACKNOWLEDGE_KEY]
        try:
            parse_acknowledgements(value)
        except AcknowledgementError as error:
            errors.append(InputError(display, line, str(error)))
    return errors


def is_iso_date(value: str) -> bool:
    """A date (and optional time and offset) in ISO 8601 that exists."""
    value = re.sub(" +", " ", value.strip())
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def control_characters(display: str, text: str) -> list[InputError]:
    """Each line holding an invisible control character (a NUL byte, an escape)."""
    errors = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _CONTROL.search(line)
        if match:
            errors.append(
                InputError(
                    display,
                    number,
                    f"control character U+{ord(match.group()):04X} at column {match.start() + 1}"
                    "; remove it (most editors do not show it)",
                )
            )
    return errors


def linked_folders(
    content_root: Path, display: Callable[[Path], str], suffixes: tuple[str, ...]
) -> list[InputError]:
    """Links to folders with articles (files with these `suffixes`) inside
    the content folder, or above it: Pelican follows them and reads those
    articles a second time, under another path (through a link to a folder
    above, up to 40 times), and writes each copy to its original's file. A
    link to images, or to a folder outside, is fine. `display` shows a path."""
    base = content_root.resolve()
    errors: list[InputError] = []
    for directory, subdirectories, _ in os.walk(content_root):  # links not followed
        for name in subdirectories:
            path = Path(directory, name)
            if not path.is_symlink():
                continue
            target = path.resolve()
            inside = target.is_relative_to(base) or base.is_relative_to(target)
            if inside and _holds_articles(target, suffixes):
                errors.append(
                    InputError(
                        display(path),
                        0,
                        f"a link to the folder {display(target)}, inside the content folder "
                        "or above it: Pelican would read its articles a second time; "
                        "remove the link (or make it a copy of what it should hold)",
                    )
                )
    return errors


def _holds_articles(folder: Path, suffixes: tuple[str, ...]) -> bool:
    for _, _, names in os.walk(folder):  # links not followed: no loop
        if any(os.path.splitext(name)[1].lower() in suffixes for name in names):
            return True
    return False
