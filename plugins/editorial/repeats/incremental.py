"""Stages 2 and 3 for a rebuild: the last build's candidate pairs and pair
decisions, updated for the documents that changed.

A pair's decision depends only on its two paragraphs: their texts, their
documents' names (facts), their vectors, the thresholds and the code. A
document whose compared paragraphs are the same texts in the same order is
unchanged, and so is every decision between two units of unchanged
documents. Whether such a pair is a candidate depends on the rest of the
corpus in two ways only, and those pairs are decided afresh:

* a shared word 3-gram counts only while at most ``MAX_DF`` paragraphs hold
  it; the counts change only for the 3-grams of changed units (of changed,
  new or deleted documents): pairs sharing one whose side of ``MAX_DF``
  changed;
* a pair of number variants is excluded while its group holds two different
  texts (candidates.number_variants): pairs of the same words in a group that
  a changed unit joins or leaves.

Containment and the cosine of the vectors are the pair's own. The changed
units are paired with all by the rules of candidates.py, without its passes
over all pairs. Blocks and one finding per paragraph then run over all
accepted pairs, as in a full detection. Used only when few units changed
(MAX_CHANGED) and the unchanged documents keep their order (the earlier
paragraph of a pair stays the earlier one); otherwise, or without a last
build, detect.py runs the full stages.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from editorial.repeats.candidates import (
    MAX_DF,
    MIN_SHARED_SHINGLES,
    MIN_SHINGLE_CONTAINMENT,
    Pair,
    number_mask,
    semantic_candidates,
)
from editorial.repeats.decisions import Verdict
from editorial.repeats.features import TextFeatures
from editorial.repeats.units import Unit

# When more units changed (fresh or gone) than this share of them, and more
# than MIN_CHANGED, the full stages run instead: these cost per changed unit,
# the full ones per unit. Measured (CPU, detection of the bench's sites):
# from 5,000 articles' snapshot to 1,000 of them (40,000 units gone), 7.0 s
# here against 0.25 s for the full stages; from 1,000 to 5,000 (40,000
# fresh), 25.6 s against 15.6 s; one edited article of 5,000, 0.17 s.
MAX_CHANGED = 0.1
MIN_CHANGED = 1000  # below, both are quick


@dataclass
class LastPairs:
    """What the last detection decided, by its own unit indices."""

    paths: list[str]  # per document with units
    digests: list[str]  # per document: its units' texts (document_digests)
    unit_docs: np.ndarray  # per unit, its document (an index into paths)
    unit_features: Callable[[int], TextFeatures]  # of a unit, by its index
    decided: dict[Pair, Verdict | None]  # every candidate pair; None = not a repeat


@dataclass
class Update:
    """The units of changed or new documents (`fresh`, new indices), the units
    of the last build's changed or deleted ones (`gone`, old indices), and each
    unchanged unit's old index."""

    fresh: list[int]
    gone: list[int]
    old_of: dict[int, int]


