"""Stage 2, candidates: which pairs of units are worth a decision.

No loop over all pairs: exact repeats by grouping equal keys, lexical
candidates from an inverted index of word 3-grams, semantic candidates from
blockwise products of the paragraph-vector matrix. Pairs are (i, j) unit
indices with i < j: i the earlier paragraph, j the one that may repeat it.

Paragraphs that differ only in their numbers ("This note is item 17 of the
series." in every article) are never candidates of each other: they state
different facts by construction (the fact veto would reject each pair), and
a template line in every article of a 1,000-article site would otherwise make
half a million pairs to decide. They stay candidates of everything else.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from editorial.repeats.lexical import ShingleIndex

Pair = tuple[int, int]

MIN_SHARED_SHINGLES = 2
# Below this share of the smaller paragraph's shingles a near repeat is
# impossible (near needs 80% of words in order, or 80% of the 3-grams).
MIN_SHINGLE_CONTAINMENT = 0.25
MAX_DF = 50  # a 3-gram in more paragraphs than this is boilerplate
BLOCK_ROWS = 512  # rows of the similarity matrix computed at once
_DIGITS = re.compile(r"\d+")


def number_mask(words: str) -> str | None:
    """The words with every digit run masked; None for words without a number
    (only a text with a number has variants)."""
    masked = _DIGITS.sub("#", words)
    return masked if masked != words else None


def number_variants(tokens: Sequence[str], masks: Sequence[str | None] | None = None) -> np.ndarray:
    """Per unit (its normalised words, space-separated), the id of its group
    of number variants: the units whose words are the same once every digit
    run is masked, but which are not all the same text; -1 for units in no
    such group. Two units with one id differ only in their numbers. `masks`:
    the tokens' number_mask, when already known."""
    groups: dict[str, int] = {}
    texts: dict[str, set[str]] = {}
    ids = np.full(len(tokens), -1, dtype=np.int64)
    if masks is None:
        masks = [number_mask(words) for words in tokens]
    for index, (words, masked) in enumerate(zip(tokens, masks, strict=True)):
        if masked is not None:
            ids[index] = groups.setdefault(masked, len(groups))
            texts.setdefault(masked, set()).add(words)
    alone = np.array([len(texts[m]) < 2 for m in groups], dtype=bool)
    if len(alone):
        ids[(ids >= 0) & alone[np.maximum(ids, 0)]] = -1
    return ids


def _not_variants(left: np.ndarray, right: np.ndarray, variants: np.ndarray | None) -> np.ndarray:
    """Mask of the pairs (left[k], right[k]) that are not number variants."""
    if variants is None:
        return np.ones(len(left), dtype=bool)
    return (variants[left] < 0) | (variants[left] != variants[right])


def exact_pairs(keys: Sequence[str]) -> list[Pair]:
    """(first, later) for every unit whose key (normalised text) an earlier
    unit has: each copy is paired with the first occurrence."""
    first_seen: dict[str, int] = {}
    pairs = []
    for index, key in enumerate(keys):
        earlier = first_seen.setdefault(key, index)
        if earlier != index:
            pairs.append((earlier, index))
    return pairs


def lexical_candidates(
    sets: Sequence[np.ndarray],
    min_shared: int = MIN_SHARED_SHINGLES,
    min_containment: float = MIN_SHINGLE_CONTAINMENT,
    max_df: int = MAX_DF,
    variants: np.ndarray | None = None,
) -> set[Pair]:
    """Pairs sharing at least `min_shared` informative shingles (those in at
    most `max_df` paragraphs) and, counting every shared shingle, at least
    `min_containment` of the smaller paragraph's; none of two `variants`
    (number_variants) of one group."""
    index = ShingleIndex(sets)
    left, right, shared = index.shared(max_df)
    keep = (shared >= min_shared) & _not_variants(left, right, variants)
    left, right, shared = left[keep], right[keep], shared[keep]
    # Containment counts boilerplate shingles too. Common 3-grams ("one of
    # the") make most paragraphs hold some, so the pairs are sorted by bounds
    # first: sure without them, or out of reach even if they shared all of
    # the smaller count; only the few in between are intersected.
    smaller = np.maximum(np.minimum(index.sizes[left], index.sizes[right]), 1)
    sure = shared / smaller >= min_containment
    common = index.common(max_df)
    if common:
        counts = np.zeros(len(sets), dtype=np.int64)
        counts[list(common)] = [len(c) for c in common.values()]
        reach = shared + np.minimum(counts[left], counts[right])
        for k in np.flatnonzero(~sure & (reach / smaller >= min_containment)).tolist():
            extra = len(common[int(left[k])] & common[int(right[k])])
            sure[k] = (shared[k] + extra) / smaller[k] >= min_containment
    return set(zip(left[sure].tolist(), right[sure].tolist(), strict=True))


