"""Finding entity mentions in a string: one Aho-Corasick automaton per build.

Pure: no Pelican (only Python-Markdown's own text escaping, so that a name
is known as the HTML spells it). :class:`Matcher` is built once from a
:class:`~editorial.entities.registry.Registry`; :meth:`Matcher.candidates`
returns every whole-word occurrence of a name, alias or surname in a piece
of text. Choosing among overlapping candidates (longest first) and deciding
what to link is the linker's job, because it depends on what came before in
the article.

Matching happens on a *view* of the text that has the same length as the
text wherever possible: a line break, tab or no-break space inside a name
becomes a space. Runs of several spaces are collapsed with an offset map
back to the original, so every match is a ``(start, end)`` slice of the
original string and nothing in it is altered. Names with an apostrophe are
added in both spellings (``'`` and ``’``), and both count as apostrophes at
word boundaries ("Meta’s", "PTA's"). Names with ``&``, ``<`` or ``>`` are
added as HTML spells them too (``AT&amp;T``): linking searches HTML.

The cost is one pass of the automaton over the text plus a few checks per
match: it does not grow with the number of names (``invoke bench`` and
``tests/test_entities_matcher.py`` measure 30 against 20,000). Which
automaton searches is :mod:`editorial.entities.automata`'s choice.
"""

from __future__ import annotations

import marshal
import re
from bisect import bisect_left
from typing import NamedTuple

from markdown.serializers import _escape_cdata

from editorial.entities.automata import Automaton, automaton_class
from editorial.entities.registry import Registry, is_acronym

FULL = 0  # the name or an alias
SHORT = 1  # a person's surname: a mention only after the full name

_SPACES = ("\n", "\r", "\t", "\xa0")
_SPACE_RUN = re.compile(r" {2,}")
_APOSTROPHES = ("'", "\u2019")
# What most often stands before or after a name: a set lookup, no method call.
_SEPARATORS = frozenset(' \x00.,;:()[]"\u201c\u201d\u2018-\u2013\u2014/')


class Candidate(NamedTuple):
    """``text[start:end]`` names ``entity_ids`` (several only for a shared surname)."""

    start: int
    end: int
    entity_ids: tuple[str, ...]
    kind: int


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Matcher:
    """Every name, alias and surname of a registry in one automaton.

    ``ignore_case`` makes names match in any case; acronyms (one word with
    two or more capitals) always match case-sensitively.
    """

    def __init__(
        self,
        registry: Registry,
        *,
        ignore_case: bool = False,
        automaton: type[Automaton] | None = None,
    ) -> None:
        self.ignore_case = ignore_case
        table = search_table(registry, ignore_case=ignore_case)
        # The automaton gives each match's key as an index into ``_values``
        # (marshalled, unpacked on first use): from the build cache, 20,000
        # keys load in a third of the time that Python tuples would take.
        keys: list[str] = []
        values: list[bytes] = []
        for key, entries in table.items():
            if all(exact is None or exact == key for _, _, exact in entries):
                # The common case: the key itself decides (case-sensitive).
                ids = tuple(entity_id for entity_id, _, _ in entries)
                value = (ids, entries[0][1], None)
            else:
                value = ((), FULL, tuple(entries))
            keys.append(key)
            values.append(marshal.dumps(value))
        self._automaton = (automaton or automaton_class())(keys)
        self._values = values
        self._unpacked: list[tuple | None] = [None] * len(values)
        self.size = len(table)

    def __getstate__(self) -> dict:
        return {
            "ignore_case": self.ignore_case,
            "size": self.size,
            "automaton": self._automaton,
            "values": self._values,
        }

    def __setstate__(self, state: dict) -> None:
        self.ignore_case = state["ignore_case"]
        self.size = state["size"]
        self._automaton = state["automaton"]
        self._values = state["values"]
        self._unpacked = [None] * len(self._values)

    def candidates(self, text: str) -> list[Candidate]:
        """All whole-word matches in ``text``, ordered by start, longest first."""
        found = self.scan(text)
        return [Candidate(start, -neg_end, ids, kind) for start, neg_end, ids, kind in found]

    def scan(self, text: str) -> list[tuple[int, int, tuple[str, ...], int]]:
        """:meth:`candidates` as plain tuples ``(start, -end, entity_ids, kind)``:
        the linker's hot path."""
        if not self.size or not text:
            return []
        view, offsets = _view(text)
        search = view
        if self.ignore_case:
            lowered = view.lower()
            if len(lowered) == len(view):
                search = lowered
        found: list[tuple[int, int, tuple[str, ...], int]] = []
        append = found.append
        n = len(view)
        # The hot loop of linking: a match must not start or end inside a
        # word (an apostrophe followed by a letter is inside one: O'Brien),
        # but may end before a possessive (Meta's, see _right_boundary).
        unpacked = self._unpacked
        for start, end, index in self._automaton.find(search):
            value = unpacked[index]
            if value is None:
                value = unpacked[index] = marshal.loads(self._values[index])
            ids, kind, checks = value
            if start:
                before = view[start - 1]
                if before not in _SEPARATORS:
                    if before.isalnum() or before == "_":
                        continue
                    if before in _APOSTROPHES and start >= 2 and _word(view[start - 2]):
                        continue
            if end < n:
                after = view[end]
                if after not in _SEPARATORS:
                    if after.isalnum() or after == "_":
                        continue
                    if after in _APOSTROPHES and not _right_boundary(view, end, n):
                        continue
            if checks is not None:
                surface = view[start:end]
                matching = [(i, k) for i, k, exact in checks if exact is None or exact == surface]
                if not matching:
                    continue
                ids = tuple(i for i, _ in matching)
                kind = matching[0][1]
            if offsets is not None:
                append((offsets[start], -(offsets[end - 1] + 1), ids, kind))
            else:
                append((start, -end, ids, kind))
        found.sort()  # by start, then longest first (the end is negated)
        return found


