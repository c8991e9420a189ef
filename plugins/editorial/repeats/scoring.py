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
* ``tokens``: alignment of the two paragraphs' token vectors, word piece by
  word piece (tokens.py); computed only for pairs the other rules leave open.
* ``conflict``: a reason when numbers or names were substituted (see facts.py).

The semantic score of a pair is ``min(paragraph, alignment)``: both the whole
and every part must agree. A semantic candidate that no rule on these scores
accepts is still a paraphrase when its token alignment reaches its own
threshold (rewording keeps every word's meaning; same-topic writing does
not), or when the learned rule (learned.py: a logistic regression over these
scores and the alignment of the words one side lacks) accepts it.
Thresholds live in :class:`Thresholds`; how each
was chosen is documented there and printed by `invoke bench.repeats`.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from editorial.repeats import facts as facts_mod
from editorial.repeats import learned as learned_rule
from editorial.repeats.inputs import Thresholds
from editorial.repeats.lexical import containment, word_ratio, word_ratio_bound
from editorial.repeats.tokens import token_alignment

if TYPE_CHECKING:
    from editorial.repeats.units import Unit


class PairScore:
    """The evidence about a pair of units (see units.py): the scores above,
    each computed when first asked for. Most candidate pairs are rejected on
    their cheapest evidence (the paragraph cosine, a bag-of-words bound of the
    word ratio), so the costly parts (difflib, sentence vectors, facts) are
    computed for few pairs. The values do not depend on what was asked first."""

    def __init__(self, a: Unit, b: Unit) -> None:
        self.a, self.b = a, b

    @cached_property
    def lexical(self) -> float:
        return word_ratio(self.a.tokens, self.b.tokens)

    @cached_property
    def lexical_bound(self) -> float:
        """At least `lexical`, and far cheaper."""
        return word_ratio_bound(self.a.token_counts, self.b.token_counts)

    @cached_property
    def containment(self) -> float:
        return containment(self.a.shingles, self.b.shingles)

    @cached_property
    def paragraph(self) -> float | None:
        if self.a.vector is None or self.b.vector is None:
            return None
        return float(self.a.vector @ self.b.vector)

    @cached_property
    def alignment(self) -> float | None:
        if self.paragraph is None:
            return None
        a, b = self.a, self.b
        return alignment(
            a.sentence_vectors, a.sentence_weights, b.sentence_vectors, b.sentence_weights
        )

    @cached_property
    def tokens(self) -> float | None:
        """Token alignment (tokens.py); None without token vectors."""
        a, b = self.a.token_vectors, self.b.token_vectors
        if a is None or b is None:
            return None
        return token_alignment(a, b)

    @cached_property
    def learned(self) -> bool:
        """The learned rule (learned.py) takes the pair for a paraphrase."""
        return learned_rule.accepts(self)

    @cached_property
    def conflict(self) -> str | None:
        """Why the two state different facts (numbers or names substituted), or None."""
        return facts_mod.conflict(self.a.facts, self.b.facts)

    @cached_property
    def numbers_agree(self) -> bool:
        """Both state the same numbers (and some)."""
        numbers = self.a.facts.numbers
        return bool(numbers) and numbers == self.b.facts.numbers

    @cached_property
    def length_ratio(self) -> float:
        """Shorter / longer paragraph, in words."""
        a, b = len(self.a.tokens), len(self.b.tokens)
        return min(a, b) / max(a, b, 1)

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


def score_pair(a: Unit, b: Unit) -> PairScore:
    """The evidence about units `a` and `b` (computed as it is asked for)."""
    return PairScore(a, b)


def near_score(score: PairScore) -> float:
    """Lexical evidence of a lightly edited copy: the word-sequence ratio, or the
    shingle containment when the two are of comparable length (a copy with a
    sentence added or dropped, sentences reordered), not a short paragraph
    that a long one merely quotes."""
    if score.length_ratio >= 0.5:
        return max(score.lexical, score.containment)
    return score.lexical


def _may_be_near(score: PairScore, threshold: float) -> bool:
    """False when `near_score` is surely below `threshold` (by its bound)."""
    if score.length_ratio >= 0.5 and score.containment >= threshold:
        return True
    return score.lexical_bound >= threshold


def classify(score: PairScore, thresholds: Thresholds) -> tuple[str, float] | None:
    """(kind, score) on the pair's own evidence, or None. Corroboration by a
    repeated block is applied by the caller (it needs the neighbours).

    A pair whose facts conflict is never a repeat. The evidence is read
    cheapest first: the facts only for a pair that would otherwise be
    accepted, the sentence alignment only when the paragraph cosine (its
    upper bound) reaches a threshold, the token alignment (a model call)
    only for such a pair that nothing else accepts and whose facts agree;
    such a pair below the token threshold is a paraphrase still when the
    learned rule (learned.py) accepts it, reported with its token score."""
    verdict = accepted_without_tokens(score, thresholds)
    if verdict is None and open_for_tokens(score, thresholds):
        tokens = score.tokens
        if tokens is not None and (
            tokens >= thresholds.tokens or (thresholds.learned and score.learned)
        ):
            verdict = "paraphrase", tokens
    if verdict is None or score.conflict:
        return None
    return verdict


def open_for_tokens(score: PairScore, thresholds: Thresholds) -> bool:
    """Whether classify reads the pair's token alignment: a semantic candidate
    that the other rules do not accept and whose facts do not conflict."""
    lowest = min(thresholds.paraphrase, thresholds.same_facts)
    if score.paragraph is None or score.paragraph < lowest:
        return False
    return accepted_without_tokens(score, thresholds) is None and not score.conflict


def accepted_without_tokens(score: PairScore, thresholds: Thresholds) -> tuple[str, float] | None:
    """The verdict of the near, paraphrase and same-facts rules, before the
    fact veto."""
    if _may_be_near(score, thresholds.near):
        lexical = near_score(score)
        if lexical >= thresholds.near:
            return "near", lexical
    lowest = min(thresholds.paraphrase, thresholds.same_facts)
    if score.paragraph is not None and score.paragraph >= lowest:
        semantic = score.semantic
        if semantic >= thresholds.paraphrase or (
            semantic >= thresholds.same_facts and score.numbers_agree
        ):
            return "paraphrase", semantic
    return None


def borderline(score: PairScore, thresholds: Thresholds) -> bool:
    """Similar enough to be accepted if a neighbouring pair is a repeat."""
    if score.paragraph is None or score.paragraph < thresholds.corroborated:
        return False
    return score.semantic >= thresholds.corroborated and not score.conflict
