"""Linking mentions in an article's HTML, the way an editor would.

Pure: works on the HTML that Markdown made for an article, knows nothing of
Pelican. :meth:`Linker.link_html` searches the HTML once with the matcher,
drops the matches inside a tag (attributes, comments) or inside a no-link
element (headings, links, code, preformatted text, scripts, styles, ...),
chooses the mentions by the rules below and wraps each one to link in an
``<a>`` tag. Every character outside the inserted tags stays as it was,
including character references (``&amp;``): a name is matched as the HTML
spells it, and the matcher knows each name's escaped spelling too
(``AT&amp;T``). No DOM is built: one automaton search and one regular
expression pass per article.

The rules (README, "Entity linking"):

* leftmost, longest match wins (``Pakistan Telecommunication Authority``,
  not ``Pakistan`` inside it); whole words only (the matcher);
* the first mention of an entity is linked (``mode="first"``), or every
  mention (``"all"``), or none (``"none"``); later mentions are counted;
* ``Full Name (ACRONYM)`` and ``Full Name's (ACRONYM)`` are one mention;
* a person's surname alone counts only once the full name has appeared;
* nothing inside headings, links, code, preformatted text, scripts, styles,
  comments or tags (attribute values such as image alt text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from editorial.entities.matcher import SHORT, Candidate, Matcher, escape_text
from editorial.entities.registry import Entity, Registry

MODES = ("first", "all", "none")

NO_LINK_TAGS = frozenset(
    {
        "a", "code", "pre", "kbd", "samp", "var", "script", "style", "textarea",
        "h1", "h2", "h3", "h4", "h5", "h6", "svg", "math", "button", "select",
        "option", "title", "head", "iframe", "object",
    }
)  # fmt: skip
# Elements whose content is not HTML: nothing in them is a tag.
RAW_TEXT_TAGS = frozenset({"script", "style", "textarea"})

_RAW_TEXT = "|".join(sorted(RAW_TEXT_TAGS))
# A comment, a whole raw-text element, or a start or end tag of another
# no-link element (see _no_link_zones).
_NO_LINK_TAG = re.compile(
    r"<!--.*?-->"
    rf"|<(?:{_RAW_TEXT})\b[^>]*>.*?</(?:{_RAW_TEXT})\s*>"
    r"|<(/?)(?:" + "|".join(sorted(NO_LINK_TAGS - RAW_TEXT_TAGS)) + r")\b[^>]*>",
    re.DOTALL | re.IGNORECASE,
)
# A tag from its "<": quoted attribute values may hold ">".
_TAG = re.compile(r"""<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
# Between "Full Name" and "(ACRONYM)": an optional possessive and the parenthesis.
_PAREN_OPEN = re.compile(r"(?:['\u2019]s)?[^\S\n]*\n?[^\S\n]*\(\s*")
_PAREN_CLOSE = re.compile(r"\s*\)")

META_KEY = "editorial_entities"  # in each content item's metadata: its EntityMention tuple


class EntityMention(NamedTuple):
    """One entity in one article: how often it is mentioned, whether linked."""

    id: str
    count: int
    linked: bool


class LinkState:
    """What an article has mentioned so far, in first-seen order."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}  # entity id -> mentions
        self.linked: set[str] = set()
        self.latest: dict[str, int] = {}  # entity id -> number of its latest mention
        self.total = 0

    def mention(self, entity_id: str) -> int:
        """Count a mention; return how many of the entity came before it."""
        seen = self.counts.get(entity_id, 0)
        self.counts[entity_id] = seen + 1
        self.total += 1
        self.latest[entity_id] = self.total
        return seen

    def mentions(self) -> tuple[EntityMention, ...]:
        return tuple(
            EntityMention(entity_id, count, entity_id in self.linked)
            for entity_id, count in self.counts.items()
        )


def mentions_from_metadata(metadata: Mapping[str, Any]) -> tuple[EntityMention, ...]:
    """The mentions linking left in a content item's metadata (none if absent)."""
    return tuple(EntityMention(*row) for row in metadata.get(META_KEY) or ())


def escape_attribute(value: str) -> str:
    """``value`` escaped as Python-Markdown's serialiser escapes attribute
    values, so that our links look like the ones Markdown writes."""
    return escape_text(value).replace('"', "&quot;")


def start_tag(entity: Entity, href: str) -> str:
    """``<a class="entity entity-TYPE" data-entity="ID" href="HREF" title="...">``."""
    attributes = [
        ("class", f"entity entity-{entity.type}"),
        ("data-entity", entity.id),
        ("href", href),
    ]
    if entity.description:
        attributes.append(("title", entity.description))
    return "<a" + "".join(f' {k}="{escape_attribute(v)}"' for k, v in attributes) + ">"