def semantic_candidates(
    matrix: np.ndarray,
    threshold: float,
    fresh: Sequence[int] | None = None,
    block_rows: int = BLOCK_ROWS,
    variants: np.ndarray | None = None,
) -> set[Pair]:
    """Pairs (i, j), i < j, of rows whose dot product (cosine: rows are unit
    vectors) reaches `threshold`, but none of two `variants` of one group;
    with `fresh`, only the pairs with at least one of those rows. Without,
    only the upper triangle is computed: a block of rows against the columns
    from the block's first row on. Only rows whose maximum reaches the
    threshold are searched for their columns."""
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    pairs: set[Pair] = set()
    rows = np.arange(len(matrix)) if fresh is None else np.asarray(fresh, dtype=np.int64)
    for start in range(0, len(rows), block_rows):
        chunk = rows[start : start + block_rows]
        if fresh is None:  # the chunk is start ... start + len(chunk) - 1
            block = matrix[start : start + len(chunk)] @ matrix[start:].T
            offset = start
            # Blank the diagonal and below (self-pairs, and pairs the
            # triangle repeats) in the block's leading square.
            block[:, : len(chunk)][np.tril_indices(len(chunk))] = -np.inf
        else:
            block = matrix[chunk] @ matrix.T
            offset = 0
            block[np.arange(len(chunk)), chunk] = -np.inf  # self-pairs
        hot = np.flatnonzero(block.max(axis=1, initial=-np.inf) >= threshold)
        if not len(hot):
            continue
        hit_rows, cols = np.nonzero(block[hot] >= threshold)
        first, second = chunk[hot[hit_rows]], cols + offset
        keep = _not_variants(first, second, variants)
        first, second = first[keep], second[keep]
        pairs.update(
            zip(
                np.minimum(first, second).tolist(),
                np.maximum(first, second).tolist(),
                strict=True,
            )
        )
    return pairs


class PairStore(Protocol):
    """Where the last build's semantic pairs are kept (cache.EmbeddingCache)."""

    def load_pairs(self, threshold: float) -> tuple[list[str], np.ndarray] | None: ...

    def save_pairs(self, threshold: float, keys: list[str], pairs: np.ndarray) -> None: ...


def semantic_pairs(
    keys: Sequence[str],
    matrix: np.ndarray,
    threshold: float,
    store: PairStore | None = None,
    variants: np.ndarray | None = None,
) -> set[Pair]:
    """`semantic_candidates` of the units (`keys` their text keys, `matrix`
    their paragraph vectors) but copies of one text, computed once per
    distinct text and incrementally across builds: `store`
    keeps the pairs among the last build's distinct texts; of those, the pairs
    of texts still here are kept, and only the texts new in this build are
    multiplied against all. A warm build whose paragraphs did not change
    multiplies nothing; one edited article, its own rows. Number `variants`
    (per unit) are not paired with each other."""
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        groups.setdefault(key, []).append(index)
    distinct = list(groups)
    firsts = [members[0] for members in groups.values()]
    vectors = matrix[firsts]
    variants = variants[firsts] if variants is not None else None
    known = store.load_pairs(threshold) if store is not None else None
    if known is None:
        found = semantic_candidates(vectors, threshold, variants=variants)
    else:
        found = _update(distinct, vectors, threshold, *known, variants=variants)
    if store is not None and (known is None or known[0] != distinct):
        store.save_pairs(threshold, distinct, np.array(sorted(found), dtype=np.int32))
    return _units_of(found, list(groups.values()))


def _update(
    distinct: list[str],
    vectors: np.ndarray,
    threshold: float,
    old: list[str],
    pairs: np.ndarray,
    variants: np.ndarray | None,
) -> set[Pair]:
    where = {key: index for index, key in enumerate(distinct)}
    now = np.array([where.get(key, -1) for key in old], dtype=np.int64)
    kept: set[Pair] = set()
    if len(pairs):
        a, b = now[pairs[:, 0]], now[pairs[:, 1]]
        both = (a >= 0) & (b >= 0)
        a, b = a[both], b[both]
        # A cache written before number variants were excluded may pair them.
        keep = _not_variants(a, b, variants)
        a, b = a[keep], b[keep]
        kept = set(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True))
    seen = set(old)
    fresh = [index for index, key in enumerate(distinct) if key not in seen]
    if not fresh:
        return kept
    return kept | semantic_candidates(vectors, threshold, fresh, variants=variants)


def _units_of(found: set[Pair], groups: list[list[int]]) -> set[Pair]:
    """Pairs of distinct texts -> pairs of units: copies share a text and its
    vector, so each copy pairs like the first. Copies are not paired with
    each other here (exact_pairs finds them; a boilerplate paragraph in 1,000
    articles would add half a million pairs)."""
    pairs: set[Pair] = set()
    for p, q in found:
        pairs.update((min(i, j), max(i, j)) for i in groups[p] for j in groups[q])
    return pairs
