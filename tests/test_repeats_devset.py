"""The development set of reworded repeats (tests/data/repeats/reworded): its
labels point at real paragraphs in the right order, and the benchmark's
per-kind report counts what it should. The detector is measured on it by
`invoke bench.repeats`, not required to pass it here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from bench.repeats_articles import per_kind_lines, read_markdown_folder
from editorial.findings import Finding, Location

DEVSET = Path(__file__).resolve().parent / "data/repeats/reworded"


def _labels() -> dict:
    return json.loads((DEVSET / "labels.json").read_text(encoding="utf-8"))


def _documents() -> dict:
    return {d.path: d for d in read_markdown_folder(DEVSET)}


def test_devset_has_at_least_ten_articles_of_eight_to_twelve_paragraphs():
    docs = _documents()
    assert len(docs) >= 10
    for name, doc in docs.items():
        assert 8 <= len(doc.paragraphs) <= 12, name


def test_every_label_names_real_paragraphs_and_an_earlier_original():
    docs = _documents()
    order = {name: k for k, name in enumerate(docs)}  # oldest first, by Date
    labels = _labels()
    for e in labels["findings"]:
        assert 1 <= e["paragraph"] <= len(docs[e["file"]].paragraphs), e
        for file, paragraph in e["repeats"]:
            assert 1 <= paragraph <= len(docs[file].paragraphs), e
            assert (order[file], paragraph) < (order[e["file"]], e["paragraph"]), e
    for h in labels["hard_negatives"]:
        assert 1 <= h["paragraph"] <= len(docs[h["file"]].paragraphs), h
        for file, paragraph in h["vs"]:
            assert 1 <= paragraph <= len(docs[file].paragraphs), h


def test_single_reworded_paragraphs_have_no_labelled_neighbour():
    labels = _labels()
    positives = {(e["file"], e["paragraph"]) for e in labels["findings"]}
    singles = [e for e in labels["findings"] if e.get("isolated_paraphrase")]
    assert len(singles) >= 10
    assert {e["kind"] for e in singles} == {"paraphrase"}
    for e in singles:
        assert (e["file"], e["paragraph"] - 1) not in positives, e
        assert (e["file"], e["paragraph"] + 1) not in positives, e
    assert any(e["repeats"][0][0] != e["file"] for e in singles)  # across articles too


def test_hard_negatives_are_not_also_labelled_repeats():
    labels = _labels()
    allowed = {
        (e["file"], e["paragraph"], tuple(r)) for e in labels["findings"] for r in e["repeats"]
    }
    for h in labels["hard_negatives"]:
        for v in h["vs"]:
            assert (h["file"], h["paragraph"], tuple(v)) not in allowed, h


def _finding(file: str, paragraph: int, kind: str, earlier: tuple[str, int]) -> Finding:
    return Finding(file, paragraph, paragraph, kind, 0.9, Location(earlier[0], 1, earlier[1]))


def test_per_kind_report_counts_hits_misses_and_sprung_traps():
    labels = {
        "findings": [
            {"file": "b.md", "paragraph": 3, "repeats": [["a.md", 1]], "kind": "paraphrase",
             "isolated_paraphrase": True},
            {"file": "b.md", "paragraph": 6, "repeats": [["b.md", 1]], "kind": "paraphrase",
             "isolated_paraphrase": True},
            {"file": "b.md", "paragraph": 8, "repeats": [["b.md", 2]], "kind": "near"},
        ],
        "hard_negatives": [{"file": "b.md", "paragraph": 4, "vs": [["b.md", 2]], "why": "t"}],
    }  # fmt: skip
    findings = [
        _finding("b.md", 3, "paraphrase", ("a.md", 1)),  # right
        _finding("b.md", 6, "paraphrase", ("b.md", 2)),  # right paragraph, wrong original
        _finding("b.md", 4, "paraphrase", ("b.md", 2)),  # a trap
        _finding("b.md", 8, "near", ("b.md", 2)),  # right
    ]
    lines = per_kind_lines(findings, labels)
    assert "recall paraphrase single (all): 1/2 = 0.500" in lines
    assert "recall paraphrase single cross-article: 1/1 = 1.000" in lines
    assert "recall paraphrase single within-article: 0/1 = 0.000" in lines
    assert "recall near: 1/1 = 1.000" in lines
    assert "precision of paraphrase findings: 1/3" in lines
    assert "precision of near findings: 1/1" in lines
    assert "hard negatives flagged: 1 of 1 trap pairs" in lines


def test_auc_counts_the_positives_that_outscore_negatives():
    from bench.repeats_models import auc

    scores = np.array([0.9, 0.4, 0.6, 0.5, 0.5])
    labels = np.array([1, 1, 0, 0, 0])
    # 0.9 beats all three negatives; 0.4 beats none: 3 of 6 comparisons
    assert auc(scores, labels) == 0.5
    assert auc(np.array([0.5, 0.5]), np.array([1, 0])) == 0.5  # a tie counts half


def test_memo_embeds_each_text_once_and_keeps_the_order():
    from bench.repeats_models import _memo

    calls = []

    def encode(texts):
        calls.append(list(texts))
        return np.array([[float(len(t))] for t in texts])

    remembered = _memo(encode)
    assert remembered(["aa", "b", "aa"]).ravel().tolist() == [2.0, 1.0, 2.0]
    assert remembered(["b", "cccc"]).ravel().tolist() == [1.0, 4.0]
    assert calls == [["aa", "b"], ["cccc"]]
