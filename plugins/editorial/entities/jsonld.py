"""schema.org JSON-LD for entities and for the articles that mention them.

Pure: plain dicts, serialised by the theme with Jinja's ``|tojson`` filter
(which escapes ``<``, ``>``, ``&`` and ``'`` so that the JSON is safe inside
a ``<script>`` element).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from editorial.entities.registry import Entity

SCHEMA_TYPES = {
    "person": "Person",
    "organization": "Organization",
    "place": "Place",
    "legislation": "Legislation",
    "event": "Event",
    "other": "Thing",
}


def mention_item(entity: Entity) -> dict[str, Any]:
    """The schema.org item of ``entity``, as an article's ``mentions`` lists it."""
    data: dict[str, Any] = {"@type": SCHEMA_TYPES[entity.type], "name": entity.name}
    if entity.description:
        data["description"] = entity.description
    same_as = entity.same_as
    if same_as:
        data["sameAs"] = same_as if len(same_as) > 1 else same_as[0]
    return data


def article_jsonld(article: Any, items: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The JSON-LD of ``article`` (``title``, ``date``) mentioning ``items``
    (:func:`mention_item` dicts, first mention first); None when it
    mentions nothing."""
    if not items:
        return None
    return {
        "@context": "https://schema.org",
        "@type": "Article",
        # The title is HTML (Markdown in the title is rendered): JSON-LD wants text.
        "headline": Markup(str(article.title)).striptags(),
        "datePublished": article.date.isoformat(),
        "mentions": list(items),
    }
