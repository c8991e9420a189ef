"""Part 2 of the repeats benchmark: the public paraphrase corpora (MRPC test,
STS-B subset). Thresholds are derived on each corpus and scored on the *other*
one, next to the defaults in use, so nothing is tuned on what it is scored on."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import numpy as np

from bench.repeats_metrics import best_accuracy_threshold, binary_metrics, precision_threshold
from bench.repeats_output import write_line
from editorial.paragraphs import ParagraphRecord
from editorial.repeats import learned, tokens
from editorial.repeats.detect import Document, RepeatSettings, build_units, embed_units
from editorial.repeats.scoring import Thresholds, score_pair

# The encode function and its model id (the embedding cache key).
EmbeddingBackend = tuple[Callable[[list[str]], np.ndarray], str]

MRPC_NAME = "MRPC test"
STS_NAME = "STS-B subset (>=4 vs <3)"


def read_mrpc(folder: Path) -> list[tuple[str, str, int]]:
    """MRPC test pairs as (sentence, sentence, 1 if paraphrase else 0)."""
    path = folder / "msr_paraphrase_test.txt"
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r[3], r[4], int(r[0])) for r in rows[1:] if len(r) >= 5]


def read_sts(folder: Path, high: float = 4.0, low: float = 3.0) -> list[tuple[str, str, int]]:
    """STS-B pairs binarised the common way: >= 4 same meaning, < 3 not, middle dropped."""
    path = folder / "sts-test.csv"
    pairs = []
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))
    for r in rows[1:]:
        if len(r) < 7:
            continue
        score = float(r[4])
        if score >= high:
            pairs.append((r[5], r[6], 1))
        elif score < low:
            pairs.append((r[5], r[6], 0))
    return pairs


def pair_scores(
    pairs: Sequence[tuple[str, str, int]], settings: RepeatSettings, encoder: EmbeddingBackend
) -> dict[str, np.ndarray]:
    """The detector's scores of sentence pairs (each sentence a one-paragraph document)."""
    documents = []
    for k, (a, b, _) in enumerate(pairs):
        documents.append(Document(f"{k}a", (ParagraphRecord(1, 1, a),)))
        documents.append(Document(f"{k}b", (ParagraphRecord(1, 1, b),)))
    units = build_units(documents, min_words=1)
    encode, model_id = encoder
    embed_units(units, encode, model_id, settings.cache_dir)
    tokens.attach_loader(units, encode)
    if units and units[0].corpus.load_token_vectors is not None:
        units[0].corpus.load_token_vectors(units)  # one batch, not one call per pair
    by_doc = {u.doc: u for u in units}
    rows = []
    for k in range(len(pairs)):
        a, b = by_doc.get(2 * k), by_doc.get(2 * k + 1)
        if a is None or b is None:
            rows.append((0.0, 0.0, 0.0, 0.0, False, False, False))
            continue
        s = score_pair(a, b)
        token_score = s.tokens if s.tokens is not None else 0.0
        lexical = max(s.lexical, s.containment)
        rows.append((s.semantic, s.paragraph, token_score, lexical, bool(s.conflict),
                     s.numbers_agree, learned.accepts(s)))  # fmt: skip
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    names = ("semantic", "paragraph", "tokens", "lexical", "conflict", "numbers_agree", "learned")
    scores = {name: np.array(column) for name, column in zip(names, columns, strict=True)}
    scores["labels"] = np.array([p[2] for p in pairs])
    return scores


def effective(scores: dict[str, np.ndarray], name: str = "semantic") -> np.ndarray:
    """Score `name` with the fact veto applied (a vetoed pair scores 0)."""
    return np.where(scores["conflict"], 0.0, scores[name])


def same_facts_threshold(scores: dict[str, np.ndarray]) -> float:
    """The precision >= 0.90 rule among pairs stating the same (non-empty) numbers."""
    subset = scores["numbers_agree"]
    return precision_threshold(effective(scores)[subset], scores["labels"][subset], 0.90)


def decide(scores: dict[str, np.ndarray], th: Thresholds) -> np.ndarray:
    """The detector's own-evidence rule on sentence pairs: near, paraphrase,
    paraphrase with the same facts, or a semantic candidate whose token
    alignment reaches its threshold or that the learned rule accepts
    (repeats/learned.py; corroboration by a block does not apply)."""
    eff = effective(scores)
    near = (scores["lexical"] >= th.near) & ~scores["conflict"]
    candidate = (scores["paragraph"] >= min(th.paraphrase, th.same_facts)) & ~scores["conflict"]
    worded = candidate & ((scores["tokens"] >= th.tokens) | scores["learned"])
    return (
        near | (eff >= th.paraphrase) | (scores["numbers_agree"] & (eff >= th.same_facts)) | worded
    )


def report_public_corpora(
    out: TextIO, folder: Path, settings: RepeatSettings, encoder: EmbeddingBackend
) -> None:
    """Print part 2, or ABSENT when `folder` lacks the corpora."""
    write_line(out, f"== public paraphrase corpora ({folder})")
    if not (folder / "msr_paraphrase_test.txt").is_file():
        write_line(
            out,
            f"ABSENT: {folder} has no msr_paraphrase_test.txt / sts-test.csv; "
            "pass --paraphrase-dir; skipping this part",
        )
        return
    th = settings.thresholds
    scored = {
        MRPC_NAME: pair_scores(read_mrpc(folder), settings, encoder),
        STS_NAME: pair_scores(read_sts(folder), settings, encoder),
    }
    chosen = {name: _thresholds_chosen_on(scores) for name, scores in scored.items()}
    _print_derived_thresholds(out, scored, chosen, th)
    names = list(scored)
    for k, name in enumerate(names):
        other = names[1 - k]
        _print_held_out_scores(out, name, scored[name], other, chosen[other], th)


