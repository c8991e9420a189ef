"""The Aho-Corasick automaton that finds every key in a text in one pass.

Pure: no Pelican. Two implementations give the same answers
(``tests/test_entities_matcher.py`` checks each against a brute-force search):

* :class:`DoubleArrayAutomaton`, on daachorse (Rust, a compact double
  array): it searches an article in about half the time, returns all
  matches in one call, and loads from the registry cache in 1 ms instead of
  10. PyPI has wheels for Linux and Windows on x86 and for macOS, not for
  Linux on ARM or musl, so the Makefile installs it only where one exists;
* :class:`TrieAutomaton`, on pyahocorasick (C), which has wheels everywhere.

:func:`automaton_class` picks daachorse when it is installed. Both are
picklable: the registry cache keeps the built automaton.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol

import ahocorasick

try:
    import daachorse
except ImportError:  # no wheel for this platform: see the module docstring
    daachorse = None


class UnknownAutomatonError(ValueError):
    """``EDITORIAL_AUTOMATON`` names no automaton installed here."""


class Automaton(Protocol):
    """Finds every occurrence of its keys, overlapping ones included."""

    name: str

    def __init__(self, keys: Sequence[str]) -> None: ...

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, key index)`` of every occurrence, ``text[start:end]``
        being ``keys[key index]``; in no particular order."""
        ...


class TrieAutomaton:
    """pyahocorasick's automaton: a trie with failure links."""

    name = "pyahocorasick"

    def __init__(self, keys: Sequence[str]) -> None:
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for index, key in enumerate(keys):
            automaton.add_word(key, index)
        if keys:
            automaton.make_automaton()
        self._automaton = automaton
        self._lengths = [len(key) for key in keys]

    def find(self, text: str) -> list[tuple[int, int, int]]:
        if not self._lengths:
            return []
        lengths = self._lengths
        # pyahocorasick gives the index of each match's last character.
        return [
            (last - lengths[index] + 1, last + 1, index)
            for last, index in self._automaton.iter(text)
        ]


class DoubleArrayAutomaton:
    """daachorse's character-wise double-array automaton."""

    name = "daachorse"

    def __init__(self, keys: Sequence[str]) -> None:
        if daachorse is None:
            raise RuntimeError("daachorse is not installed (see README, Entity linking)")
        self._automaton = daachorse.CharwiseDoubleArrayAhoCorasick(list(keys)) if keys else None

    def find(self, text: str) -> list[tuple[int, int, int]]:
        if self._automaton is None:
            return []
        return self._automaton.find_overlapping(text)

    def __getstate__(self) -> bytes:
        # daachorse objects cannot be pickled; their own serialisation can.
        return b"" if self._automaton is None else self._automaton.serialize()

    def __setstate__(self, state: bytes) -> None:
        self._automaton = (
            daachorse.CharwiseDoubleArrayAhoCorasick.deserialize(state) if state else None
        )


def automaton_class() -> type[TrieAutomaton] | type[DoubleArrayAutomaton]:
    """The fastest automaton installed, or the one the environment variable
    ``EDITORIAL_AUTOMATON`` names (``pyahocorasick`` measures the fallback:
    ``EDITORIAL_AUTOMATON=pyahocorasick invoke bench``)."""
    chosen = os.environ.get("EDITORIAL_AUTOMATON")
    if chosen:
        installed = {automaton.name: automaton for automaton in available_automata()}
        if chosen not in installed:
            raise UnknownAutomatonError(
                f"EDITORIAL_AUTOMATON={chosen}: use one of {', '.join(installed)} "
                "(the automata installed here), or unset it"
            )
        return installed[chosen]
    return TrieAutomaton if daachorse is None else DoubleArrayAutomaton


def available_automata() -> list[type[TrieAutomaton] | type[DoubleArrayAutomaton]]:
    """Every automaton installed here (the tests compare them)."""
    return [TrieAutomaton] if daachorse is None else [TrieAutomaton, DoubleArrayAutomaton]
