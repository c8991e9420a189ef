"""Linking mentions in an article's HTML, the way an editor would.

Pure: works on the HTML that Markdown made for an article, knows nothing of
Pelican. :meth:`Linker.link_html` searches the HTML once with the matcher,
drops the matches inside a tag (attributes, comments) or inside a no-link
element (headings, links, code, preformatted text, scripts, styles, ...),
chooses the mentions by the rules below and splices a placeholder around
each one to link; :func:`expand_links` turns the placeholders into ``<a>``
tags when the page is rendered. Every character outside the inserted tags
stays as it was, including character references (``&amp;``): a name is
matched as the HTML spells it, and the matcher knows each name's escaped
spelling too (``AT&amp;T``).

Linking runs once per build over every article's HTML, after Pelican has
read them all, rather than inside Python-Markdown's tree processing: the
same work costs about half as much in one pass over all articles as it does
interleaved with each article's conversion, where Markdown's own work keeps
pushing our code and the automaton out of the CPU caches (``invoke bench``).

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
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

import markdown
from markdown.serializers import _escape_attrib_html

from editorial.entities.matcher import SHORT, Matcher
from editorial.entities.registry import Entity, Registry

MODES = ("first", "all", "none")

NO_LINK_TAGS = frozenset(
    {
        "a", "code", "pre", "kbd", "samp", "var", "script", "style", "textarea",
        "h1", "h2", "h3", "h4", "h5", "h6", "svg", "math", "button", "select",
        "option", "title", "head", "iframe", "object",
    }
)  # fmt: skip


def _any_case(names: frozenset[str]) -> str:
    """A regular expression for ``names`` in any letter case, grouped by first
    letter: twice as fast as the same alternation with ``re.IGNORECASE``,
    which lower-cases every character it compares."""
    groups = []
    for first in sorted({name[0] for name in names}):
        rests = sorted((n[1:] for n in names if n[0] == first), key=len, reverse=True)
        letters = "|".join(
            "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in rest) for rest in rests
        )
        groups.append(f"[{first}{first.upper()}](?:{letters})")
    return "|".join(groups)


# Elements whose content is not HTML: nothing in them is a tag.
RAW_TEXT_TAGS = frozenset({"script", "style", "textarea"})
# A comment, a whole raw-text element, or a start or end tag of another
# no-link element (see _no_link_zones).
_NO_LINK_TAG = re.compile(
    r"<!--.*?-->"
    r"|<(?:" + _any_case(RAW_TEXT_TAGS) + r")\b[^>]*>.*?</(?:" + _any_case(RAW_TEXT_TAGS) + r")\s*>"
    r"|<(/?)(?:" + _any_case(NO_LINK_TAGS - RAW_TEXT_TAGS) + r")\b[^>]*>",
    re.DOTALL,
)
# A tag from its "<": quoted attribute values may hold ">".
_TAG = re.compile(r"""<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
# Between "Full Name" and "(ACRONYM)": an optional possessive and the parenthesis.
_PAREN_OPEN = re.compile(r"(?:['\u2019]s)?[^\S\n]*\n?[^\S\n]*\(\s*")
_PAREN_CLOSE = re.compile(r"\s*\)")
LINK_MARK = "\x02entity:"  # starts a link placeholder (see mark_link)
_LINK_END = "\x02/entity\x03"
_MARKS = re.compile("\x02entity:([^\x02\x03]*)\x03|\x02/entity\x03")  # see expand_links

META_KEY = "editorial_entities"  # in each content item's metadata: its mention rows


class EntityMention(NamedTuple):
    """One entity in one article: how often it is mentioned, whether linked.

    A named tuple: ten or so per article, made on every build."""

    id: str
    count: int
    linked: bool


class LinkState:
    """What an article has mentioned so far (entity id -> count, in first-seen
    order). A plain class with slots: one is made per article."""

    __slots__ = ("_tick", "counts", "last_seen", "linked")

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.linked: set[str] = set()
        self.last_seen: dict[str, int] = {}
        self._tick = 0

    def rows(self) -> tuple[tuple[str, int, bool], ...]:
        """The mentions as plain ``(id, count, linked)`` tuples (what each
        article's metadata keeps; :class:`EntityMention` names the fields),
        made without a Python call per entity."""
        counts = self.counts
        return tuple(
            zip(counts, counts.values(), map(self.linked.__contains__, counts), strict=True)
        )


