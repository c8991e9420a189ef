"""Features of a candidate pair for the learned decision's experiments
(bench/repeats_learned.py): the scores the detector computes for a pair
anyway, a few cheap ones, and the novel-piece alignment of
repeats/learned.py (the package's model uses two of them: learned.FEATURES)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from editorial.repeats import learned
from editorial.repeats.facts import COMMON_WORDS
from editorial.repeats.scoring import PairScore

# Column order of the experiments' feature matrices (their column indexes).
NAMES = (
    "paragraph",
    "align_min",
    "align_max",
    "tokens_min",
    "tokens_max",
    "length_ratio",
    "content_jaccard",
    "content_cover_min",
    "lexical",
    "numbers_shared",
    "numbers_differ",
    "names_shared",
    "names_differ",
    "novel_tokens_min",
    "novel_share",
)


def directions(
    sims: np.ndarray, a_weights: np.ndarray | None = None, b_weights: np.ndarray | None = None
) -> tuple[float, float]:
    """(smaller, larger) of the two directions' mean best match in a
    similarity matrix, each weighted when weights are given."""
    if not sims.size:
        return 0.0, 0.0
    rows, cols = sims.max(axis=1), sims.max(axis=0)
    if a_weights is None or b_weights is None:
        first, second = float(rows.mean()), float(cols.mean())
    else:
        first = float((rows * a_weights).sum() / a_weights.sum())
        second = float((cols * b_weights).sum() / b_weights.sum())
    return min(first, second), max(first, second)


def content_overlap(a: Sequence[str], b: Sequence[str]) -> tuple[float, float]:
    """(Jaccard, the smaller side's share) of the content words shared."""
    ca = {w for w in a if w not in COMMON_WORDS and not w.isdigit()}
    cb = {w for w in b if w not in COMMON_WORDS and not w.isdigit()}
    shared = len(ca & cb)
    return shared / max(len(ca | cb), 1), min(shared / max(len(ca), 1), shared / max(len(cb), 1))


def pair_features(s: PairScore) -> np.ndarray:
    """The pair's features in NAMES order (needs token vectors and pieces)."""
    a, b = s.a, s.b
    ta, tb, pieces = a.token_vectors, b.token_vectors, a.corpus.token_pieces
    if ta is None or tb is None or pieces is None:
        raise ValueError("the pair has no token vectors: attach tokens.attach_loader first")
    align = directions(a.sentence_vectors @ b.sentence_vectors.T,
                       a.sentence_weights, b.sentence_weights)  # fmt: skip
    fa, fb = a.facts, b.facts
    values = (
        s.paragraph, *align, *directions(ta @ tb.T), s.length_ratio,
        *content_overlap(a.tokens, b.tokens), s.lexical,
        len(fa.numbers & fb.numbers), len(fa.numbers ^ fb.numbers),
        len(fa.names & fb.names), len(fa.names ^ fb.names),
        *learned.novel_alignment(ta, tb, pieces(a), pieces(b)),
    )  # fmt: skip
    return np.array(values, float)
