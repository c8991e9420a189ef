"""Entity pages and per-article entity lists, from the mentions in metadata.

Pure: articles are duck-typed (``metadata``, ``date``, ``title``,
``source_path``), so the same code serves the build and the tests.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from html import unescape
from typing import Any

from editorial.entities.jsonld import mention_item
from editorial.entities.linker import mentions_from_metadata
from editorial.entities.registry import TYPES, Entity, Registry

TYPE_LABELS = {
    "person": ("Person", "People"),
    "organization": ("Organisation", "Organisations"),
    "place": ("Place", "Places"),
    "legislation": ("Law or regulation", "Laws and regulations"),
    "event": ("Event", "Events"),
    "other": ("Other", "Other"),
}


@dataclass(eq=False)
class ArticleRef:
    """An article as a list shows it (a row of an entity page, a related
    article), its fields read once: an article is listed many times, and
    Pelican computes ``url`` anew on every access."""

    content: Any
    url: str
    title: str
    date: Any
    locale_date: str
    iso_date: str

    @classmethod
    def of(cls, article: Any) -> ArticleRef:
        date = getattr(article, "date", None)
        return cls(
            content=article,
            url=str(getattr(article, "url", "")),
            title=str(getattr(article, "title", "")),
            date=date,
            locale_date=str(getattr(article, "locale_date", "")),
            iso_date=date.isoformat() if date is not None else "",
        )


@dataclass(eq=False)
class MentionRef(ArticleRef):
    """One article in an entity page's list, as the template shows it."""

    count: int = 0
    sentence: str = ""  # the sentence of the entity's first linked mention


def article_ref(refs: dict[int, ArticleRef], article: Any) -> ArticleRef:
    """``article``'s ref from ``refs`` (id(article) -> ref), made on first use."""
    ref = refs.get(id(article))
    if ref is None:
        ref = refs[id(article)] = ArticleRef.of(article)
    return ref


@dataclass(eq=False)
class EntityPage:
    """What a template needs about one entity: its registry fields, its page's
    URL, and the content that mentions it (articles newest first)."""

    entity: Entity
    url: str
    save_as: str
    articles: list[Any] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)
    counts: dict[int, int] = field(default_factory=dict)  # id(content) -> mentions
    refs: list[MentionRef] = field(default_factory=list)
    page_jsonld: dict[str, Any] | None = None  # the entity page's own JSON-LD

    # Registry fields, for templates
    @property
    def id(self) -> str:
        return self.entity.id

    @property
    def name(self) -> str:
        return self.entity.name

    @property
    def type(self) -> str:
        return self.entity.type

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.entity.type][0]

    @property
    def description(self) -> str:
        return self.entity.description

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.entity.aliases

    @property
    def external_url(self) -> str:
        return self.entity.url

    @property
    def wikidata(self) -> str:
        return self.entity.wikidata

    @property
    def wikidata_url(self) -> str:
        return self.entity.wikidata_url

    @cached_property
    def jsonld(self) -> dict[str, Any]:
        """The entity's schema.org item (the entity page's JSON-LD, and an item
        of the ``mentions`` of every article that mentions it)."""
        return mention_item(self.entity)

    @property
    def modified(self) -> Any:
        """When the page last changed: its newest article's modified (or
        published) date; None when no article mentions it. (Sitemaps read it.)"""
        dates = [getattr(a, "modified", None) or getattr(a, "date", None) for a in self.articles]
        dates = [date for date in dates if date is not None]
        return max(dates) if dates else None

    @property
    def article_list(self) -> list[MentionRef]:
        """``articles`` as :class:`MentionRef` rows (set by :func:`add_refs`)."""
        return self.refs

    def add(self, content: Any, count: int, is_article: bool) -> None:
        if id(content) in self.counts:
            return
        self.counts[id(content)] = count
        (self.articles if is_article else self.pages).append(content)


