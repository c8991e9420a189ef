"""Stages 3-5 on hand-made evidence: a pair's decision (and that it reads
the costly evidence only when it must), blocks along diagonals and one-pair
gaps, and the strongest repeat per later paragraph."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pytest

from editorial.findings import Location
from editorial.paragraphs import ParagraphRecord
from editorial.repeats.blocks import Layout, extend_blocks, fill_gaps
from editorial.repeats.decisions import decide
from editorial.repeats.scoring import Thresholds, borderline, classify
from editorial.repeats.strongest import as_findings, strongest_repeats
from editorial.repeats.units import Document, build_units

T = Thresholds()  # near 0.80, paraphrase 0.89, same_facts 0.77, corroborated 0.65, tokens 0.81


class Evidence:
    """A PairScore made by hand; records which parts were read."""

    FIELDS = (
        "lexical", "lexical_bound", "containment", "paragraph", "alignment",
        "conflict", "length_ratio", "numbers_agree", "tokens", "learned",
    )  # fmt: skip

    def __init__(self, **values):
        self._values = {
            "lexical": 0.0, "containment": 0.0, "paragraph": None, "alignment": None,
            "conflict": None, "length_ratio": 1.0, "numbers_agree": False, "tokens": None,
            "learned": False,
        }  # fmt: skip
        self._values.update(values)
        self._values.setdefault("lexical_bound", self._values["lexical"])
        self.read: set[str] = set()

    def __getattr__(self, name):
        if name in Evidence.FIELDS:
            self.read.add(name)
            return self._values[name]
        raise AttributeError(name)

    @property
    def semantic(self):
        paragraph, alignment = self.paragraph, self.alignment
        return None if paragraph is None or alignment is None else min(paragraph, alignment)


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        pytest.param(Evidence(lexical=0.85), ("near", 0.85), id="near: word ratio"),
        pytest.param(
            Evidence(lexical=0.5, containment=0.9, length_ratio=0.6),
            ("near", 0.9),
            id="near: 3-grams",
        ),
        pytest.param(
            Evidence(lexical=0.5, containment=0.9, length_ratio=0.4),
            None,
            id="quoted by a longer one",
        ),
        pytest.param(Evidence(paragraph=0.95, alignment=0.9), ("paraphrase", 0.9), id="paraphrase"),
        pytest.param(Evidence(paragraph=0.95, alignment=0.88), None, id="semantic below 0.89"),
        pytest.param(
            Evidence(paragraph=0.9, alignment=0.8, numbers_agree=True),
            ("paraphrase", 0.8),
            id="same numbers: lower bar",
        ),
        pytest.param(
            Evidence(paragraph=0.9, alignment=0.8), None, id="other numbers: no lower bar"
        ),
        pytest.param(Evidence(lexical=0.95, conflict="numbers differ"), None, id="fact veto"),
        pytest.param(
            Evidence(paragraph=0.97, alignment=0.95, conflict="names differ"), None, id="veto"
        ),
        pytest.param(Evidence(lexical=0.5), None, id="lexical backend, unrelated"),
        pytest.param(
            Evidence(paragraph=0.8, alignment=0.7, tokens=0.85),
            ("paraphrase", 0.85),
            id="reworded: token alignment",
        ),
        pytest.param(
            Evidence(paragraph=0.8, alignment=0.7, tokens=0.8), None, id="tokens below 0.81"
        ),
        pytest.param(
            Evidence(paragraph=0.8, alignment=0.7, tokens=0.78, learned=True),
            ("paraphrase", 0.78),
            id="tokens below 0.81, the learned rule accepts",
        ),
        pytest.param(
            Evidence(
                paragraph=0.8, alignment=0.7, tokens=0.78, learned=True, conflict="numbers differ"
            ),
            None,
            id="learned rule: fact veto",
        ),
        pytest.param(
            Evidence(paragraph=0.76, alignment=0.7, tokens=0.95),
            None,
            id="tokens only for semantic candidates",
        ),
        pytest.param(
            Evidence(paragraph=0.8, alignment=0.7, tokens=0.9, conflict="numbers differ"),
            None,
            id="tokens: fact veto",
        ),
    ],
)
def test_classify(evidence, expected):
    assert classify(evidence, T) == expected


def eager_classify(e, t):
    """The decision rule as first written, reading every part."""
    if e.conflict:
        return None
    lexical = max(e.lexical, e.containment) if e.length_ratio >= 0.5 else e.lexical
    if lexical >= t.near:
        return "near", lexical
    if e.semantic is not None and e.semantic >= t.paraphrase:
        return "paraphrase", e.semantic
    if e.semantic is not None and e.numbers_agree and e.semantic >= t.same_facts:
        return "paraphrase", e.semantic
    candidate = e.paragraph is not None and e.paragraph >= t.same_facts
    if candidate and e.tokens is not None and (e.tokens >= t.tokens or (t.learned and e.learned)):
        return "paraphrase", e.tokens
    return None


def test_classify_equals_the_eager_rule_and_reads_costly_parts_only_when_needed():
    rng = random.Random(3)
    for _ in range(3000):
        lexical = rng.random()
        values = dict(
            lexical=lexical,
            lexical_bound=min(1.0, lexical + rng.random() * 0.3),
            containment=rng.random(),
            length_ratio=rng.random(),
            paragraph=rng.choice([None, rng.uniform(0.5, 1.0)]),
            conflict=rng.choice([None, None, "numbers differ"]),
            numbers_agree=rng.random() < 0.3,
        )
        if values["paragraph"] is not None:
            values["alignment"] = rng.uniform(0.5, 1.0)
            values["tokens"] = rng.uniform(0.6, 1.0)
            values["learned"] = rng.random() < 0.3
        lazy, eager = Evidence(**values), Evidence(**values)
        assert classify(lazy, T) == eager_classify(eager, T)
        off = Thresholds(learned=False)
        assert classify(Evidence(**values), off) == eager_classify(Evidence(**values), off)
        if values["lexical_bound"] < T.near and (
            values["containment"] < T.near or values["length_ratio"] < 0.5
        ):
            assert "lexical" not in lazy.read  # difflib skipped
        if values["paragraph"] is None or values["paragraph"] < T.same_facts:
            assert "alignment" not in lazy.read  # no sentence vectors
            assert "tokens" not in lazy.read  # no token vectors
        if (values["lexical"] >= T.near and values["lexical_bound"] >= T.near) or values[
            "conflict"
        ]:
            assert "tokens" not in lazy.read  # accepted or vetoed without them
        open_for_tokens = values["paragraph"] is not None and values["paragraph"] >= T.same_facts
        if classify(Evidence(**{**values, "conflict": None}), T) is None and not open_for_tokens:
            assert "conflict" not in lazy.read  # no facts


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (Evidence(paragraph=0.8, alignment=0.7), True),
        (Evidence(paragraph=0.8, alignment=0.6), False),
        (Evidence(paragraph=0.6, alignment=0.9), False),
        (Evidence(paragraph=0.8, alignment=0.7, conflict="names differ"), False),
        (Evidence(lexical=0.99), False),  # no vectors: never borderline
    ],
)
def test_borderline(evidence, expected):
    assert borderline(evidence, T) is expected


# ------------------------------------------------------------ stubs of units


@dataclass
class Corpus:
    load_sentence_vectors: object = None
    load_token_vectors: object = None


@dataclass
class Stub:
    doc: int
    position: int
    key: str
    vector: np.ndarray
    corpus: Corpus


def stub_units(layout: list[tuple[int, str]]) -> list[Stub]:
    """(doc, key) per unit, in order; vectors orthogonal (no rivals)."""
    corpus, units, positions = Corpus(), [], {}
    for k, (d, key) in enumerate(layout):
        positions[d] = positions.get(d, -1) + 1
        units.append(Stub(d, positions[d], key, np.eye(len(layout), dtype=np.float32)[k], corpus))
    return units


class Scores:
    """Evidence by pair from a table; other pairs are unrelated."""

    def __init__(self, units, table):
        self.units, self.table, self.asked = units, table, []

    def __call__(self, pair):
        self.asked.append(pair)
        return self.table.get(pair) or Evidence(paragraph=0.1, alignment=0.1)


def test_decide_skips_accepted_pairs_and_copies():
    units = stub_units([(0, "a"), (0, "b"), (1, "b"), (1, "c")])
    scores = Scores(
        units,
        {
            (0, 3): Evidence(lexical=0.9),
            (0, 2): Evidence(paragraph=0.95, alignment=0.93),
            (1, 3): Evidence(paragraph=0.95, alignment=0.7),
        },
    )
    accepted = {(0, 2): ("exact", 1.0)}  # already decided: kept as it is
    decide({(0, 3), (0, 2), (1, 2), (1, 3)}, scores, T, accepted)
    assert accepted == {(0, 2): ("exact", 1.0), (0, 3): ("near", 0.9)}
    assert (1, 2) not in scores.asked  # equal keys: an exact copy, not scored


def test_layout_steps_within_a_document():
    layout = Layout(stub_units([(0, "a"), (0, "b"), (1, "c"), (1, "d"), (1, "e")]))
    assert [layout.step(0, 1), layout.step(1, 1), layout.step(2, -1), layout.step(2, 2)] == [
        1, None, None, 4,
    ]  # fmt: skip
    assert [layout.document_of(k) for k in range(5)] == [
        range(0, 2), range(0, 2), range(2, 5), range(2, 5), range(2, 5),
    ]  # fmt: skip


BORDERLINE = Evidence(paragraph=0.8, alignment=0.7)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param(
            {(0, 4): BORDERLINE, (2, 6): BORDERLINE},
            {(1, 5): ("near", 0.9), (0, 4): ("paraphrase", 0.7), (2, 6): ("paraphrase", 0.7)},
            id="borderline neighbours on the diagonal join the block",
        ),
        pytest.param(
            {(2, 6): BORDERLINE, (3, 6): Evidence(paragraph=0.9, alignment=0.8)},
            {(1, 5): ("near", 0.9)},
            id="not where a shifted pair is more alike (re-paragraphed)",
        ),
        pytest.param(
            {(2, 6): Evidence(paragraph=0.8, alignment=0.7, conflict="numbers differ")},
            {(1, 5): ("near", 0.9)},
            id="not when the facts conflict",
        ),
        pytest.param(
            {(0, 4): Evidence(paragraph=0.7, alignment=0.6)},
            {(1, 5): ("near", 0.9)},
            id="not below the corroborated threshold",
        ),
        pytest.param(
            {(2, 6): BORDERLINE, (3, 7): BORDERLINE},
            {(1, 5): ("near", 0.9), (2, 6): ("paraphrase", 0.7), (3, 7): ("paraphrase", 0.7)},
            id="the walk goes on from each accepted neighbour",
        ),
    ],
)
def test_extend_blocks(table, expected):
    units = stub_units(
        [(0, "a0"), (0, "a1"), (0, "a2"), (0, "a3")] + [(1, f"b{k}") for k in range(4)]
    )
    accepted = {(1, 5): ("near", 0.9)}
    extend_blocks(accepted, Scores(units, table), T, Layout(units))
    assert accepted == expected


def test_a_block_does_not_overlap_its_source_within_a_document():
    # (1, 2) in one document: its neighbours (0, 1) and (2, 3) would each put
    # one paragraph on both sides of the repeat, however alike they are.
    units = stub_units([(0, f"a{k}") for k in range(6)])
    accepted = {(1, 2): ("near", 0.9)}
    extend_blocks(
        accepted, Scores(units, {(2, 3): BORDERLINE, (0, 1): BORDERLINE}), T, Layout(units)
    )
    assert accepted == {(1, 2): ("near", 0.9)}


def test_fill_gaps_accepts_the_mutual_best_pair_between_two_accepted():
    units = stub_units([(0, f"a{k}") for k in range(3)] + [(1, f"b{k}") for k in range(3)])
    gap = Evidence(paragraph=0.6, alignment=0.5)  # below any threshold
    accepted = {(0, 3): ("near", 0.9), (2, 5): ("near", 0.9)}
    fill_gaps(accepted, Scores(units, {(1, 4): gap}), T, Layout(units))
    assert accepted[(1, 4)] == ("paraphrase", 0.5)

    # A rival: paragraph 0 is closer to 4 than 1 is (its cosine and its score).
    units[0].vector = units[4].vector.copy()
    rival = Evidence(paragraph=1.0, alignment=0.9)
    accepted = {(0, 3): ("near", 0.9), (2, 5): ("near", 0.9)}
    fill_gaps(accepted, Scores(units, {(1, 4): gap, (0, 4): rival}), T, Layout(units))
    assert (1, 4) not in accepted

    # Conflicting facts: never.
    units[0].vector = np.eye(6, dtype=np.float32)[0]
    conflict = Evidence(paragraph=0.6, alignment=0.5, conflict="names differ")
    accepted = {(0, 3): ("near", 0.9), (2, 5): ("near", 0.9)}
    fill_gaps(accepted, Scores(units, {(1, 4): conflict}), T, Layout(units))
    assert (1, 4) not in accepted


@pytest.mark.parametrize(
    ("accepted", "expected"),
    [
        (
            {(0, 3): ("near", 0.85), (1, 3): ("exact", 1.0), (2, 3): ("paraphrase", 0.95)},
            {3: (1, "exact", 1.0)},
        ),
        ({(0, 3): ("paraphrase", 0.9), (1, 3): ("paraphrase", 0.95)}, {3: (1, "paraphrase", 0.95)}),
        ({(1, 3): ("paraphrase", 0.9), (0, 3): ("paraphrase", 0.9)}, {3: (0, "paraphrase", 0.9)}),
        (
            {(0, 1): ("near", 0.8), (1, 2): ("near", 0.9)},
            {1: (0, "near", 0.8), 2: (1, "near", 0.9)},
        ),
        ({}, {}),
    ],
)
def test_strongest_repeats(accepted, expected):
    assert strongest_repeats(accepted) == expected


def test_as_findings_name_documents_lines_and_ordinals():
    text = "An introduction long enough to be compared with the other paragraphs here."
    documents = [
        Document("content/a.md", (ParagraphRecord(1, 5, text),)),
        Document(
            "content/b.md", (ParagraphRecord(1, 3, "Too short."), ParagraphRecord(2, 9, text))
        ),
    ]
    units = build_units(documents, 8)
    (finding,) = as_findings({1: (0, "exact", 0.99996)}, units, documents)
    assert (finding.file, finding.line, finding.paragraph, finding.kind, finding.score) == (
        "content/b.md", 9, 2, "exact", 1.0,
    )  # fmt: skip
    assert finding.repeats == Location("content/a.md", 5, 1)