class Corpus3grams:
    """Every unit's 3-grams in one array, with their owners: who holds a
    given few 3-grams, without an index of all of them."""

    def __init__(self, units: Sequence[Unit]) -> None:
        sets = [u.shingles for u in units]
        self.flat = np.concatenate(sets) if sets else np.zeros(0, np.uint32)
        # Where each unit's 3-grams end in `flat`: the owner of a hit is
        # searched here, rather than kept for every 3-gram of the corpus
        # (that array took 0.36 s of a rebuild's 1.1 s here at 5,000 articles).
        self.ends = np.cumsum([len(s) for s in sets], dtype=np.int64)

    def holders(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(unit, index into the sorted `hashes`) for every 3-gram in `hashes`."""
        if not len(hashes) or not len(self.flat):
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        where = np.minimum(np.searchsorted(hashes, self.flat), len(hashes) - 1)
        hit = np.flatnonzero(hashes[where] == self.flat)
        return np.searchsorted(self.ends, hit, side="right"), where[hit]


def document_digests(units: Sequence[Unit]) -> dict[int, str]:
    """Per document with units, a digest of its units' texts in order."""
    keys: dict[int, list[str]] = {}
    for unit in units:
        keys.setdefault(unit.doc, []).append(unit.raw_key)
    return {doc: hashlib.sha256("".join(k).encode()).hexdigest() for doc, k in keys.items()}


def match(
    units: Sequence[Unit], paths: Sequence[str], digests: dict[int, str], last: LastPairs
) -> Update | None:
    """Which units are unchanged since `last` (`paths`: by document index;
    `digests`: document_digests); None when unchanged documents changed
    order (or paths repeat), or when so many units changed that the full
    stages cost less (MAX_CHANGED, MIN_CHANGED)."""
    if len(set(last.paths)) != len(last.paths) or len(set(paths)) != len(paths):
        return None
    old_doc = {pd: k for k, pd in enumerate(zip(last.paths, last.digests, strict=True))}
    old_first: dict[int, int] = {}
    for k, doc in enumerate(last.unit_docs.tolist()):
        old_first.setdefault(doc, k)
    first: dict[int, int] = {}
    for k, unit in enumerate(units):
        first.setdefault(unit.doc, k)
    old_of: dict[int, int] = {}
    kept_docs: set[int] = set()
    for doc, digest in digests.items():
        old = old_doc.get((paths[doc], digest))
        if old is not None:
            kept_docs.add(old)
            k = first[doc]
            while k < len(units) and units[k].doc == doc:
                old_of[k] = old_first[old] + k - first[doc]
                k += 1
    olds = [old_of[k] for k in sorted(old_of)]
    if any(b <= a for a, b in itertools.pairwise(olds)):
        return None
    fresh = [k for k in range(len(units)) if k not in old_of]
    gone = [k for k, doc in enumerate(last.unit_docs.tolist()) if doc not in kept_docs]
    if len(fresh) + len(gone) > max(MAX_CHANGED * len(units), MIN_CHANGED):
        return None
    return Update(fresh, gone, old_of)


def candidates(
    units: Sequence[Unit],
    last: LastPairs,
    update: Update,
    variants: np.ndarray,
    masks: Sequence[str | None],
    matrix: np.ndarray | None,
    threshold: float,
) -> tuple[set[Pair], dict[Pair, Verdict | None]]:
    """All candidate pairs now, and the last build's decisions that still hold
    (pairs of unchanged units whose candidacy cannot have changed). `masks`:
    each unit's candidates.number_mask; `variants`: number_variants."""
    grams = Corpus3grams(units)
    new_of = {old: new for new, old in update.old_of.items()}
    known: dict[Pair, Verdict | None] = {}
    for (a, b), verdict in last.decided.items():
        if a in new_of and b in new_of:
            known[(new_of[a], new_of[b])] = verdict
    fresh_sets = [units[k].shingles for k in update.fresh]
    gone_sets = [last.unit_features(k).shingles for k in update.gone]
    hashes = np.unique(np.concatenate([np.zeros(0, np.uint32), *fresh_sets, *gone_sets]))
    holders = (hashes, *grams.holders(hashes))
    pairs = _fresh_lexical(units, holders, update.fresh, variants)
    if matrix is not None:
        pairs |= _fresh_semantic(units, update.fresh, variants, matrix, threshold)
    dirty = _crossed_pairs(holders, fresh_sets, gone_sets, update)
    dirty |= _variant_pairs(units, masks, last, update)
    for pair in dirty:
        known.pop(pair, None)
    pairs |= _candidates_among(units, grams, dirty, variants, matrix, threshold)
    return pairs | set(known), known


def _not_variants(i: int, j: int, variants: np.ndarray) -> bool:
    return bool(variants[i] < 0 or variants[i] != variants[j])


def _contained(a: np.ndarray, b: np.ndarray) -> bool:
    """candidates.lexical_candidates' containment rule for one pair."""
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / max(min(len(a), len(b)), 1) >= MIN_SHINGLE_CONTAINMENT


def _groups(owners: np.ndarray, which: np.ndarray, count: int) -> list[list[int]]:
    """Per hash index, the units holding it (ascending)."""
    order = np.lexsort((owners, which))
    bounds = np.searchsorted(which[order], np.arange(count + 1))
    ordered = owners[order].tolist()
    return [ordered[bounds[h] : bounds[h + 1]] for h in range(count)]


def _fresh_lexical(
    units: Sequence[Unit], holders: tuple, fresh: list[int], variants: np.ndarray
) -> set[Pair]:
    """Lexical candidates with a fresh unit (candidates.lexical_candidates);
    `holders`: (the changed units' 3-grams, Corpus3grams.holders of them)."""
    hashes, owners, which = holders
    shared: dict[Pair, int] = {}
    is_fresh = set(fresh)
    for group in _groups(owners, which, len(hashes)):
        members = [k for k in group if k in is_fresh] if len(group) <= MAX_DF else ()
        for f in members:  # each pair once: a fresh pair from its lower member
            for k in group:
                if k != f and (k not in is_fresh or k > f):
                    pair = (f, k) if f < k else (k, f)
                    shared[pair] = shared.get(pair, 0) + 1
    return {
        (i, j)
        for (i, j), count in shared.items()
        if count >= MIN_SHARED_SHINGLES
        and _not_variants(i, j, variants)
        and _contained(units[i].shingles, units[j].shingles)
    }


def _fresh_semantic(
    units: Sequence[Unit],
    fresh: list[int],
    variants: np.ndarray,
    matrix: np.ndarray,
    threshold: float,
) -> set[Pair]:
    """Semantic candidates with a fresh unit (candidates.semantic_pairs):
    cosine at least `threshold`, not copies of one text, not number variants."""
    if not fresh:
        return set()
    pairs = semantic_candidates(matrix, threshold, fresh, variants=variants)
    return {(i, j) for i, j in pairs if units[i].key != units[j].key}


def _crossed_pairs(
    holders: tuple, sets: list[np.ndarray], gone: list[np.ndarray], update: Update
) -> set[Pair]:
    """Pairs of unchanged units sharing a 3-gram of a changed unit (`sets`
    now, `gone` before) whose count crossed MAX_DF."""
    hashes, owners, which = holders
    now = np.bincount(which, minlength=len(hashes))
    before = now - _count(sets, hashes) + _count(gone, hashes)
    crossed = np.flatnonzero((now <= MAX_DF) != (before <= MAX_DF))
    pairs: set[Pair] = set()
    kept = update.old_of
    for index in crossed.tolist():
        group = [k for k in sorted(owners[which == index].tolist()) if k in kept]
        pairs.update((i, j) for n, i in enumerate(group) for j in group[n + 1 :])
    return pairs


def _count(sets: list[np.ndarray], hashes: np.ndarray) -> np.ndarray:
    if not sets or not len(hashes):
        return np.zeros(len(hashes), np.int64)
    return np.bincount(np.searchsorted(hashes, np.concatenate(sets)), minlength=len(hashes))


def _variant_pairs(
    units: Sequence[Unit], masks: Sequence[str | None], last: LastPairs, update: Update
) -> set[Pair]:
    """Pairs of unchanged units with the same words, in a group of number
    variants that a changed unit joins or leaves: whether the group holds two
    different texts may have changed. (Pairs of different words in a group are
    excluded before and after.)"""
    changed = {masks[k] for k in update.fresh}
    changed |= {number_mask(last.unit_features(k).tokens) for k in update.gone}
    changed.discard(None)
    if not changed:
        return set()
    same: dict[tuple[str, str], list[int]] = {}
    for k in sorted(update.old_of):
        if masks[k] in changed:
            same.setdefault((masks[k], units[k].features.tokens), []).append(k)
    return {(i, j) for group in same.values() for n, i in enumerate(group) for j in group[n + 1 :]}


def _candidates_among(
    units: Sequence[Unit],
    grams: Corpus3grams,
    pairs: set[Pair],
    variants: np.ndarray,
    matrix: np.ndarray | None,
    threshold: float,
) -> set[Pair]:
    """Which of `pairs` are candidates now, lexical or semantic (each pair by
    the rules of candidates.py)."""
    pairs = {p for p in pairs if _not_variants(*p, variants)}
    if not pairs:
        return set()
    shared = {p: np.intersect1d(units[p[0]].shingles, units[p[1]].shingles, True) for p in pairs}
    hashes = np.unique(np.concatenate([np.zeros(0, np.uint32), *shared.values()]))
    _, which = grams.holders(hashes)
    informative = hashes[np.bincount(which, minlength=len(hashes)) <= MAX_DF]
    found = set()
    for (i, j), common in shared.items():
        if (
            len(np.intersect1d(common, informative, True)) >= MIN_SHARED_SHINGLES
            and _contained(units[i].shingles, units[j].shingles)
        ) or (
            matrix is not None
            and units[i].key != units[j].key
            and np.float32(matrix[i] @ matrix[j]) >= threshold
        ):
            found.add((i, j))
    return found
