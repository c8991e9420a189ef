"""Rule: registry entities that no article mentions (information only).

Reads the registry the build would link with (ENTITIES_FILE), through the
same cached loader; a registry that cannot be loaded is not this rule's to
report (the build and `invoke entities` do)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from editorial import project
from editorial.entities import loading
from editorial.entities.registry import RegistryError
from editorial.rules.article import Article

if TYPE_CHECKING:
    from editorial.rules import Context


def unmentioned(articles: Sequence[Article], context: Context) -> Iterator[tuple[str, int, str]]:
    path = loading.registry_path(context.settings)
    if path is None or not path.is_file():
        return
    try:
        registry, matcher = loading.load(context.settings, path)
    except RegistryError:
        return
    mentioned: set[str] = set()
    for article in articles:
        body = "\n".join(line for _, line in article.body)
        for candidate in matcher.candidates(body):
            mentioned.update(candidate.entity_ids)
    shown = project.display_path(path)
    for entity in registry:
        if entity.id not in mentioned:
            yield shown, entity.line, f"{entity.name} ({entity.id}) is mentioned in no article"
