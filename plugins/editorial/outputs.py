"""Content items that Pelican would write to the same file.

Two articles with the same title in the same year get the same slug, and so
the same ``save_as`` (so does a page titled "Search" with the site's search
page): Pelican warns about the slug, then stops while writing with "Failed
to overwrite ... as Pelican has already written to it", naming a file of
the output, not the articles. The build checks the items' own
``save_as`` (Pelican's, read once every item is read) and stops before
writing with an error at each item's ``Title:`` line.

Pure: items are duck-typed (``save_as``, ``source_path``, ``slug``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from editorial.findings import InputError
from editorial.lint import field_lines


class OutputCollision(Exception):
    """Items that would overwrite each other; one InputError per item but the first."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__("\n".join(error.as_text() for error in errors))
        self.errors = errors


def collisions(
    items: Iterable[Any], display: Callable[[str], str], reserved: Mapping[str, str] | None = None
) -> list[InputError]:
    """An error for each item written to the same file as another whose
    source path sorts first, naming that one, or to a file in `reserved`
    (save_as -> what the site writes there: `reserved_outputs`); `display`
    shows a source path."""
    first: dict[str, Any] = {}
    errors: list[InputError] = []
    for item in sorted(items, key=lambda item: str(item.source_path)):
        target = str(getattr(item, "save_as", "") or "")
        if not target:
            continue  # not written (Pelican's empty save_as)
        earlier = first.setdefault(target, item)
        if earlier is not item:
            other = display(earlier.source_path)
        elif reserved and target in reserved:
            other = reserved[target]
        else:
            continue
        fields = field_lines(item.source_path)
        key = "slug" if "slug" in fields else "title"
        fix = (
            "give it another 'Slug:'"
            if key == "slug"
            else "change its title, or give it a 'Slug: ...' line"
        )
        slug = str(getattr(item, "slug", ""))
        message = f"written to the same file as {other} ({target}, slug {slug!r}); {fix}"
        errors.append(InputError(display(item.source_path), fields.get(key, 0), message))
    return errors


def reserved_outputs(settings: Mapping[str, Any], generated: Mapping[str, str]) -> dict[str, str]:
    """The files the site writes besides its articles and pages: Pelican's
    DIRECT_TEMPLATES (each to its NAME_SAVE_AS, by default NAME.html, as
    Pelican writes them) and TEMPLATE_PAGES, and `generated` (save_as ->
    what it is: the plugin's own pages)."""
    reserved: dict[str, str] = {}
    for name in settings.get("DIRECT_TEMPLATES") or ():
        setting = f"{name.upper()}_SAVE_AS"
        save_as = settings.get(setting, f"{name}.html")
        if save_as:
            reserved[save_as] = f"the site's {name} page"
    for source, save_as in (settings.get("TEMPLATE_PAGES") or {}).items():
        reserved[save_as] = f"the template page {source}"
    reserved.update({k: v for k, v in generated.items() if k})
    return reserved
