"""Stage 4, blocks: repeats come in blocks, so an accepted pair vouches for
its neighbours on the same diagonal.

From every accepted pair, walk its diagonal ((i-1, j-1), (i+1, j+1), ...)
and accept neighbours whose semantic score is borderline and which are the
best alignment locally (shifting either side by one does not do better), so
a repeated block is found whole; then a one-pair gap between two accepted
pairs is accepted when the two are each other's best match. A borderline
pair is never accepted alone. Needs paragraph vectors (semantic backend).
"""

from __future__ import annotations

from collections.abc import Sequence

from editorial.repeats.candidates import Pair
from editorial.repeats.decisions import Scores, Verdict
from editorial.repeats.scoring import PairScore, Thresholds, borderline, classify
from editorial.repeats.units import Unit


class Layout:
    """Where units stand in their documents: the unit `step` paragraphs
    (compared ones) after another in the same document, and each document's
    units. Units are built document by document, each document's numbered
    from 0 (Unit.position), so a document's units are a contiguous range
    and the unit `step` after unit k, if in the same document, is k + step."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = units

    def step(self, k: int, step: int) -> int | None:
        other = k + step
        if 0 <= other < len(self.units) and self.units[other].doc == self.units[k].doc:
            return other
        return None

    def document_of(self, k: int) -> range:
        """The units of unit k's document."""
        first = k - self.units[k].position
        end = k + 1
        while end < len(self.units) and self.units[end].doc == self.units[k].doc:
            end += 1
        return range(first, end)


def extend_blocks(
    accepted: dict[Pair, Verdict], scores: Scores, thresholds: Thresholds, layout: Layout
) -> None:
    """Walk each accepted pair's diagonal, accepting borderline neighbours
    that are locally best (and exact copies) until the block ends."""
    units = layout.units
    frontier = list(accepted)
    while frontier:
        i, j = frontier.pop()
        for step in (-1, 1):
            ni, nj = layout.step(i, step), layout.step(j, step)
            if ni is None or nj is None or (ni, nj) in accepted:
                continue
            # A copied block does not overlap its source: within one document
            # the neighbour's earlier paragraph must come before this pair's
            # later one, and the later after the earlier.
            if units[ni].doc == units[nj].doc and not (ni < j and nj > i and ni < nj):
                continue
            if units[ni].key == units[nj].key:
                accepted[(ni, nj)] = ("exact", 1.0)
                frontier.append((ni, nj))
                continue
            score = scores((ni, nj))
            if borderline(score, thresholds) and _locally_best(ni, nj, score, scores, layout):
                accepted[(ni, nj)] = classify(score, thresholds) or ("paraphrase", score.semantic)
                frontier.append((ni, nj))


def fill_gaps(
    accepted: dict[Pair, Verdict], scores: Scores, thresholds: Thresholds, layout: Layout
) -> None:
    """A gap of one inside a block: (i, j) and (i + 2, j + 2) accepted, the
    pair between them is the only alignment the block allows. Accepted when
    the facts do not conflict and the two are each other's best match (no
    other earlier paragraph is closer to the later one, and no other later
    paragraph to the earlier one): no threshold, no pair alone."""
    units = layout.units
    for i, j in list(accepted):
        ni, nj = layout.step(i, 1), layout.step(j, 1)
        ai, aj = layout.step(i, 2), layout.step(j, 2)
        if None in (ni, nj, ai, aj) or (ai, aj) not in accepted or (ni, nj) in accepted:
            continue
        if units[ni].doc == units[nj].doc and not ni < nj:
            continue
        score = scores((ni, nj))
        if score.conflict or score.semantic is None:
            continue
        if _mutual_best(ni, nj, score.semantic, scores, layout):
            accepted[(ni, nj)] = classify(score, thresholds) or ("paraphrase", score.semantic)


def _locally_best(i: int, j: int, score: PairScore, scores: Scores, layout: Layout) -> bool:
    """The block's diagonal is the best alignment here: shifting either side by
    one paragraph does not give a more similar pair. Where two texts were
    re-paragraphed, the walk stops instead of pairing the wrong neighbours."""
    value = score.semantic
    for di, dj in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        ai, aj = layout.step(i, di), layout.step(j, dj)
        if ai is None or aj is None or ai == aj:
            continue
        rival = scores((ai, aj) if ai < aj else (aj, ai))
        # The paragraph cosine bounds the semantic score: most rivals stop there.
        if (
            rival.paragraph is not None
            and rival.paragraph > value
            and rival.semantic > value
            and not rival.conflict
        ):
            return False
    return True


def _mutual_best(i: int, j: int, value: float, scores: Scores, layout: Layout) -> bool:
    """No earlier paragraph (of i's document, before j) is closer to j than i,
    and no later paragraph (of j's document, after i) is closer to i than j.
    Paragraph cosines bound the semantic score from above, so only the few
    paragraphs whose cosine beats `value` are scored."""
    units = layout.units
    vector_i, vector_j = units[i].vector, units[j].vector
    for k in layout.document_of(i):
        if k not in (i, j) and k < j and float(units[k].vector @ vector_j) > value:
            rival = scores((k, j))
            if rival.semantic is not None and rival.semantic > value:
                return False
    for k in layout.document_of(j):
        if k not in (i, j) and k > i and float(units[k].vector @ vector_i) > value:
            rival = scores((i, k))
            if rival.semantic is not None and rival.semantic > value:
                return False
    return True