class Linker:
    """Links articles' HTML: one per build, for every article.

    ``href(entity)`` gives the target of an entity's links (the Pelican
    entity generator gives a ``{filename}`` link to the entity page).
    """

    def __init__(
        self,
        registry: Registry,
        matcher: Matcher,
        href: Callable[[Entity], str],
        *,
        mode: str = "first",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"entity link mode {mode!r}: use one of {', '.join(MODES)}")
        self.registry = registry
        self.matcher = matcher
        self.href = href
        self.mode = mode
        self._start_tags: dict[str, str] = {}  # entity id -> start tag, made on first use

    def link_html(self, html: str, state: LinkState | None = None) -> tuple[str, LinkState]:
        """``html`` with each mention to link wrapped in a link, and what it
        mentions (every mention is counted in ``state``)."""
        state = state or LinkState()
        found = [c for c in self.matcher.candidates(html) if _in_text(html, c.start)]
        if not found:
            return html, state
        accepted = self._select(html, state, found, _no_link_zones(html))
        pieces: list[str] = []
        position = 0
        for start, end, entity_id in accepted:
            pieces.append(html[position:start])
            pieces.append(f"{self._start_tag(entity_id)}{html[start:end]}</a>")
            position = end
        pieces.append(html[position:])
        return "".join(pieces), state

    def _start_tag(self, entity_id: str) -> str:
        tag = self._start_tags.get(entity_id)
        if tag is None:
            entity = self.registry.entities[entity_id]
            tag = self._start_tags[entity_id] = start_tag(entity, self.href(entity))
        return tag

    def _select(
        self,
        text: str,
        state: LinkState,
        found: list[Candidate],
        blocked: list[tuple[int, int]],
    ) -> list[tuple[int, int, str]]:
        """Of the candidates, the mentions to link as (start, end, entity id),
        skipping any that overlap a ``blocked`` range; every mention is
        counted in ``state``."""
        accepted: list[tuple[int, int, str]] = []
        last_end = 0
        previous: str | None = None  # the last mention's entity, and where it ended
        previous_end = 0
        for start, end, ids, kind in found:
            if start < last_end or any(s < end and start < e for s, e in blocked):
                continue
            entity_id = _resolve_short(ids, state) if kind == SHORT else ids[0]
            if entity_id is None:
                continue  # "Clegg" before "Nick Clegg": not (yet) a mention
            last_end = end
            if previous == entity_id and _in_parentheses(text, previous_end, start, end):
                previous = None  # "Full Name (ACRONYM)": one mention
                continue
            previous, previous_end = entity_id, end
            seen = state.mention(entity_id)
            if self.mode == "all" or (self.mode == "first" and not seen):
                state.linked.add(entity_id)
                accepted.append((start, end, entity_id))
        return accepted


def _in_text(html: str, position: int) -> bool:
    """Is ``position`` in text, rather than inside a tag or a comment's "<...>"?"""
    opened = html.rfind("<", 0, position)
    if opened < 0:
        return True
    closed = html.rfind(">", opened, position)
    if closed < 0:
        return False  # inside a tag
    tag_text = html[opened:closed]
    if tag_text.startswith("</") or ('"' not in tag_text and "'" not in tag_text):
        return True
    # A quoted attribute value may hold ">": the tag must really end before.
    tag = _TAG.match(html, opened)
    return tag is not None and tag.end() <= position


def _no_link_zones(html: str) -> list[tuple[int, int]]:
    """The ranges of ``html`` inside comments and no-link elements. Depth is
    counted across all no-link tags, so a link an author nested in a link, or
    code in a link, is inside the outer one; an element never closed runs to
    the end. A script, style or textarea runs to its own end tag, whatever
    its content holds."""
    zones: list[tuple[int, int]] = []
    depth = 0
    opened = 0
    for tag in _NO_LINK_TAG.finditer(html):
        closing = tag.group(1)
        if closing is None:  # a comment or a raw-text element
            if not depth:
                zones.append(tag.span())
        elif not closing:
            if not depth:
                opened = tag.start()
            depth += 1
        elif depth:
            depth -= 1
            if not depth:
                zones.append((opened, tag.end()))
    if depth:
        zones.append((opened, len(html)))
    return zones


def _resolve_short(ids: tuple[str, ...], state: LinkState) -> str | None:
    """A surname names the person whose full name came before (the latest, if several)."""
    seen = [entity_id for entity_id in ids if entity_id in state.counts]
    return max(seen, key=state.latest.__getitem__) if seen else None


def _in_parentheses(text: str, after: int, start: int, end: int) -> bool:
    """Is ``text[start:end]`` the "(ACRONYM)" right after a mention ending at ``after``?"""
    opening = _PAREN_OPEN.match(text, after)
    if not opening or opening.end() != start:
        return False
    return _PAREN_CLOSE.match(text, end) is not None
