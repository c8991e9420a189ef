"""The matcher: whole words, leftmost-longest candidates, and a cost that
stays flat from a small registry to a 20,000-alias one."""

from __future__ import annotations

import pickle
import random
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import ROOT

from editorial.entities.automata import (
    TrieAutomaton,
    UnknownAutomatonError,
    automaton_class,
    available_automata,
)
from editorial.entities.matcher import FULL, SHORT, Matcher, search_table
from editorial.entities.registry import Registry, load_registry, parse_registry

SEED = ROOT / "content" / "2022" / "pakistan-foreign-minister-urges-meta-to-open-office.md"


def _registry(text: str) -> Registry:
    return parse_registry(text, "test.yml")


# Every test that builds a matcher runs with each automaton installed here
# (daachorse where PyPI has a wheel for the platform, pyahocorasick always).
each_automaton = pytest.mark.parametrize(
    "automaton", available_automata(), ids=lambda automaton: automaton.name
)


@each_automaton
def test_candidates_whole_words_longest_first(automaton):
    matcher = Matcher(_registry(
        "pakistan: {name: Pakistan, type: place}\n"
        "pta: {name: Pakistan Telecommunication Authority, type: organization, aliases: [PTA]}\n"
        "nick-clegg: {name: Nick Clegg, type: person}\n"
    ), automaton=automaton)  # fmt: skip
    text = "The Pakistan Telecommunication Authority, Pakistani PTAs, PTA’s Clegg"
    found = [(text[c.start : c.end], c.entity_ids, c.kind) for c in matcher.candidates(text)]
    assert found == [
        ("Pakistan Telecommunication Authority", ("pta",), FULL),
        ("Pakistan", ("pakistan",), FULL),  # overlapping: the linker picks the longest
        ("PTA", ("pta",), FULL),
        ("Clegg", ("nick-clegg",), SHORT),
    ]


@each_automaton
def test_ignore_case_keeps_acronyms_exact(automaton):
    registry = _registry("meta: {name: Meta, type: organization, aliases: [FB]}\n")
    matcher = Matcher(registry, ignore_case=True, automaton=automaton)
    text = "meta, META, Meta, fb, FB"
    assert [text[c.start : c.end] for c in matcher.candidates(text)] == ["meta", "META", "Meta",
                                                                          "FB"]  # fmt: skip


@each_automaton
def test_offsets_survive_collapsed_whitespace(automaton):
    matcher = Matcher(
        _registry("nick-clegg: {name: Nick Clegg, type: person}\n"), automaton=automaton
    )
    text = "x  y   Nick \n   Clegg  and\tNick\u00a0Clegg"
    spans = [text[c.start : c.end] for c in matcher.candidates(text) if c.kind == FULL]
    assert spans == ["Nick \n   Clegg", "Nick\u00a0Clegg"]


def _big_registry(size: int, rng: random.Random) -> Registry:
    lines = []
    for index in range(size // 2):
        name = "".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4))
        lines.append(f"e{index}: {{name: {name.capitalize()} Institute {index}, "
                     f"type: organization, aliases: [QX{index}]}}")  # fmt: skip
    return _registry("\n".join(lines) + "\n" + SMALL)


SMALL = (
    "pakistan: {name: Pakistan, type: place}\n"
    "meta: {name: Meta, type: organization}\n"
    "nick-clegg: {name: Nick Clegg, type: person}\n"
)


@each_automaton
def test_cost_is_flat_from_30_to_20000_aliases(automaton):
    text = SEED.read_text(encoding="utf-8") * 4
    rng = random.Random(7)
    small = Matcher(_big_registry(30, rng), automaton=automaton)
    big = Matcher(_big_registry(20000, rng), automaton=automaton)
    assert big.size >= 20000

    def cost(matcher: Matcher) -> float:
        best = float("inf")
        for _ in range(7):
            start = time.process_time()
            for _ in range(20):
                matcher.scan(text)
            best = min(best, time.process_time() - start)
        return best

    assert len(small.scan(text)) == len(big.scan(text))
    small_cost, big_cost = cost(small), cost(big)
    assert big_cost < 2.0 * small_cost + 0.005, (small_cost, big_cost)


@each_automaton
def test_shipped_registry_matches_the_seed(automaton):
    matcher = Matcher(load_registry(ROOT / "content" / "entities.yml"), automaton=automaton)
    text = SEED.read_text(encoding="utf-8")
    ids = {c.entity_ids[0] for c in matcher.candidates(text)}
    assert {"meta", "pakistan", "nick-clegg", "bilawal-bhutto-zardari",
            "united-nations-general-assembly", "pakistan-telecommunication-authority",
            "pakistan-online-content-rules-2021"} <= ids  # fmt: skip


KEYS = ["Meta", "Meta Platforms", "eta", "PTA", "AT&amp;T", "é", "Ü", "Nick Clegg", "a"]


def _occurrences(keys: list[str], text: str) -> list[tuple[int, int, int]]:
    """Every occurrence of every key, overlapping ones included, the slow way."""
    found = []
    for index, key in enumerate(keys):
        start = text.find(key)
        while start >= 0:
            found.append((start, start + len(key), index))
            start = text.find(key, start + 1)
    return sorted(found)


@each_automaton
@given(st.lists(st.sampled_from([*KEYS, " ", "s", "’", "😀", "\n", "x"]), max_size=30))
def test_automaton_finds_every_occurrence(automaton, pieces):
    """Overlapping, nested and adjacent keys, characters outside the Basic
    Multilingual Plane before them: positions are Python string indices."""
    text = "".join(pieces)
    assert sorted(automaton(KEYS).find(text)) == _occurrences(KEYS, text)


@each_automaton
def test_automaton_survives_the_cache(automaton):
    """The registry cache pickles the built automaton; it finds the same after."""
    text = "Meta Platforms and AT&amp;T, PTA’s Nick Clegg 😀 Ü"
    built = automaton(KEYS)
    assert sorted(pickle.loads(pickle.dumps(built)).find(text)) == _occurrences(KEYS, text)
    assert pickle.loads(pickle.dumps(automaton([]))).find(text) == []


@each_automaton
def test_automaton_finds_every_name_of_the_registry_in_the_articles(automaton):
    """The keys the matcher builds from the shipped registry (both
    apostrophes, HTML spellings), in every article the site has."""
    keys = list(search_table(load_registry(ROOT / "content" / "entities.yml")))
    built = automaton(keys)
    for path in sorted((ROOT / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert sorted(built.find(text)) == _occurrences(keys, text), path


def test_the_environment_can_choose_the_fallback_automaton(monkeypatch):
    """``EDITORIAL_AUTOMATON=pyahocorasick`` measures the fallback where
    daachorse is installed; a name not installed is an error that says what is."""
    monkeypatch.setenv("EDITORIAL_AUTOMATON", "pyahocorasick")
    assert automaton_class() is TrieAutomaton
    monkeypatch.setenv("EDITORIAL_AUTOMATON", "hyperscan")
    with pytest.raises(UnknownAutomatonError, match="use one of pyahocorasick"):
        automaton_class()