@dataclass
class EntityIndex:
    """Every mentioned entity's page, and the entity list of each content item."""

    pages: dict[str, EntityPage]  # registry order, mentioned entities only
    by_content: dict[int, list[EntityPage]]  # id(content) -> pages, first mention first

    def for_content(self, content: Any) -> list[EntityPage]:
        return self.by_content.get(id(content), [])

    def grouped(self) -> list[tuple[str, str, list[EntityPage]]]:
        """(type, plural label, pages by name) for each type that has any."""
        groups = []
        for entity_type in TYPES:
            members = [p for p in self.pages.values() if p.type == entity_type]
            if members:
                members.sort(key=lambda p: p.name.casefold())
                groups.append((entity_type, TYPE_LABELS[entity_type][1], members))
        return groups


def build_index(
    registry: Registry,
    articles: Iterable[Any],
    pages: Iterable[Any] = (),
    *,
    url: str = "entities/{id}/",
    save_as: str = "entities/{id}/index.html",
) -> EntityIndex:
    """Collect the mentions that articles and pages carry in their metadata."""
    all_pages: dict[str, EntityPage] = {}
    by_content: dict[int, list[EntityPage]] = {}

    def page_for(entity: Entity) -> EntityPage:
        page = all_pages.get(entity.id)
        if page is None:
            page = all_pages[entity.id] = EntityPage(
                entity, url.format(id=entity.id), save_as.format(id=entity.id)
            )
        return page

    # Sorted once, so that every entity page's list comes out newest first.
    articles = sorted(articles, key=_newest_first)
    pages = sorted(pages, key=lambda c: str(getattr(c, "title", "")))
    for is_article, items in ((True, articles), (False, pages)):
        for content in items:
            listed = []
            for entity_id, count, _ in mentions_from_metadata(_metadata(content)):
                entity = registry.get(entity_id)
                if entity is None:
                    continue  # not in this registry (metadata set by hand)
                page = page_for(entity)
                page.add(content, count, is_article)
                listed.append(page)
            by_content[id(content)] = listed

    # Registry order.
    ordered = {key: all_pages[key] for key in registry.entities if key in all_pages}
    return EntityIndex(ordered, by_content)


def add_refs(
    index: EntityIndex,
    keep: Callable[[Any], bool] | None = None,
    html_of: Callable[[Any], str] | None = None,
    refs: dict[int, ArticleRef] | None = None,
) -> None:
    """Give each page its ``refs``: its articles (only those for which
    ``keep(article)`` is true, if given) as template rows, newest first,
    each with the sentence of its first linked mention in ``html_of(article)``
    (the linked HTML), when given. ``refs`` (id(article) -> ArticleRef) is
    used and filled, for other lists of the same articles."""
    refs = {} if refs is None else refs
    linked: dict[int, tuple[str, dict[str, int]]] = {}  # id -> (html, first link of each entity)
    for page in index.pages.values():
        if keep is not None:
            page.articles = [a for a in page.articles if keep(a)]
        page.refs = []
        for article in page.articles:
            fields = vars(article_ref(refs, article))
            count = page.counts.get(id(article), 0)
            sentence = ""
            if html_of is not None:
                if id(article) not in linked:
                    html = html_of(article)
                    linked[id(article)] = (html, first_links(html))
                html, positions = linked[id(article)]
                if page.id in positions:
                    sentence = sentence_at(html, positions[page.id])
            page.refs.append(MentionRef(**fields, count=count, sentence=sentence))


_SENTENCE_END = re.compile(r"(?<=[.!?…])(?P<close>[”’\")\]]*)\s+")
_TAG = re.compile(r"<[^>]*>")
MAX_SENTENCE = 320


_ENTITY_ATTRIBUTE = re.compile(r'data-entity="([^"]*)"')


def first_links(html: str) -> dict[str, int]:
    """Where the first link to each entity is in ``html`` (the linker's
    ``data-entity="ID"`` attributes), in one pass."""
    found: dict[str, int] = {}
    for match in _ENTITY_ATTRIBUTE.finditer(html):
        found.setdefault(unescape(match[1]), match.start())
    return found


