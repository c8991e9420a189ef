"""The matcher: whole words, leftmost-longest candidates, and a cost that
stays flat from a small registry to a 20,000-alias one."""

from __future__ import annotations

import random
import time

from support import ROOT

from editorial.entities.matcher import FULL, SHORT, Matcher
from editorial.entities.registry import Registry, load_registry, parse_registry

SEED = ROOT / "content" / "2022" / "pakistan-foreign-minister-urges-meta-to-open-office.md"


def _registry(text: str) -> Registry:
    return parse_registry(text, "test.yml")


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
    text = "meta, META, Meta, fb, FB"
    assert [text[c.start : c.end] for c in matcher.candidates(text)] == ["meta", "META", "Meta",
                                                                          "FB"]  # fmt: skip


def test_offsets_survive_collapsed_whitespace():
    matcher = Matcher(_registry("nick-clegg: {name: Nick Clegg, type: person}\n"))
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


def test_cost_is_flat_from_30_to_20000_aliases():
    text = SEED.read_text(encoding="utf-8") * 4
    rng = random.Random(7)
    small, big = Matcher(_big_registry(30, rng)), Matcher(_big_registry(20000, rng))
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


def test_shipped_registry_matches_the_seed():
    matcher = Matcher(load_registry(ROOT / "content" / "entities.yml"))
    text = SEED.read_text(encoding="utf-8")
    ids = {c.entity_ids[0] for c in matcher.candidates(text)}
    assert {"meta", "pakistan", "nick-clegg", "bilawal-bhutto-zardari",
            "united-nations-general-assembly", "pakistan-telecommunication-authority",
            "pakistan-online-content-rules-2021"} <= ids  # fmt: skip
