"""Rule: `{filename}`, `{static}` and `{attach}` links to files that do not exist.

Pelican reports these late and vaguely ("Unable to find '/y.md', skipping
url replacement."); this names the line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from editorial.rules.article import Article

if TYPE_CHECKING:
    from editorial.rules import Context

_INTERNAL_LINK = re.compile(
    # <{filename}/my file.md>: Markdown's angle brackets allow spaces.
    r"<\{(?:filename|static|attach)\}(?P<spaced>[^>#?\n]+)[^>\n]*>"
    r"|\{(?:filename|static|attach)\}(?P<path>[^)\s\"'#?>]+)"
)


def missing_targets(article: Article, context: Context | None = None) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(article.text.splitlines(), 1):
        for match in _INTERNAL_LINK.finditer(line):
            link = match["spaced"] or match["path"]
            target = resolve(link, article.path, article.content_root)
            if not target.exists():
                yield number, f"{match.group(0)} links to a file that does not exist ({target})"


def resolve(link: str, source: Path, content_root: Path) -> Path:
    """Where a `{filename}` link points: relative to the article, or to the
    content folder when it starts with /."""
    link = link.replace("%20", " ")
    if link.startswith("/"):
        return content_root.joinpath(*PurePosixPath(link.lstrip("/")).parts)
    return source.parent.joinpath(*PurePosixPath(link).parts).resolve()