def sentence_at(html: str, at: int) -> str:
    """The plain-text sentence around position ``at`` (inside a link's start
    tag) of ``html``, searched within that link's paragraph or list item."""
    # Each search stops at the paragraph found first: searching the whole
    # article for a list item it may not have would make this linear in its length.
    start = max(html.rfind("<p", 0, at), 0)
    start = max(html.rfind("<li", start, at), start)
    end = html.find("</p>", at)
    end = len(html) if end < 0 else end
    item_end = html.find("</li>", at, end)
    end = end if item_end < 0 else item_end
    tag = html.rfind("<", 0, at)
    before, after = _text(html[start:tag]), _text(html[tag:end])
    starts = [m.end() for m in _SENTENCE_END.finditer(before)]
    head = before[starts[-1] :] if starts else before
    stop = _SENTENCE_END.search(after)
    tail = after[: stop.start() + len(stop["close"])] if stop else after
    sentence = " ".join((head + tail).split())
    if len(sentence) > MAX_SENTENCE:
        sentence = sentence[: MAX_SENTENCE - 1].rsplit(" ", 1)[0] + "…"
    return sentence


def _text(html: str) -> str:
    return unescape(_TAG.sub("", html))


# Related articles: candidates come from an article's rarest entities first (an
# entity in every article says little), then its tags' newest articles, at most
# this many; each candidate is then scored on everything it shares.
RELATED_CANDIDATES = 30
RELATED_PER_TAG = 20


def related_articles(
    articles: Sequence[Any], index: EntityIndex, limit: int = 3
) -> dict[int, list[Any]]:
    """Up to ``limit`` related articles for each of ``articles`` (id(article)
    -> list): those sharing the most entities, then the most tags, then the
    newest. Only ``articles`` are candidates (pass the published ones).

    Linear in the number of articles: candidates are drawn from the
    article's least-mentioned entities, then from its tags' newest articles,
    up to RELATED_CANDIDATES, and only those are scored."""
    newest = sorted(articles, key=_newest_first)
    order = {id(a): rank for rank, a in enumerate(newest)}
    entity_ids = {id(a): {p.id for p in index.for_content(a)} for a in articles}
    tag_sets = {id(a): {str(t) for t in getattr(a, "tags", None) or ()} for a in articles}
    by_tag: dict[str, list[Any]] = {}
    for article in newest:
        for tag in tag_sets[id(article)]:
            by_tag.setdefault(tag, []).append(article)
    related: dict[int, list[Any]] = {}
    for article in articles:
        key = id(article)
        candidates: dict[int, Any] = {}
        pages = sorted(index.for_content(article), key=lambda page: len(page.articles))
        pools = [page.articles for page in pages]
        pools += [by_tag[tag][:RELATED_PER_TAG] for tag in sorted(tag_sets[key])]
        for pool in pools:
            if len(candidates) >= RELATED_CANDIDATES:
                break
            candidates.update((id(o), o) for o in pool if id(o) in order)
        candidates.pop(key, None)
        mine, my_tags = entity_ids[key], tag_sets[key]
        # Ranked by (entities shared, tags shared) descending, then newest;
        # the rank in `order` is unique, so no two keys tie.
        ranked = heapq.nsmallest(limit, (
            (-len(mine & entity_ids[other]), -len(my_tags & tag_sets[other]), order[other])
            for other in candidates
        ))  # fmt: skip
        related[key] = [newest[rank] for *_, rank in ranked]
    return related


def _metadata(content: Any) -> Mapping[str, Any]:
    return getattr(content, "metadata", None) or {}


def _newest_first(article: Any) -> tuple:
    date = getattr(article, "date", None)
    stamp = date.timestamp() if date is not None and hasattr(date, "timestamp") else 0.0
    return (-stamp, str(getattr(article, "title", "")))
