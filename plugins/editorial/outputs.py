"""Content items that Pelican would write to the same file.

Two articles with the same title in the same year get the same slug, and so
the same ``save_as``: Pelican warns about the slug, then stops while writing
with "Failed to overwrite ... as Pelican has already written to it", naming
a file of the output, not the articles. The build checks the items' own
``save_as`` (Pelican's, read once every item is read) and stops before
writing with an error at each item's ``Title:`` line.

Pure: items are duck-typed (``save_as``, ``source_path``, ``slug``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from editorial.findings import InputError


class OutputCollision(Exception):
    """Items that would overwrite each other; one InputError per item but the first."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__("\n".join(error.as_text() for error in errors))
        self.errors = errors


def collisions(items: Iterable[Any], display: Callable[[str], str]) -> list[InputError]:
    """An error for each item written to the same file as another whose
    source path sorts first, naming that one; `display` shows a source path."""
    first: dict[str, Any] = {}
    errors: list[InputError] = []
    for item in sorted(items, key=lambda item: str(item.source_path)):
        target = str(getattr(item, "save_as", "") or "")
        if not target:
            continue  # not written (Pelican's empty save_as)
        earlier = first.setdefault(target, item)
        if earlier is item:
            continue
        path = display(item.source_path)
        key = "slug" if _metadata_line(item.source_path, "slug") else "title"
        fix = (
            "give one of them another 'Slug:'"
            if key == "slug"
            else "change the title of one of them, or give it a 'Slug: ...' line"
        )
        other = display(earlier.source_path)
        slug = str(getattr(item, "slug", ""))
        message = f"written to the same file as {other} ({target}, slug {slug!r}); {fix}"
        errors.append(InputError(path, _metadata_line(item.source_path, key), message))
    return errors


def _metadata_line(source_path: str, key: str) -> int:
    """The line of `key`'s metadata field (Markdown ``Key:``, rST ``:key:``), or 0."""
    try:
        lines = Path(source_path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    field = key + ":"
    markdown = not source_path.lower().endswith(".rst")
    for number, line in enumerate(lines, 1):
        if markdown and number > 1 and not line.strip():
            break  # Markdown's metadata ends at the first blank line
        if line.lower().removeprefix(":").startswith(field):
            return number
    return 0