def _thresholds_chosen_on(scores: dict[str, np.ndarray]) -> dict[str, float]:
    eff, y = effective(scores), scores["labels"]
    return {
        "best-accuracy": best_accuracy_threshold(eff, y),
        "precision>=0.90": precision_threshold(eff, y, 0.90),
        "same-facts precision>=0.90": same_facts_threshold(scores),
        "tokens precision>=0.90": precision_threshold(effective(scores, "tokens"), y, 0.90),
    }


def _print_derived_thresholds(
    out: TextIO,
    scored: dict[str, dict[str, np.ndarray]],
    chosen: dict[str, dict[str, float]],
    th: Thresholds,
) -> None:
    """The per-corpus thresholds, and the pooled ones the defaults were set from."""
    names = list(scored)
    both = {k: np.concatenate([scored[n][k] for n in names]) for k in scored[names[0]]}
    eff_both = effective(both)
    derived = {n: {k: round(v, 3) for k, v in c.items()} for n, c in chosen.items()}
    write_line(out, "thresholds on the semantic score (fact veto applied), derived per corpus:")
    for name, values in derived.items():
        write_line(out, f"  {name}: {json.dumps(values)}")
    write_line(
        out,
        "derived on both corpora pooled (the defaults): paraphrase (precision>=0.90) -> "
        f"{precision_threshold(eff_both, both['labels'], 0.90):.3f} [default {th.paraphrase}]; "
        f"same facts (precision>=0.90 among pairs with equal numbers) -> "
        f"{same_facts_threshold(both):.3f} [default {th.same_facts}]; "
        f"MRPC best-accuracy -> {chosen[names[0]]['best-accuracy']:.3f} "
        f"[default corroborated {th.corroborated}]; near {th.near} by definition",
    )
    _print_token_threshold(out, both, th)


def _print_token_threshold(out: TextIO, both: dict[str, np.ndarray], th: Thresholds) -> None:
    """The token-alignment threshold derived on both corpora pooled, next to
    what the paragraph cosine alone reaches at the same precision."""
    parts = []
    for name in ("tokens", "paragraph"):
        scores = effective(both, name)
        cut = precision_threshold(scores, both["labels"], 0.90)
        recall = binary_metrics(scores, both["labels"], cut)["recall"]
        parts.append(f"{cut:.3f} (recall {recall:.3f})")
    write_line(
        out,
        f"  token alignment (precision>=0.90, pooled) -> {parts[0]} [default tokens "
        f"{th.tokens}]; the paragraph cosine alone at the same precision -> {parts[1]}",
    )


def _print_held_out_scores(
    out: TextIO,
    name: str,
    scores: dict[str, np.ndarray],
    other: str,
    chosen_on_other: dict[str, float],
    th: Thresholds,
) -> None:
    """Corpus `name` scored with cuts chosen on `other` and with the defaults."""
    eff, y = effective(scores), scores["labels"]
    write_line(out, f"{name}: {len(y)} pairs, {int(y.sum())} positive")
    for label, t in (
        (
            f"semantic >= threshold chosen on {other} alone (precision>=0.90)",
            chosen_on_other["precision>=0.90"],
        ),
        (
            f"semantic >= best-accuracy threshold chosen on {other}",
            chosen_on_other["best-accuracy"],
        ),
        ("semantic >= default paraphrase threshold", th.paraphrase),
    ):
        m = binary_metrics(eff, y, t)
        write_line(
            out,
            f"  {label} {t:.3f}: precision {m['precision']:.3f} "
            f"recall {m['recall']:.3f} F1 {m['f1']:.3f} accuracy {m['accuracy']:.3f}",
        )
    _print_rule_scores(out, scores, other, chosen_on_other, th)


def _print_rule_scores(
    out: TextIO,
    scores: dict[str, np.ndarray],
    other: str,
    chosen_on_other: dict[str, float],
    th: Thresholds,
) -> None:
    """The whole own-evidence rule, with the defaults and held out, and near alone."""
    y = scores["labels"]
    m = binary_metrics(decide(scores, th).astype(float), y, 0.5)
    write_line(
        out,
        "  the detector's own-evidence rule (near | paraphrase | same facts | tokens | learned; "
        f"defaults, "
        f"chosen on both corpora): precision {m['precision']:.3f} recall {m['recall']:.3f} "
        f"F1 {m['f1']:.3f} accuracy {m['accuracy']:.3f}",
    )
    other_th = replace(
        th,
        paraphrase=chosen_on_other["precision>=0.90"],
        same_facts=chosen_on_other["same-facts precision>=0.90"],
        tokens=chosen_on_other["tokens precision>=0.90"],
    )
    m = binary_metrics(decide(scores, other_th).astype(float), y, 0.5)
    write_line(
        out,
        f"  the same rule with thresholds chosen on {other} only (held out): "
        f"precision {m['precision']:.3f} recall {m['recall']:.3f} F1 {m['f1']:.3f} "
        f"accuracy {m['accuracy']:.3f}",
    )
    m = binary_metrics(scores["lexical"], y, th.near)
    write_line(
        out,
        f"  near (lexical >= {th.near}) alone: precision {m['precision']:.3f} "
        f"recall {m['recall']:.3f}; fact veto fired on {int(scores['conflict'].sum())} pairs "
        f"({int((scores['conflict'] & (y == 1)).sum())} of them positives); equal numbers on "
        f"{int(scores['numbers_agree'].sum())} pairs",
    )