def mention_rows(metadata: Mapping[str, Any]) -> tuple[tuple[str, int, bool], ...]:
    """The ``(id, count, linked)`` rows linking left in a content item's
    metadata (none if absent)."""
    return tuple(metadata.get(META_KEY, ()) or ())


def mentions_from_metadata(metadata: Mapping[str, Any]) -> tuple[EntityMention, ...]:
    """The mentions linking left in a content item's metadata (none if absent)."""
    return tuple(map(EntityMention._make, mention_rows(metadata)))


def href_template(template: str) -> Callable[[Entity], str]:
    """``"/entities/{id}/"`` -> a function giving each entity's href."""
    return lambda entity: template.format(id=entity.id, type=entity.type)


class LinkFactory:
    """``<a class="entity entity-TYPE" data-entity="ID" href="..." title="...">``.

    ``href(entity)`` gives the link target; :meth:`opening` gives the start
    tag, escaped exactly as Python-Markdown's serialiser escapes attributes.
    A class, not a closure, so that a linker can be pickled.
    """

    def __init__(self, href: Callable[[Entity], str]) -> None:
        self.href = href

    def attributes(self, entity: Entity) -> list[tuple[str, str]]:
        attributes = [
            ("class", f"entity entity-{entity.type}"),
            ("data-entity", entity.id),
            ("href", self.href(entity)),
        ]
        if entity.description:
            attributes.append(("title", entity.description))
        return attributes

    def opening(self, entity: Entity) -> str:
        pairs = "".join(f' {k}="{_escape_attrib_html(v)}"' for k, v in self.attributes(entity))
        return f"<a{pairs}>"


class StartTags(dict):
    """Entity id -> the start tag of its links (``factory.opening``), made on
    first use; None for an id the registry lacks. A dict, so that the
    lookup :func:`expand_links` makes for every link costs no Python call."""

    def __init__(self, registry: Registry, factory: LinkFactory) -> None:
        super().__init__()
        self.registry = registry
        self.factory = factory

    def __missing__(self, entity_id: str) -> str | None:
        entity = self.registry.get(entity_id)
        start_tag = self[entity_id] = None if entity is None else self.factory.opening(entity)
        return start_tag


def mark_link(entity: Entity, text: str) -> str:
    """``text`` between placeholders naming ``entity``: a link that
    :func:`expand_links` makes later, when the page is rendered.

    STX/ETX delimit it, as they do Python-Markdown's own placeholders: no
    HTML that Markdown makes contains them (it strips them from the source).
    """
    return _placeholder(entity.id, text)


def _placeholder(entity_id: str, text: str) -> str:
    return f"{LINK_MARK}{entity_id}\x03{text}{_LINK_END}"


def expand_links(html: str, opening: Callable[[str], str | None]) -> str:
    """``html`` with each :func:`mark_link` placeholder replaced by
    ``opening(entity_id)``, the text and ``</a>`` (just the text when
    ``opening`` gives None)."""
    if LINK_MARK not in html:
        return html
    # One C-level split into [text, id, name, None, text, id, name, None, ...]
    # and the start tags mapped in; no Python call per link. This runs on
    # every article page, for each of its ~10 links.
    parts = _MARKS.split(html)
    marks = parts[1::2]
    ids = marks[0::2]
    closes = marks[1::2]
    if len(ids) == len(closes) and None not in ids and closes.count(None) == len(closes):
        start_tags = list(map(opening, ids))
        if None not in start_tags:
            marks[0::2] = start_tags
            marks[1::2] = ["</a>"] * len(closes)
            parts[1::2] = marks
            return "".join(parts)
    return _expand_links_one_by_one(html, opening)


def _expand_links_one_by_one(html: str, opening: Callable[[str], str | None]) -> str:
    """:func:`expand_links` for an entity the registry lacks (plain text) or a
    placeholder that is not one of ours (left exactly as it was)."""
    parts = html.split(LINK_MARK)
    out = [parts[0]]
    for part in parts[1:]:
        entity_id, _, rest = part.partition("\x03")
        text, closed, rest = rest.partition(_LINK_END)
        if not closed:  # not one of ours after all: leave it exactly as it was
            out.append(LINK_MARK + part)
            continue
        start = opening(entity_id)
        out.append(f"{start}{text}</a>{rest}" if start else f"{text}{rest}")
    return "".join(out)


