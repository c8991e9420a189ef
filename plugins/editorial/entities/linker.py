"""Linking mentions inside an element tree, the way an editor would.

Pure: works on :mod:`xml.etree.ElementTree` elements (Python-Markdown's
tree), knows nothing of Pelican. :meth:`Linker.link_tree` walks text and
tails in document order, skipping the no-link zones, and changes a text node
only to link a mention: either by inserting an ``<a>`` element, or (what the
Markdown extension does) by splicing in a placeholder around the name that
:func:`expand_links` turns into the ``<a>`` tag in the serialised HTML.
Either way every character outside the inserted tags stays as it was,
including Python-Markdown's placeholders for raw HTML and character
references (``&amp;``).

The rules (README, "Entity linking"):

* leftmost, longest match wins (``Pakistan Telecommunication Authority``,
  not ``Pakistan`` inside it); whole words only (the matcher);
* the first mention of an entity is linked (``mode="first"``), or every
  mention (``"all"``), or none (``"none"``); later mentions are counted;
* ``Full Name (ACRONYM)`` and ``Full Name's (ACRONYM)`` are one mention;
* a person's surname alone counts only once the full name has appeared;
* nothing inside headings, links, code, preformatted text, scripts, styles;
  attributes (image alt text, raw HTML) are never looked at.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from itertools import compress, count
from operator import ne
from typing import NamedTuple

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

# Between "Full Name" and "(ACRONYM)": an optional possessive and the parenthesis.
_PAREN_OPEN = re.compile(r"(?:['\u2019]s)?[^\S\n]*\n?[^\S\n]*\(\s*")
_PAREN_CLOSE = re.compile(r"\s*\)")
_STASHED = re.compile("\x02wzxhzdk:(\\d+)\x03")
_RAW_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>")
LINK_MARK = "\x02entity:"  # starts a link placeholder (see mark_link)
_LINK_END = "\x02/entity\x03"
_MARKS = re.compile("\x02entity:([^\x02\x03]*)\x03|\x02/entity\x03")  # see expand_links


class EntityMention(NamedTuple):
    """One entity in one article: how often it is mentioned, whether linked.

    A named tuple: ten or so per article, made on every build and kept in
    Pelican's content cache."""

    id: str
    count: int
    linked: bool


class LinkState:
    """What an article has mentioned so far (entity id -> count, in first-seen order).

    ``raw_html`` is Python-Markdown's stash of raw HTML (placeholder number ->
    HTML), so that a raw ``<a href>...</a>`` or ``<code>...</code>`` in the
    text is a no-link zone too. A plain class with slots: one is made per
    article, on the hot path.
    """

    __slots__ = ("_tick", "counts", "last_seen", "linked", "raw_depth", "raw_html")

    def __init__(self, raw_html: Callable[[int], str] | None = None) -> None:
        self.counts: dict[str, int] = {}
        self.linked: set[str] = set()
        self.last_seen: dict[str, int] = {}
        self.raw_html = raw_html
        self.raw_depth = 0
        self._tick = 0

    def rows(self) -> tuple[tuple[str, int, bool], ...]:
        """The mentions as plain ``(id, count, linked)`` tuples (what each
        article's metadata keeps; :class:`EntityMention` names the fields),
        made without a Python call per entity."""
        counts = self.counts
        return tuple(
            zip(counts, counts.values(), map(self.linked.__contains__, counts), strict=True)
        )


# A link for ``text`` naming ``entity``: an element to insert into the tree,
# or a string to splice into the text node in place of ``text`` (mark_link).
MakeLink = Callable[[Entity, str], "etree.Element | str"]


def href_template(template: str) -> Callable[[Entity], str]:
    """``"/entities/{id}/"`` -> a function giving each entity's href."""
    return lambda entity: template.format(id=entity.id, type=entity.type)


