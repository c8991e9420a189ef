"""The matcher: whole words, leftmost-longest candidates, and a cost that
stays flat from a small registry to a 20,000-alias one."""

from __future__ import annotations

import pickle
import random
import re
import time

from hypothesis import given
from hypothesis import strategies as st
from support import ROOT

from editorial.entities.matcher import FULL, SHORT, Matcher, search_table
from editorial.entities.registry import Registry, load_registry, parse_registry

SEED = ROOT / "content" / "2022" / "pakistan-foreign-minister-urges-meta-to-open-office.md"


def _registry(text: str) -> Registry:
    return parse_registry(text, "test.yml")


def _spans(matcher: Matcher, text: str) -> list[str]:
    return [text[c.start : c.end] for c in matcher.candidates(text)]


def test_candidates_whole_words_longest_first():
    matcher = Matcher(_registry(
        "pakistan: {name: Pakistan, type: place}\n"
        "pta: {name: Pakistan Telecommunication Authority, type: organization, aliases: [PTA]}\n"
        "nick-clegg: {name: Nick Clegg, type: person}\n"
    ))  # fmt: skip
    text = "The Pakistan Telecommunication Authority, Pakistani PTAs, PTA’s Clegg"
    found = [(text[c.start : c.end], c.entity_ids, c.kind) for c in matcher.candidates(text)]
    assert found == [
        ("Pakistan Telecommunication Authority", ("pta",), FULL),
        ("Pakistan", ("pakistan",), FULL),  # overlapping: the linker picks the longest
        ("PTA", ("pta",), FULL),
        ("Clegg", ("nick-clegg",), SHORT),
    ]


def test_ignore_case_keeps_acronyms_exact():
    registry = _registry("meta: {name: Meta, type: organization, aliases: [FB]}\n")
    matcher = Matcher(registry, ignore_case=True)
    assert _spans(matcher, "meta, META, Meta, fb, FB") == ["meta", "META", "Meta", "FB"]


def test_offsets_survive_collapsed_whitespace():
    matcher = Matcher(_registry("nick-clegg: {name: Nick Clegg, type: person}\n"))
    text = "x  y   Nick \n   Clegg  and\tNick\u00a0Clegg"
    spans = [text[c.start : c.end] for c in matcher.candidates(text) if c.kind == FULL]
    assert spans == ["Nick \n   Clegg", "Nick\u00a0Clegg"]


def test_apostrophes_both_spellings_and_possessives():
    matcher = Matcher(_registry(
        "ppp: {name: People's Party, type: organization, aliases: [PPP]}\n"
        "att: {name: AT&T, type: organization}\n"
    ))  # fmt: skip
    text = "People’s Party, People's Party’s, PPP's, PPP’s, PPP'verse, O'PPP, AT&amp;T, AT&T"
    assert _spans(matcher, text) == ["People’s Party", "People's Party", "PPP", "PPP", "AT&amp;T",
                                     "AT&T"]  # fmt: skip
    lower = Matcher(_registry("ppp: {name: People's Party, type: organization}\n"),
                    ignore_case=True)  # fmt: skip
    assert _spans(lower, "people’s party and PEOPLE'S PARTY") == ["people’s party",
                                                                   "PEOPLE'S PARTY"]  # fmt: skip


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


def test_cost_is_flat_from_30_to_20000_aliases():
    text = SEED.read_text(encoding="utf-8") * 4
    rng = random.Random(7)
    small = Matcher(_big_registry(30, rng))
    big = Matcher(_big_registry(20000, rng))
    assert big.size >= 20000

    def cost(matcher: Matcher) -> float:
        best = float("inf")
        for _ in range(7):
            start = time.process_time()
            for _ in range(20):
                matcher.candidates(text)
            best = min(best, time.process_time() - start)
        return best

    assert len(small.candidates(text)) == len(big.candidates(text))
    small_cost, big_cost = cost(small), cost(big)
    assert big_cost < 2.0 * small_cost + 0.005, (small_cost, big_cost)