class Linker:
    """Links articles' HTML; build one :class:`Matcher` per site build and
    one :class:`Linker` (cheap) for all articles. What a link looks like is
    decided when its placeholder is expanded (:func:`expand_links`)."""

    def __init__(self, matcher: Matcher, *, mode: str = "first") -> None:
        if mode not in MODES:
            raise ValueError(f"entity link mode {mode!r}: use one of {', '.join(MODES)}")
        self.matcher = matcher
        self.mode = mode

    def link_html(self, html: str, state: LinkState | None = None) -> tuple[str, LinkState]:
        """``html`` with a :func:`mark_link` placeholder around each mention to
        link, and what it mentions (every mention is counted in ``state``).

        The HTML is searched in one pass; a match counts only outside tags,
        comments and no-link elements (see the module docstring).
        """
        state = state or LinkState()
        found = self.matcher.scan(html)
        if not found:
            return html, state
        outside = []
        rfind = html.rfind
        for candidate in found:
            start = candidate[0]
            opened = rfind("<", 0, start)
            if opened >= 0:
                closed = rfind(">", opened, start)
                if closed < 0:
                    continue  # inside a tag
                # Only a start tag with a quoted attribute (8 characters at
                # least: <a b="">) can hide a ">" before the one found.
                if (
                    closed - opened > 7
                    and html[opened + 1] != "/"
                    and not _outside_tag(html, opened, start)
                ):
                    continue  # inside a quoted attribute value that holds ">"
            outside.append(candidate)
        if not outside:
            return html, state
        accepted = self.select(html, state, outside, _no_link_zones(html) or None)
        if not accepted:
            return html, state
        pieces: list[str] = []
        position = 0
        for start, end, entity_id in accepted:
            pieces += (html[position:start], _placeholder(entity_id, html[start:end]))
            position = end
        pieces.append(html[position:])
        return "".join(pieces), state

    def select(
        self,
        text: str,
        state: LinkState,
        found: list[tuple],
        blocked: list[tuple[int, int]] | None = None,
    ) -> list[tuple[int, int, str]]:
        """Of the matcher's candidates for ``text`` (:meth:`Matcher.scan`
        tuples), the mentions to link as (start, end, entity id), skipping
        any that overlap a ``blocked`` range; every mention is counted in
        ``state``."""
        accepted: list[tuple[int, int, str]] = []
        last_end = 0
        previous_id: str | None = None  # the last mention's entity, and where it ended
        previous_end = 0
        counts = state.counts
        last_seen = state.last_seen
        linked = state.linked
        link_all = self.mode == "all"
        link_first = self.mode == "first"
        tick = state._tick
        for start, neg_end, ids, kind in found:
            if start < last_end:
                continue
            end = -neg_end
            if blocked and any(s < end and start < e for s, e in blocked):
                continue
            if kind == SHORT:
                entity_id = _resolve_short(ids, state)
                if entity_id is None:
                    continue  # "Clegg" before "Nick Clegg": not (yet) a mention
            else:
                entity_id = ids[0]
            last_end = end
            if (
                entity_id == previous_id
                and text.find("(", previous_end, start) >= 0  # cheap test before the regex
                and _in_parentheses(text, previous_end, start, end)
            ):
                previous_id = None  # "Full Name (ACRONYM)": one mention
                continue
            previous_id = entity_id
            previous_end = end
            seen = counts.get(entity_id, 0)
            counts[entity_id] = seen + 1
            tick += 1
            last_seen[entity_id] = tick
            if link_all or (link_first and not seen):
                linked.add(entity_id)
                accepted.append((start, end, entity_id))
        state._tick = tick
        return accepted


def _outside_tag(html: str, opened: int, position: int) -> bool:
    """Does the tag (or whatever) starting at ``opened`` end before ``position``?"""
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
    seen = [i for i in ids if i in state.counts]
    if not seen:
        return None
    return max(seen, key=lambda i: state.last_seen.get(i, 0))


def _in_parentheses(text: str, after: int, start: int, end: int) -> bool:
    """Is ``text[start:end]`` the "(ACRONYM)" right after a mention ending at ``after``?"""
    opening = _PAREN_OPEN.match(text, after)
    if not opening or opening.end() != start:
        return False
    return _PAREN_CLOSE.match(text, end) is not None


def render(
    source: str,
    linker: Linker,
    start_tags: StartTags,
    extensions: Iterable[object] = ("extra", "meta"),
) -> tuple[str, tuple[EntityMention, ...]]:
    """Convert Markdown ``source`` and link it, links expanded with
    ``start_tags``; return (HTML, mentions)."""
    html = markdown.Markdown(extensions=list(extensions)).convert(source)
    marked, state = linker.link_html(html)
    return expand_links(marked, start_tags.__getitem__), tuple(
        map(EntityMention._make, state.rows())
    )
