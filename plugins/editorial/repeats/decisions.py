"""Stage 3, pair decisions: each candidate pair scored and classified on its
own evidence (scoring.classify): ``near`` (lexical), ``paraphrase`` (semantic
score >= the paraphrase threshold, or >= the lower same-facts threshold when
both state the same non-empty numbers); a pair whose numbers or names
conflict is vetoed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from editorial.repeats import tokens
from editorial.repeats.candidates import Pair
from editorial.repeats.scoring import PairScore, Thresholds, classify, score_pair
from editorial.repeats.units import Unit

Verdict = tuple[str, float]  # (kind, score)


class Scores:
    """Each pair's evidence, made once per build and shared by the stages
    (the blocks stage asks again about pairs decided here)."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = units
        self._scores: dict[Pair, PairScore] = {}

    def __call__(self, pair: Pair) -> PairScore:
        score = self._scores.get(pair)
        if score is None:
            score = self._scores[pair] = score_pair(self.units[pair[0]], self.units[pair[1]])
        return score


def decide(
    candidates: Iterable[Pair],
    scores: Scores,
    thresholds: Thresholds,
    accepted: dict[Pair, Verdict],
    known: Mapping[Pair, Verdict | None] | None = None,
) -> dict[Pair, Verdict | None]:
    """Add to `accepted` each candidate (in sorted order) that classify
    accepts; pairs already accepted and exact copies are left as they are.
    `known`: verdicts decided before (incremental.py), not decided again.
    Returns the verdict of every pair decided (None: not a repeat)."""
    units = scores.units
    known = known or {}
    pairs = [
        p for p in sorted(candidates) if p not in accepted and units[p[0]].key != units[p[1]].key
    ]
    open_pairs = [p for p in pairs if p not in known]
    _prefetch_sentence_vectors(open_pairs, scores, thresholds)
    tokens.prefetch(open_pairs, scores, thresholds)
    verdicts: dict[Pair, Verdict | None] = {}
    for pair in pairs:
        verdict = known[pair] if pair in known else classify(scores(pair), thresholds)
        verdicts[pair] = verdict
        if verdict:
            accepted[pair] = verdict
    return verdicts


def _prefetch_sentence_vectors(pairs: list[Pair], scores: Scores, thresholds: Thresholds) -> None:
    """Load, in one batch, the sentence vectors of the units whose pairs
    classify will align (paragraph cosine at least the lowest paraphrase
    threshold): a few cache queries, and one model call for any missing,
    instead of one each per unit. Others load when first needed."""
    lowest = min(thresholds.paraphrase, thresholds.same_facts)
    wanted: dict[int, Unit] = {}
    for pair in pairs:
        paragraph = scores(pair).paragraph
        if paragraph is not None and paragraph >= lowest:
            wanted.update((k, scores.units[k]) for k in pair)
    units = list(wanted.values())
    if units and units[0].corpus.load_sentence_vectors is not None:
        units[0].corpus.load_sentence_vectors(units)