class LinkFactory:
    """``<a class="entity entity-TYPE" data-entity="ID" href="..." title="...">``.

    ``href(entity)`` gives the link target. Calling the factory makes an
    element; :meth:`opening` gives the same start tag serialised, escaped
    exactly as Python-Markdown's serialiser would. A class, not a closure,
    so that a linker can be pickled.
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

    def __call__(self, entity: Entity, text: str) -> etree.Element:
        element = etree.Element("a", dict(self.attributes(entity)))
        element.text = text
        return element

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
    :func:`expand_links` makes later, in the serialised HTML.

    STX/ETX delimit it, as they do Python-Markdown's own placeholders: the
    serialiser escapes the text between them and leaves them alone, and no
    name can contain them.
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


link_factory = LinkFactory


class Linker:
    """Links one article's tree; build one :class:`Matcher` per site build and
    one :class:`Linker` (cheap) per article or reuse it with a fresh state."""

    def __init__(
        self,
        registry: Registry,
        matcher: Matcher,
        make_link: MakeLink,
        *,
        mode: str = "first",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"entity link mode {mode!r}: use one of {', '.join(MODES)}")
        self.registry = registry
        self.matcher = matcher
        self.make_link = make_link
        self.mode = mode

    def link_tree(
        self,
        root: etree.Element,
        state: LinkState | None = None,
        *,
        make_link: MakeLink | None = None,
    ) -> LinkState:
        """Link mentions under ``root`` in place; return what was mentioned.

        The text nodes outside the no-link zones are collected in document
        order and searched in one pass (joined by NUL, which no name contains
        and which is a word boundary); a node is changed only if it holds a
        mention to link. ``make_link`` (default: the linker's) makes each
        link: an element is inserted after the text before it, a string is
        spliced into the text in place of the mention.
        """
        state = state or LinkState()
        make_link = make_link or self.make_link
        if root.tag in NO_LINK_TAGS:
            return state
        slots: list[tuple[etree.Element, etree.Element | None, int]] = []
        texts: list[str] = []
        if root.text:
            slots.append((root, None, -1))
            texts.append(root.text)
        for block, child in enumerate(root):
            _collect(child, root, block, slots, texts)
        if not slots:
            return state
        joined = "\x00".join(texts)
        found = self.matcher.scan(joined)
        blocked = self._joined_raw_zones(slots, texts, state) if "\x02" in joined else None
        if not found:
            return state
        accepted = self.select(joined, state, found, blocked)
        if not accepted:
            return state
        if make_link is mark_link and _mark_joined(slots, texts, joined, accepted):
            return state
        # Hand each text slot its mentions, in the slot's own positions.
        count = len(accepted)
        index = 0
        offset = 0  # of the current text in ``joined``
        for (owner, parent, _), text in zip(slots, texts, strict=True):
            limit = offset + len(text)
            if accepted[index][0] < limit:
                first = index
                while index < count and accepted[index][0] < limit:
                    index += 1
                mine = [(a - offset, b - offset, i) for a, b, i in accepted[first:index]]
                self._place(owner, parent, text, mine, make_link)
                if index == count:
                    break
            offset = limit + 1
        return state

    @staticmethod
    def _joined_raw_zones(
        slots: list[tuple[etree.Element, etree.Element | None, int]],
        texts: list[str],
        state: LinkState,
    ) -> list[tuple[int, int]]:
        """The no-link zones opened by raw HTML (``<a href>``, ``<code>``) in
        positions of the joined text; unbalanced raw HTML never spans blocks."""
        zones: list[tuple[int, int]] = []
        offset = 0
        block = -1
        for (_, _, slot_block), text in zip(slots, texts, strict=True):
            if slot_block != block:
                block = slot_block
                state.raw_depth = 0
            if state.raw_depth or "\x02" in text:
                zones += [(s + offset, e + offset) for s, e in _raw_zones(text, state)]
            offset += len(text) + 1
        state.raw_depth = 0
        return zones

    def _place(
        self,
        owner: etree.Element,
        parent: etree.Element | None,
        text: str,
        accepted: list[tuple[int, int, str]],
        make_link: MakeLink,
    ) -> None:
        """Put the links for ``accepted`` mentions into the text slot (owner,
        parent) holding ``text`` (see :func:`_collect`)."""
        pieces: list = []
        position = 0
        registry = self.registry
        for start, end, entity_id in accepted:
            pieces.append(text[position:start])
            pieces.append(make_link(registry.get(entity_id), text[start:end]))
            position = end
        pieces.append(text[position:])
        if isinstance(pieces[1], str):  # placeholders: the node keeps one string
            _set_slot(owner, parent, "".join(pieces))
            return
        links = pieces[1::2]
        for link, tail in zip(links, pieces[2::2], strict=True):
            link.tail = tail or None
        _set_slot(owner, parent, pieces[0])
        if parent is None:  # owner.text: the links become owner's first children
            for index, link in enumerate(links):
                owner.insert(index, link)
        else:  # owner.tail: the links follow owner
            position = list(parent).index(owner) + 1
            for index, link in enumerate(links):
                parent.insert(position + index, link)

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


def _resolve_short(ids: tuple[str, ...], state: LinkState) -> str | None:
    """A surname names the person whose full name came before (the latest, if several)."""
    seen = [i for i in ids if i in state.counts]
    if not seen:
        return None
    return max(seen, key=lambda i: state.last_seen.get(i, 0))


def _collect(
    element: etree.Element,
    parent: etree.Element,
    block: int,
    slots: list[tuple[etree.Element, etree.Element | None, int]],
    texts: list[str],
) -> None:
    """Text slots in document order: (element, None) is element.text,
    (element, parent) is element.tail."""
    if isinstance(element.tag, str) and element.tag not in NO_LINK_TAGS:
        if element.text:
            slots.append((element, None, block))
            texts.append(element.text)
        for child in element:
            _collect(child, element, block, slots, texts)
    if element.tail:
        slots.append((element, parent, block))
        texts.append(element.tail)


def _mark_joined(
    slots: list[tuple[etree.Element, etree.Element | None, int]],
    texts: list[str],
    joined: str,
    accepted: list[tuple[int, int, str]],
) -> bool:
    """:func:`mark_link` every ``accepted`` mention of ``joined`` (the NUL-joined
    ``texts``) and give the changed texts back to their slots; False (and
    nothing changed) if a text holds a NUL itself.

    The placeholders go into the joined string, which is then split again:
    a few string operations per article instead of Python calls per link and
    per slot (linking runs on every article of every build).
    """
    pieces: list[str] = []
    position = 0
    for start, end, entity_id in accepted:
        # what mark_link makes, without looking the entity up in the registry
        pieces += (joined[position:start], _placeholder(entity_id, joined[start:end]))
        position = end
    pieces.append(joined[position:])
    marked = "".join(pieces).split("\x00")
    if len(marked) != len(texts):
        return False
    for index in compress(count(), map(ne, map(len, texts), map(len, marked))):
        owner, parent, _ = slots[index]
        if parent is None:
            owner.text = marked[index]
        else:
            owner.tail = marked[index]
    return True


def _set_slot(owner: etree.Element, parent: etree.Element | None, text: str) -> None:
    if parent is None:
        owner.text = text
    else:
        owner.tail = text


def _in_parentheses(text: str, after: int, start: int, end: int) -> bool:
    """Is ``text[start:end]`` the "(ACRONYM)" right after a mention ending at ``after``?"""
    opening = _PAREN_OPEN.match(text, after)
    if not opening or opening.end() != start:
        return False
    return _PAREN_CLOSE.match(text, end) is not None


def _raw_zones(text: str, state: LinkState) -> list[tuple[int, int]]:
    """Ranges of ``text`` inside raw-HTML no-link tags (``<a href>``, ``<code>``),
    following the stash placeholders; updates ``state.raw_depth``."""
    zones: list[tuple[int, int]] = []
    zone_start = 0 if state.raw_depth else None
    lookup = state.raw_html
    for match in _STASHED.finditer(text):
        if lookup is None:
            break
        try:
            raw = str(lookup(int(match.group(1))))
        except (IndexError, ValueError):
            continue
        for tag in _RAW_TAG.finditer(raw):
            closing, name, selfclosing = tag.group(1), tag.group(2).lower(), tag.group(3)
            if name not in NO_LINK_TAGS or selfclosing:
                continue
            if closing:
                if state.raw_depth:
                    state.raw_depth -= 1
                    if not state.raw_depth and zone_start is not None:
                        zones.append((zone_start, match.end()))
                        zone_start = None
            else:
                if not state.raw_depth:
                    zone_start = match.start()
                state.raw_depth += 1
    if state.raw_depth and zone_start is not None:
        zones.append((zone_start, len(text)))
    return zones