def test_shipped_registry_matches_the_seed():
    matcher = Matcher(load_registry(ROOT / "content" / "entities.yml"))
    text = SEED.read_text(encoding="utf-8")
    ids = {c.entity_ids[0] for c in matcher.candidates(text)}
    assert {"meta", "pakistan", "nick-clegg", "bilawal-bhutto-zardari",
            "united-nations-general-assembly", "pakistan-telecommunication-authority",
            "pakistan-online-content-rules-2021"} <= ids  # fmt: skip


# Names that overlap, nest and share letters; non-ASCII ones; an escaped one.
KEYS_REGISTRY = _registry(
    "meta: {name: Meta, type: organization, aliases: [Meta Platforms]}\n"
    "eta: {name: Eta, type: other}\n"
    "pta: {name: PTA, type: organization}\n"
    "att: {name: AT&T, type: organization}\n"
    "e: {name: é, type: other}\n"
    "u: {name: Ü, type: other}\n"
    "nick-clegg: {name: Nick Clegg, type: person}\n"
    "q: {name: q, type: other}\n"
)
KEYS_MATCHER = Matcher(KEYS_REGISTRY)
PIECES = ["Meta", "Meta Platforms", "Eta", "PTA", "AT&T", "AT&amp;T", "é", "Ü", "Nick Clegg",
          "Clegg", "q", "s", "x", "😀", "Nick"]  # fmt: skip
SEPARATORS = ["", " ", "\n", ", ", "😀", "-"]


def _whole_word_occurrences(keys: list[str], text: str) -> list[tuple[int, int]]:
    """Every whole-word occurrence of every key, the slow way."""
    found = []
    for key in keys:
        for match in re.finditer(rf"(?<!\w)(?={re.escape(key)}(?!\w))", text):
            found.append((match.start(), match.start() + len(key)))
    return sorted(found, key=lambda span: (span[0], -span[1]))


@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=20))
def test_matcher_finds_every_whole_word_occurrence(pairs):
    """Overlapping, nested and adjacent names, characters outside the Basic
    Multilingual Plane before them: positions are Python string indices."""
    text = "".join(piece + separator for piece, separator in pairs)
    keys = list(search_table(KEYS_REGISTRY))
    # The matcher reads a line break as a space; nothing here collapses.
    expected = _whole_word_occurrences(keys, text.replace("\n", " "))
    assert [(c.start, c.end) for c in KEYS_MATCHER.candidates(text)] == expected


def test_matcher_survives_the_cache():
    """The registry cache pickles the matcher; it finds the same after."""
    text = "Meta Platforms and AT&amp;T, PTA’s Nick Clegg 😀 Ü, Clegg"
    again = pickle.loads(pickle.dumps(KEYS_MATCHER))
    assert again.candidates(text) == KEYS_MATCHER.candidates(text)
    assert len(again.candidates(text)) == 8
    empty = pickle.loads(pickle.dumps(Matcher(Registry({}))))
    assert empty.candidates(text) == []


def test_matcher_finds_every_name_of_the_registry_in_the_articles():
    """Each name, alias or surname (both apostrophes, HTML spellings) of the
    shipped registry standing as a whole word in an article is found."""
    registry = load_registry(ROOT / "content" / "entities.yml")
    matcher = Matcher(registry)
    keys = list(search_table(registry))
    for path in sorted((ROOT / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        found = {(c.start, c.end) for c in matcher.candidates(text)}
        view = re.sub(r"\s", " ", text)
        # Not next to an apostrophe, whose rules (possessives) the linking tests cover.
        plain = [(s, e) for s, e in _whole_word_occurrences(keys, view)
                 if not {view[s - 1 : s], view[e : e + 1]} & {"'", "’"}]  # fmt: skip
        assert plain and set(plain) <= found, path
