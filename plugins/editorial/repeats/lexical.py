"""Lexical scores: word-sequence similarity and shingle candidates."""

from __future__ import annotations

import difflib
import zlib
from collections.abc import Sequence

import numpy as np

SHINGLE = 3  # word 3-grams: a lightly edited copy keeps most of them


def word_ratio(a: Sequence[str], b: Sequence[str]) -> float:
    """difflib's ratio over word tokens: 2 * matched words / total words."""
    if not a and not b:
        return 1.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio()


def shingles(tokens: Sequence[str], size: int = SHINGLE) -> np.ndarray:
    """Hashed word n-grams (unique, uint32)."""
    if len(tokens) < size:
        grams = [" ".join(tokens)] if tokens else []
    else:
        grams = [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
    return np.unique(np.array([zlib.crc32(g.encode()) for g in grams], dtype=np.uint32))


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Shared shingles over the smaller set: high when one copies the other, even
    with a sentence added to it."""
    if not len(a) or not len(b):
        return 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / min(len(a), len(b))


def shingle_candidates(
    sets: Sequence[np.ndarray], min_shared: int = 2, max_df: int = 50
) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, sharing at least `min_shared` shingles, from an
    inverted index (vectorised: sort by hash, pair within groups). Shingles in
    more than `max_df` paragraphs are boilerplate and carry no evidence."""
    if not sets:
        return set()
    hashes = np.concatenate([s for s in sets]) if sets else np.zeros(0, np.uint32)
    owners = np.concatenate([np.full(len(s), i, dtype=np.int64) for i, s in enumerate(sets)])
    if not len(hashes):
        return set()
    order = np.argsort(hashes, kind="stable")
    hashes, owners = hashes[order], owners[order]
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    sizes = np.diff(np.r_[starts, len(hashes)])
    counts: dict[tuple[int, int], int] = {}
    for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
        if size > max_df:
            continue
        group = owners[start : start + size]
        for x in range(size):
            for y in range(x + 1, size):
                i, j = int(group[x]), int(group[y])
                if i != j:
                    key = (i, j) if i < j else (j, i)
                    counts[key] = counts.get(key, 0) + 1
    return {pair for pair, n in counts.items() if n >= min_shared}
