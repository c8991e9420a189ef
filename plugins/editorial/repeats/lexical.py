"""Lexical scores: word-sequence similarity, and shingles shared between paragraphs."""

from __future__ import annotations

import difflib
import zlib
from collections import Counter
from collections.abc import Sequence

import numpy as np

SHINGLE = 3  # word 3-grams: a lightly edited copy keeps most of them


def word_ratio(a: Sequence[str], b: Sequence[str]) -> float:
    """difflib's ratio over word tokens: 2 * matched words / total words.

    difflib's matching blocks depend on which sequence comes first, so the
    two are put in a fixed order: the score of a pair does not depend on
    which paragraph is asked about first."""
    if not a and not b:
        return 1.0
    if list(b) < list(a):
        a, b = b, a
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio()


def word_ratio_bound(a: Counter[str], b: Counter[str]) -> float:
    """An upper bound of `word_ratio` from the two bags of words (difflib's
    quick_ratio): words matched in order are a subset of the words shared.
    Costs a fraction of the ratio itself, so pairs that cannot be near copies
    skip it."""
    total = a.total() + b.total()
    if not total:
        return 1.0
    return 2.0 * (a & b).total() / total


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


class ShingleIndex:
    """An inverted index of the units' shingles, built without a Python loop:
    all shingles sorted by hash, so that each run of equal hashes lists the
    units sharing that shingle (in unit order). `sets` must be unique arrays
    (as `shingles` returns)."""

    def __init__(self, sets: Sequence[np.ndarray]) -> None:
        self.sizes = np.array([len(s) for s in sets], dtype=np.int64)
        hashes = np.concatenate(sets) if len(sets) else np.zeros(0, np.uint32)
        owners = np.repeat(np.arange(len(sets), dtype=np.uint64), self.sizes)
        # One sort of (hash, owner) packed in 64 bits: owners ascend within a run.
        packed = np.sort((hashes.astype(np.uint64) << np.uint64(32)) | owners)
        self.hashes = (packed >> np.uint64(32)).astype(np.uint32)
        self.owners = (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)
        starts = np.flatnonzero(np.r_[True, self.hashes[1:] != self.hashes[:-1]])
        self.starts = starts if len(self.hashes) else starts[:0]
        self.runs = np.diff(np.r_[self.starts, len(self.hashes)])  # units per shingle

    def shared(self, max_df: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every pair (i, j), i < j, sharing a shingle in at most `max_df`
        units, with how many such shingles they share: (i, j, shared), three
        aligned arrays sorted by (i, j). Shingles in more units are
        boilerplate: they pair no one, so the work stays near-linear."""
        runs, n = self.runs, len(self.hashes)
        pairing = (runs > 1) & (runs <= max_df)
        # Element p of a pairing run ending at `end` pairs with p + 1 ... end - 1.
        ends = np.repeat(self.starts + runs, runs)
        partners = np.where(np.repeat(pairing, runs), ends - np.arange(n) - 1, 0)
        left = np.repeat(np.arange(n), partners)
        run_start = np.repeat(np.cumsum(partners) - partners, partners)
        right = left + 1 + (np.arange(len(left)) - run_start)
        units = len(self.sizes)
        keys, counts = np.unique(self.owners[left] * units + self.owners[right], return_counts=True)
        return keys // units, keys % units, counts.astype(np.int64)

    def common(self, max_df: int) -> dict[int, frozenset[int]]:
        """Each unit's shingles that more than `max_df` units have: common
        3-grams ("one of the") and boilerplate. Units without any are left out."""
        mask = np.repeat(self.runs > max_df, self.runs)
        owners, hashes = self.owners[mask].tolist(), self.hashes[mask].tolist()
        found: dict[int, set[int]] = {}
        for owner, value in zip(owners, hashes, strict=True):
            found.setdefault(owner, set()).add(value)
        return {owner: frozenset(values) for owner, values in found.items()}
