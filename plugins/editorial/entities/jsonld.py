"""schema.org JSON-LD: entities, and ``NewsArticle`` for articles.

Pure: plain dicts, serialised by the theme with Jinja's ``|tojson`` filter
(which escapes ``<``, ``>``, ``&`` and ``'`` so that the JSON is safe inside
a ``<script>`` element).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Site:
    """What the JSON-LD says about the site: its address (``SITEURL``, empty
    in previews, where URLs stay root-relative), its name, and the paths of
    its logo and default share image under that address."""

    url: str
    name: str
    logo: str = ""
    image: str = ""

    def absolute(self, path: str) -> str:
        """``path`` (site-relative, or already an absolute URL) as a URL."""
        if not path or _ABSOLUTE.match(path):
            return path
        return f"{self.url.rstrip('/')}/{path.lstrip('/')}"


_ABSOLUTE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def share_image(article: Any, site: Site) -> str:
    """The article's ``Image`` metadata as a URL, else the site's default image."""
    return site.absolute(str(getattr(article, "image", "") or "").strip() or site.image)


def article_jsonld(article: Any, items: Sequence[dict[str, Any]], site: Site) -> dict[str, Any]:
    """The ``NewsArticle`` of ``article`` (``title``, ``url``, ``date``, and
    when set ``modified``, ``summary``, ``authors``, ``image``) mentioning
    ``items`` (:func:`mention_item` dicts, first mention first)."""
    url = site.absolute(str(article.url))
    published = article.date.isoformat()
    modified = getattr(article, "modified", None)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        # The title is HTML (Markdown in the title is rendered): JSON-LD wants text.
        "headline": Markup(str(article.title)).striptags(),
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": published,
        "dateModified": modified.isoformat() if modified else published,
        "image": [share_image(article, site)],
        "author": [
            {"@type": "Person", "name": str(author), "url": site.absolute(str(author.url))}
            for author in getattr(article, "authors", None) or ()
        ],
        "publisher": publisher(site),
    }
    description = Markup(str(getattr(article, "summary", "") or "")).striptags()
    if description:
        data["description"] = description
    if items:
        data["mentions"] = list(items)
    return data


def publisher(site: Site) -> dict[str, Any]:
    """The site as the schema.org ``Organization`` that publishes it."""
    data: dict[str, Any] = {"@type": "Organization", "name": site.name, "url": site.absolute("/")}
    if site.logo:
        data["logo"] = {"@type": "ImageObject", "url": site.absolute(site.logo)}
    return data


def entity_page_jsonld(item: dict[str, Any], url: str) -> dict[str, Any]:
    """An entity page's JSON-LD: the entity's ``item`` (:func:`mention_item`)
    with the page's ``url``."""
    return {"@context": "https://schema.org", **item, "url": url}
