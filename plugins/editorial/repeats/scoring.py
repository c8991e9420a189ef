"""Scores of one pair of paragraphs, and the decision rule for a pair.

Scores (all in [0, 1], higher = more alike):

* ``lexical``: difflib ratio over word tokens (a lightly edited copy keeps
  most words in order);
* ``containment``: shared word 3-grams over the smaller paragraph's (a copy
  with a sentence added or dropped);
* ``paragraph``: cosine of the two paragraph embeddings;
* ``alignment``: bidirectional best-match alignment of sentence embeddings.
  Each sentence of A is matched to its most similar sentence of B (order is
  free) and vice versa; each direction is the word-weighted mean of those best
  matches, and the score is the *smaller* direction: a paraphrase must cover
  every sentence of the other paragraph, not just share its subject.
* ``conflict``: a reason when numbers or names were substituted (see facts.py).

The semantic score of a pair is ``min(paragraph, alignment)``: both the whole
and every part must agree. Thresholds live in :class:`Thresholds`; how each
was chosen is documented there and printed by `invoke bench-repeats`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from editorial.repeats import facts as facts_mod
from editorial.repeats.lexical import containment, word_ratio


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds. Each was chosen on data other than the seed and
    the Paine corpus, and `invoke bench-repeats` re-derives and prints them:

    * ``near`` = 0.80: by definition of a lightly edited copy (at least 80% of
      the words kept in order, or 80% of word 3-grams kept when the two have
      comparable length), checked on the project's labelled articles
      (tests/data/repeats): their near copies score 0.80-0.91, and the
      same-template paragraphs that score as high are caught by the fact veto.
    * ``paraphrase`` = 0.89: the lowest semantic score at which precision (the
      share of true pairs among those scoring at least that) reaches 0.90 on
      MRPC test + the STS-B subset pooled, fact veto applied (measured 0.890).
      Repeats are rare in real articles, so a pair judged on its own evidence
      must be a paraphrase with high precision.
    * ``same_facts`` = 0.77: the same rule among the pairs that state the same,
      non-empty set of numbers (measured 0.767): spun copy keeps the facts,
      and on MRPC equal numbers raise precision at a given score (0.82 -> 0.90
      at 0.80). Pairs without numbers get no credit, and shared names earn
      none (they do not raise precision on MRPC).
    * ``corroborated`` = 0.65: MRPC's best-accuracy threshold (measured
      0.647). MRPC pairs are two sentences of one news story, two thirds of
      them paraphrases: about the odds that a neighbour of a repeated pair in
      a repeated block is itself repeated. Used only next to an accepted pair.
    """

    near: float = 0.80
    paraphrase: float = 0.89
    same_facts: float = 0.77
    corroborated: float = 0.65


@dataclass(frozen=True)
class PairScore:
    lexical: float
    containment: float
    paragraph: float | None
    alignment: float | None
    conflict: str | None
    length_ratio: float = 1.0  # shorter / longer paragraph, in words
    numbers_agree: bool = False  # both state the same numbers (and some)

    @property
    def semantic(self) -> float | None:
        if self.paragraph is None or self.alignment is None:
            return None
        return min(self.paragraph, self.alignment)


def alignment(
    a_vectors: np.ndarray, a_weights: np.ndarray, b_vectors: np.ndarray, b_weights: np.ndarray
) -> float:
    """Bidirectional best-match sentence alignment (see module docstring)."""
    if not len(a_vectors) or not len(b_vectors):
        return 0.0
    sims = a_vectors @ b_vectors.T
    a_side = float((sims.max(axis=1) * a_weights).sum() / a_weights.sum())
    b_side = float((sims.max(axis=0) * b_weights).sum() / b_weights.sum())
    return min(a_side, b_side)


def score_pair(a, b) -> PairScore:
    """`a` and `b` are detect.Unit objects (tokens, shingles, facts, vectors)."""
    para = sent = None
    if a.vector is not None and b.vector is not None:
        para = float(a.vector @ b.vector)
        sent = alignment(
            a.sentence_vectors, a.sentence_weights, b.sentence_vectors, b.sentence_weights
        )
    return PairScore(
        lexical=word_ratio(a.tokens, b.tokens),
        containment=containment(a.shingles, b.shingles),
        paragraph=para,
        alignment=sent,
        conflict=facts_mod.conflict(a.facts, b.facts),
        numbers_agree=bool(a.facts.numbers) and a.facts.numbers == b.facts.numbers,
        length_ratio=min(len(a.tokens), len(b.tokens)) / max(len(a.tokens), len(b.tokens), 1),
    )


def near_score(score: PairScore) -> float:
    """Lexical evidence of a lightly edited copy: the word-sequence ratio, or the
    shingle containment when the two are of comparable length (a copy with a
    sentence added or dropped, sentences reordered), not a short paragraph
    that a long one merely quotes."""
    if score.length_ratio >= 0.5:
        return max(score.lexical, score.containment)
    return score.lexical


def classify(score: PairScore, thresholds: Thresholds) -> tuple[str, float] | None:
    """(kind, score) on the pair's own evidence, or None. Corroboration by a
    repeated block is applied by the caller (it needs the neighbours)."""
    if score.conflict:
        return None
    lexical = near_score(score)
    if lexical >= thresholds.near:
        return "near", lexical
    semantic = score.semantic
    if semantic is not None and semantic >= thresholds.paraphrase:
        return "paraphrase", semantic
    if semantic is not None and score.numbers_agree and semantic >= thresholds.same_facts:
        return "paraphrase", semantic
    return None


def borderline(score: PairScore, thresholds: Thresholds) -> bool:
    """Similar enough to be accepted if a neighbouring pair is a repeat."""
    if score.conflict:
        return False
    semantic = score.semantic
    return semantic is not None and semantic >= thresholds.corroborated
