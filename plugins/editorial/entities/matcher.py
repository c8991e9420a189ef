"""Finding entity mentions in a string: one Aho-Corasick automaton per build.

Pure: no Pelican. :class:`Matcher` is built once from a
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

The automaton (pyahocorasick) finds every key in one pass over the text, so
the cost of a search does not grow with the number of names
(``tests/test_entities_matcher.py`` compares 30 names with 20,000).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from typing import NamedTuple

import ahocorasick

from editorial.entities.registry import Registry, is_acronym

FULL = 0  # the name or an alias
SHORT = 1  # a person's surname: a mention only after the full name

_SPACES = ("\n", "\r", "\t", "\xa0")
_SPACE_RUN = re.compile(r" {2,}")
_APOSTROPHES = ("'", "\u2019")
# Python-Markdown's escaping of text (an "&" that starts a character
# reference stays as it is), so that a name is known as the HTML spells it.
_BARE_AMPERSAND = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)


class Candidate(NamedTuple):
    """``text[start:end]`` names ``entity_ids`` (several only for a shared surname)."""

    start: int
    end: int
    entity_ids: tuple[str, ...]
    kind: int


# One meaning of a search key: (entity id, FULL or SHORT, exact spelling).
# The exact spelling is None unless the key alone does not decide: with
# ignore_case, an acronym must still be spelt as the registry spells it.
# Plain tuples: the build cache holds tens of thousands of them.
Entry = tuple[str, int, str | None]


class Matcher:
    """Every name, alias and surname of a registry in one automaton.

    ``ignore_case`` makes names match in any case; acronyms (one word with
    two or more capitals) always match case-sensitively. A matcher pickles
    (the build caches it with the registry).
    """

    def __init__(self, registry: Registry, *, ignore_case: bool = False) -> None:
        self.ignore_case = ignore_case
        table = search_table(registry, ignore_case=ignore_case)
        self.size = len(table)
        # Each key's value: (its length, its entries).
        self._automaton = ahocorasick.Automaton()
        for key, entries in table.items():
            self._automaton.add_word(key, (len(key), tuple(entries)))
        if table:
            self._automaton.make_automaton()

    def candidates(self, text: str) -> list[Candidate]:
        """All whole-word matches in ``text``, ordered by start, longest first."""
        if not self.size or not text:
            return []
        view, offsets = _view(text)
        search = view
        if self.ignore_case:
            lowered = view.lower()
            # A few characters lower-case to two ("İ"): then only the exact
            # spellings match, rather than misplaced offsets.
            if len(lowered) == len(view):
                search = lowered
        found: list[Candidate] = []
        for last, (length, entries) in self._automaton.iter(search):
            start, end = last + 1 - length, last + 1
            if not (_left_boundary(view, start) and _right_boundary(view, end)):
                continue
            surface = view[start:end]
            meant = [(i, kind) for i, kind, exact in entries if exact in (None, surface)]
            if not meant:
                continue
            if offsets is not None:
                start, end = offsets.original(start), offsets.original(end - 1) + 1
            found.append(Candidate(start, end, tuple(i for i, _ in meant), meant[0][1]))
        found.sort(key=lambda c: (c.start, -c.end))
        return found


def search_table(registry: Registry, *, ignore_case: bool = False) -> dict[str, list[Entry]]:
    """What the automaton searches for: each key (a name, alias or surname as
    text spells it, lower-cased if ``ignore_case``) and its entries."""
    table: dict[str, list[Entry]] = {}
    full_forms: set[str] = set()

    def add(form: str, entity_id: str, kind: int) -> None:
        exact = form if ignore_case and is_acronym(form) else None
        key = form.lower() if ignore_case else form
        table.setdefault(key, []).append((entity_id, kind, exact))

    for entity in registry:
        for form in entity.forms:
            full_forms.add(form)
            add(form, entity.id, FULL)
    for entity in registry:
        short = entity.short_form
        if short and short not in full_forms:
            add(short, entity.id, SHORT)
    # The registry's forms use the straight apostrophe; text may use either.
    _add_spelling(table, lambda form: form.replace("'", "\u2019"))
    # Linking searches HTML, where "AT&T" is spelt "AT&amp;T".
    _add_spelling(table, escape_text)
    return table


def _add_spelling(table: dict[str, list[Entry]], spell: Callable[[str], str]) -> None:
    """Add each key's other spelling ``spell(key)``, where it differs, with
    the exact forms spelt the same way."""
    for key in list(table):
        other = spell(key)
        if other != key:
            entries = [(i, kind, exact and spell(exact)) for i, kind, exact in table[key]]
            table.setdefault(other, entries)


def escape_text(text: str) -> str:
    """``text`` escaped as Python-Markdown's serialiser escapes text."""
    return _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _left_boundary(view: str, start: int) -> bool:
    """May a match start at ``start``? Not inside a word; an apostrophe
    followed by the match is inside one when a letter precedes it (O'Brien)."""
    if start == 0:
        return True
    before = view[start - 1]
    if _word(before):
        return False
    return not (before in _APOSTROPHES and start >= 2 and _word(view[start - 2]))


def _right_boundary(view: str, end: int) -> bool:
    """May a match end at ``end``? Not inside a word, but before a
    possessive: "Meta's" mentions Meta, "Meta'verse" does not."""
    if end >= len(view):
        return True
    after = view[end]
    if _word(after):
        return False
    if after in _APOSTROPHES and end + 1 < len(view) and _word(view[end + 1]):
        return view[end + 1] in "sS" and (end + 2 >= len(view) or not _word(view[end + 2]))
    return True


def _view(text: str) -> tuple[str, _Offsets | None]:
    """``text`` as the automaton reads it, and the offset map if lengths differ.

    Line breaks, tabs and no-break spaces become spaces (same length); only
    runs of several spaces need the offset map.
    """
    for space in _SPACES:
        text = text.replace(space, " ")
    if "  " not in text:
        return text, None
    return _SPACE_RUN.sub(" ", text), _Offsets(text)


class _Offsets:
    """Maps positions in the collapsed view back to the text it was made from."""

    def __init__(self, text: str) -> None:
        self.positions: list[int] = []  # where each collapsed run's space is in the view
        self.removed: list[int] = []  # characters removed up to and including that run
        removed = 0
        for match in _SPACE_RUN.finditer(text):
            self.positions.append(match.start() - removed)
            removed += match.end() - match.start() - 1
            self.removed.append(removed)

    def original(self, position: int) -> int:
        index = bisect_left(self.positions, position) - 1  # runs strictly before
        return position + (self.removed[index] if index >= 0 else 0)