Entry = tuple[str, int, str | None]  # (entity id, kind, exact form or None)


def search_table(registry: Registry, *, ignore_case: bool = False) -> dict[str, list[Entry]]:
    """What the automaton searches for: each key (a name, alias or surname as
    text spells it, lower-cased if ``ignore_case``) -> its ``(entity id,
    kind, exact form)`` entries, the exact form None when case does not
    matter."""
    table: dict[str, list[Entry]] = {}
    full_forms: set[str] = set()

    def key_of(form: str) -> str:
        return form.lower() if ignore_case else form

    for entity in registry:
        for form in entity.forms:
            full_forms.add(form)
            exact = None if ignore_case and not is_acronym(form) else form
            table.setdefault(key_of(form), []).append((entity.id, FULL, exact))
    for entity in registry:
        short = entity.short_form
        if short and short not in full_forms:
            exact = None if ignore_case and not is_acronym(short) else short
            table.setdefault(key_of(short), []).append((entity.id, SHORT, exact))
    # The registry's forms use the straight apostrophe; text may use either.
    for key in [k for k in table if "'" in k]:
        table.setdefault(key.replace("'", "\u2019"), table[key])
    # Linking searches HTML, where "AT&T" is spelt "AT&amp;T" (exactly as
    # Python-Markdown's serialiser escapes text).
    for key in [k for k in table if _escape_cdata(k) != k]:
        table.setdefault(
            _escape_cdata(key),
            [
                (i, kind, None if exact is None else _escape_cdata(exact))
                for i, kind, exact in table[key]
            ],
        )
    return table


def _right_boundary(view: str, end: int, n: int) -> bool:
    """May a match end at ``end`` (< n)?"""
    after = view[end]
    if _word(after):
        return False
    if after in _APOSTROPHES and end + 1 < n and _word(view[end + 1]):
        # Meta's links "Meta"; Meta'verse does not
        return view[end + 1] in "sS" and (end + 2 >= n or not _word(view[end + 2]))
    return True


def _view(text: str) -> tuple[str, _Offsets | None]:
    """``text`` as the automaton reads it, and the offset map if lengths differ.

    Line breaks, tabs and no-break spaces become spaces (same length); only
    runs of several spaces need the offset map. Plain ``str.replace`` calls:
    this runs once per article on the hot path.
    """
    for space in _SPACES:
        if space in text:
            text = text.replace(space, " ")
    if "  " not in text:
        return text, None
    offsets = _Offsets(text)
    return _SPACE_RUN.sub(" ", text), offsets


class _Offsets:
    """Maps positions in the collapsed view back to the original text."""

    def __init__(self, view: str) -> None:
        self.positions: list[int] = []  # where each collapsed run's space is in the view
        self.removed: list[int] = []  # characters removed up to and including that run
        removed = 0
        for match in _SPACE_RUN.finditer(view):
            self.positions.append(match.start() - removed)
            removed += match.end() - match.start() - 1
            self.removed.append(removed)

    def __getitem__(self, position: int) -> int:
        index = bisect_left(self.positions, position) - 1  # runs strictly before
        return position + (self.removed[index] if index >= 0 else 0)
