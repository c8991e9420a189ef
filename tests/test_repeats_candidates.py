"""Stage 2, candidates: exact groups, the shingle index, the blockwise cosine
search and its incremental form across builds, each against a brute force
on small hand-made or seeded random inputs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from editorial.repeats.candidates import (
    exact_pairs,
    lexical_candidates,
    number_variants,
    semantic_candidates,
    semantic_pairs,
)
from editorial.repeats.lexical import ShingleIndex, shingles


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["a", "b", "c"], []),
        (["a", "b", "a"], [(0, 2)]),
        (["a", "a", "a"], [(0, 1), (0, 2)]),  # each copy pairs with the first
        (["a", "b", "b", "a"], [(1, 2), (0, 3)]),
        ([], []),
    ],
)
def test_exact_pairs(keys, expected):
    assert exact_pairs(keys) == expected


def sets(*members: list[int]) -> list[np.ndarray]:
    return [np.unique(np.array(m, dtype=np.uint32)) for m in members]


def brute_shared(shingle_sets, max_df):
    df = {}
    for s in shingle_sets:
        for h in s.tolist():
            df[h] = df.get(h, 0) + 1
    out = {}
    for i, j in itertools.combinations(range(len(shingle_sets)), 2):
        shared = set(shingle_sets[i].tolist()) & set(shingle_sets[j].tolist())
        n = sum(1 for h in shared if df[h] <= max_df)
        if n:
            out[(i, j)] = n
    return out


@pytest.mark.parametrize("seed", range(5))
def test_shingle_index_counts_shared_informative_shingles(seed):
    rng = np.random.default_rng(seed)
    shingle_sets = sets(*(rng.integers(0, 40, rng.integers(0, 12)).tolist() for _ in range(30)))
    for max_df in (2, 4, 50):
        left, right, shared = ShingleIndex(shingle_sets).shared(max_df)
        got = dict(
            zip(zip(left.tolist(), right.tolist(), strict=True), shared.tolist(), strict=True)
        )
        assert got == brute_shared(shingle_sets, max_df)
        assert list(zip(left.tolist(), right.tolist(), strict=True)) == sorted(got)


def test_shingle_index_common_shingles():
    index = ShingleIndex(sets([1, 2, 3], [1, 2], [1, 4], [5]))
    assert index.common(2) == {0: frozenset({1}), 1: frozenset({1}), 2: frozenset({1})}
    assert index.common(3) == {}
    assert ShingleIndex([]).common(1) == {}


def reference_lexical(shingle_sets, min_shared=2, min_containment=0.25, max_df=50):
    """The rule as first written: informative shared >= min_shared, then the
    containment of all shared shingles over the smaller set."""
    keep = set()
    for (i, j), n in brute_shared(shingle_sets, max_df).items():
        if n < min_shared:
            continue
        a, b = set(shingle_sets[i].tolist()), set(shingle_sets[j].tolist())
        if len(a & b) / min(max(len(a), 1), max(len(b), 1)) >= min_containment:
            keep.add((i, j))
    return keep


@pytest.mark.parametrize(
    ("shingle_sets", "expected"),
    [
        pytest.param(sets([1, 2, 3, 4], [1, 2, 3, 4]), {(0, 1)}, id="copies"),
        pytest.param(sets([1, 2, 3, 4], [1, 9, 8, 7]), set(), id="one shared shingle"),
        pytest.param(
            sets(list(range(1, 11)), [1, 2, *range(20, 28)]), set(), id="2 of 10: below 25%"
        ),
        pytest.param(sets(list(range(1, 9)), [1, 2, *range(20, 26)]), {(0, 1)}, id="2 of 8: 25%"),
        pytest.param(
            # 100 is in every set (boilerplate, max_df=3): it pairs no one,
            # but counts towards containment: (1, 2) + 100 = 3 of 8.
            sets([1, 2, 100, *range(10, 15)], [1, 2, 100, *range(20, 25)], [100, 7], [100, 8]),
            {(0, 1)},
            id="boilerplate counts towards containment only",
        ),
    ],
)
def test_lexical_candidates(shingle_sets, expected):
    assert lexical_candidates(shingle_sets, max_df=3) == expected
    assert reference_lexical(shingle_sets, max_df=3) == expected


@pytest.mark.parametrize("seed", range(5))
def test_lexical_candidates_match_the_reference_rule(seed):
    rng = np.random.default_rng(seed)
    common = list(range(1000, 1004))  # in nearly every set: boilerplate at max_df=10
    shingle_sets = sets(
        *(
            rng.integers(0, 30, rng.integers(1, 10)).tolist() + common[: rng.integers(0, 5)]
            for _ in range(40)
        )
    )
    for min_containment in (0.1, 0.25, 0.5):
        got = lexical_candidates(shingle_sets, min_containment=min_containment, max_df=10)
        want = reference_lexical(shingle_sets, min_containment=min_containment, max_df=10)
        assert got == want


def unit_rows(seed: int, n: int, dim: int = 8) -> np.ndarray:
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((n, dim)).astype(np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def brute_cosine(matrix, threshold, rows=None):
    pairs = set()
    for i, j in itertools.combinations(range(len(matrix)), 2):
        if rows is not None and i not in rows and j not in rows:
            continue
        if float(matrix[i] @ matrix[j]) >= threshold:
            pairs.add((i, j))
    return pairs


@pytest.mark.parametrize("block_rows", [1, 3, 7, 512])
@pytest.mark.parametrize("threshold", [0.3, 0.6])
def test_semantic_candidates_upper_triangle_in_blocks(block_rows, threshold):
    matrix = unit_rows(1, 20)
    got = semantic_candidates(matrix, threshold, block_rows=block_rows)
    assert got == brute_cosine(matrix, threshold)
    assert all(i < j for i, j in got)
    fresh = [3, 4, 17]
    got = semantic_candidates(matrix, threshold, fresh, block_rows=block_rows)
    assert got == brute_cosine(matrix, threshold, set(fresh))


def test_semantic_candidates_of_nothing():
    assert semantic_candidates(np.zeros((0, 4), np.float32), 0.5) == set()
    assert semantic_candidates(unit_rows(0, 1), 0.5) == set()


class MemoryStore:
    def __init__(self):
        self.saved = {}
        self.saves = 0

    def load_pairs(self, threshold):
        return self.saved.get(threshold)

    def save_pairs(self, threshold, keys, pairs):
        self.saves += 1
        self.saved[threshold] = (list(keys), pairs.copy())


def test_semantic_pairs_copies_pair_like_their_text_but_not_each_other():
    rows = unit_rows(2, 3)
    keys = ["a", "b", "a", "c", "a"]
    matrix = rows[[0, 1, 0, 2, 0]]
    copies = {(0, 2), (0, 4), (2, 4)}  # exact_pairs' business
    for threshold in (-1.0, 0.2, 0.99):
        got = semantic_pairs(keys, matrix, threshold)
        assert got == brute_cosine(matrix, threshold) - copies


def test_semantic_pairs_across_builds_equal_a_full_computation():
    vectors = unit_rows(3, 30)
    store = MemoryStore()
    build = [f"k{i}" for i in range(20)]

    def run(keys):
        matrix = vectors[[int(k[1:]) for k in keys]]
        return semantic_pairs(keys, matrix, 0.4, store), brute_cosine(matrix, 0.4)

    got, want = run(build)
    assert got == want and store.saves == 1
    got, want = run(build)  # unchanged: nothing multiplied, nothing written
    assert got == want and store.saves == 1
    # One article edited (two texts replaced), one removed, one added, reordered.
    edited = [k for k in build if k not in ("k3", "k4", "k10")] + ["k25", "k26", "k27", "k3"]
    edited[5], edited[0] = edited[0], edited[5]
    got, want = run(edited)
    assert got == want and store.saves == 2
    assert store.saved[0.4][0] == edited


# ------------------------------------------------------------ number variants


def groups_of(ids: np.ndarray) -> list[set[int]]:
    """The groups number_variants forms, as sets of unit indices."""
    found: dict[int, set[int]] = {}
    for index, group in enumerate(ids.tolist()):
        if group >= 0:
            found.setdefault(group, set()).add(index)
    return sorted(found.values(), key=min)


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        # A template line with a changing number, in three articles.
        (["item 17 of the series", "item 18 of the series", "item 190 of the series"],
         [{0, 1, 2}]),
        # The same text twice is an exact repeat, not a variant group of its own...
        (["in 2024 the budget rose", "in 2024 the budget rose"], []),
        # ...but joins the group when a variant exists.
        (["item 1 of 9", "item 2 of 9", "item 1 of 9"], [{0, 1, 2}]),
        # Without a number, or with other words, there is nothing to group.
        (["the budget rose", "the budget fell", "in 2024 the budget rose",
          "in 2024 the budget fell"], []),
        (["36 hours in india", "4 hours in india", "4 hours in indonesia"], [{0, 1}]),
        ([], []),
    ],
)  # fmt: skip
def test_number_variants_group_texts_that_differ_only_in_their_numbers(tokens, expected):
    assert groups_of(number_variants(tokens)) == expected


def test_number_variants_are_never_candidates_of_each_other():
    template = [f"this note is item {n} of the series on the budget" for n in range(60)]
    other = ["this note is item 7 of the series on the budget and the deficit as well"]
    tokens = template + other
    variants = number_variants(tokens)
    shingle_sets = [shingles(t.split()) for t in tokens]
    lexical = lexical_candidates(shingle_sets, max_df=100, variants=variants)
    # The template lines pair with the longer paragraph, never with each other.
    assert lexical == {(n, 60) for n in range(60)}
    matrix = unit_rows(3, len(tokens))
    matrix[:] = matrix[0]  # every text reads the same to the model
    semantic = semantic_candidates(matrix, 0.9, variants=variants)
    assert semantic == {(n, 60) for n in range(60)}
    assert semantic_pairs([str(n) for n in range(len(tokens))], matrix, 0.9, None, variants) == (
        semantic
    )
