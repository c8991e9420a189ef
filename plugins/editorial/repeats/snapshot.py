"""The last build's units in one file: their text features and paragraph
vectors, read back at once by the next detection.

After one article is edited, the findings cache (results.py) misses and the
detector runs again over every paragraph. The feature and embedding caches
(cache.py) serve each unchanged paragraph, but by one sqlite row per text:
on 10,000 paragraphs, reading them was the largest part of a rebuild's
detection after loading the model. The snapshot, ``units.npy`` beside the
cache database (``units-lexical.npy`` for lexical detection), holds the
same values as a few arrays (numpy's ``.npy`` format one after another, no
pickles), and the caches are preloaded with it
(``FeatureCache(known=...)``, ``EmbeddingCache(known=...)``): a text the
snapshot lacks is read from, or added to, the caches as before, so the
snapshot changes how the values are read, never what they are.

The file starts with what its values depend on: the features' code
(``features_version()``), this module's code (the layout) and the model id
(empty for lexical detection). A snapshot made by other code or another
model is ignored, and replaced by the next detection. A file that cannot be
read counts as none; it is safe to delete, like the rest of the cache.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from editorial.repeats.candidates import Pair
from editorial.repeats.decisions import Verdict
from editorial.repeats.features import TextFeatures, features_version
from editorial.repeats.incremental import LastPairs
from editorial.repeats.units import Unit

FILENAME = "units.npy"  # beside the cache database (database.py)
# Lexical detection keeps its own: a site with an article over the paragraph
# limit runs both detections in every build (site._capped_review), and one
# file would make each replace the other's, so that neither ever served a
# rebuild.
LEXICAL_FILENAME = "units-lexical.npy"


def path_for(directory: str | Path, model_id: str) -> Path:
    """The snapshot file of detection with `model_id` ("" = lexical)."""
    return Path(directory) / (FILENAME if model_id else LEXICAL_FILENAME)
# The file: the version (below), then these arrays, each in numpy's .npy format.
_ARRAYS = (
    "raw_keys", "keys", "shingle_sizes", "shingles", "string_sizes", "strings", "has_facts",
    "vectors",
    # The last build's decisions (incremental.LastPairs), valid for `pairs_version`.
    "pairs_version", "doc_paths", "doc_digests", "unit_docs", "unit_rows", "pairs", "kinds",
    "scores",
)  # fmt: skip
KINDS = (None, "near", "paraphrase")  # verdicts stored by index: None = not a repeat


@dataclass
class LastBuild:
    """What the last detection knew: features by the sha256 of the raw text
    (as the feature cache keys them), paragraph vectors by the text's key."""

    features: dict[str, TextFeatures] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    pairs: LastPairs | None = None
    pairs_version: str = ""

    def decisions(self, pairs_version: str) -> LastPairs | None:
        """The decisions, if made with these settings and code."""
        return self.pairs if self.pairs_version == pairs_version else None


@cache  # the code does not change while the process runs
def _layout() -> str:
    """This module's code, which decides how the arrays are laid out."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def version(model_id: str) -> str:
    return f"{features_version()}|{_layout()}|{model_id}"


def load(directory: str | Path | None, model_id: str) -> LastBuild:
    """The last build's snapshot if it was made by this code and model, else
    an empty one."""
    if directory is None:
        return LastBuild()
    try:
        with open(path_for(directory, model_id), "rb") as stream:
            if str(np.load(stream, allow_pickle=False)) != version(model_id):
                return LastBuild()
            return _unpack({name: np.load(stream, allow_pickle=False) for name in _ARRAYS})
    except (OSError, ValueError, KeyError, IndexError, EOFError):  # none, or damaged
        return LastBuild()


@dataclass
class Decided:
    """What a detection leaves for the next one, beside the units: each
    document's path (by document index) and digest, the paragraph vectors (a row per
    unit; None for lexical detection), every candidate pair's verdict (None =
    not a repeat, or not decided: copies), and what the verdicts depend on."""

    paths: Sequence[str]
    digests: dict[int, str]  # incremental.document_digests
    matrix: np.ndarray | None
    verdicts: dict[Pair, Verdict | None]
    pairs_version: str


def save(
    directory: str | Path | None, units: Sequence[Unit], model_id: str, decided: Decided
) -> None:
    """Replace the snapshot with these units' features, their paragraph
    vectors with `model_id`, and the decisions."""
    if directory is None:
        return
    path = path_for(directory, model_id)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            arrays = _pack(units, decided)
            for array in (np.array(version(model_id)), *(arrays[name] for name in _ARRAYS)):
                np.save(stream, array, allow_pickle=False)
        os.replace(temporary, path)  # a reader sees the old file or the new, whole
    except OSError:
        temporary.unlink(missing_ok=True)  # the cache costs time, never the build


def _pack(units: Sequence[Unit], decided: Decided) -> dict[str, np.ndarray]:
    first: dict[str, int] = {}
    for index, unit in enumerate(units):
        first.setdefault(unit.raw_key, index)
    rows = list(first.values())
    matrix = decided.matrix
    features = [units[k].features for k in rows]
    facts = [f.facts for f in features]
    strings = [f.tokens for f in features] + [f or "" for f in facts]
    return {
        "raw_keys": np.array(list(first), dtype="S64"),
        "keys": np.array([f.key for f in features], dtype="S64"),
        "shingle_sizes": np.array([len(f.shingles) for f in features], dtype=np.int64),
        "shingles": np.concatenate([f.shingles for f in features] or [np.zeros(0, np.uint32)]),
        "string_sizes": np.array([len(s) for s in strings], dtype=np.int64),
        "strings": np.frombuffer("".join(strings).encode("utf-8"), dtype=np.uint8),
        "has_facts": np.array([f is not None for f in facts], dtype=bool),
        # A row per unit (written as it is, rather than copied per text).
        "vectors": matrix if matrix is not None else np.zeros((0, 0), np.float32),
        **_pack_pairs(units, {key: row for row, key in enumerate(first)}, decided),
    }


def _pack_pairs(
    units: Sequence[Unit], row_of: dict[str, int], decided: Decided
) -> dict[str, np.ndarray]:
    digests = decided.digests
    docs = {doc: index for index, doc in enumerate(digests)}
    pairs = list(decided.verdicts.items())
    kind = {name: index for index, name in enumerate(KINDS)}
    return {
        "pairs_version": np.array(decided.pairs_version),
        "doc_paths": np.array([decided.paths[doc] for doc in digests], dtype=str),
        "doc_digests": np.array(list(digests.values()), dtype="S64"),
        "unit_docs": np.array([docs[u.doc] for u in units], dtype=np.int64),
        "unit_rows": np.array([row_of[u.raw_key] for u in units], dtype=np.int64),
        "pairs": np.array([p for p, _ in pairs], dtype=np.int64).reshape(-1, 2),
        "kinds": np.array([kind[v[0] if v else None] for _, v in pairs], dtype=np.int8),
        "scores": np.array([v[1] if v else 0.0 for _, v in pairs], dtype=np.float64),
    }


def _unpack(arrays: dict[str, np.ndarray]) -> LastBuild:
    raw_keys = [k.decode("ascii") for k in arrays["raw_keys"].tolist()]
    keys = [k.decode("ascii") for k in arrays["keys"].tolist()]
    count = len(keys)
    text = arrays["strings"].tobytes().decode("utf-8")
    sizes = (len(raw_keys), len(arrays["shingle_sizes"]), len(arrays["has_facts"]))
    if (
        sizes != (count,) * 3
        or len(arrays["string_sizes"]) != 2 * count
        or int(arrays["string_sizes"].sum()) != len(text)
        or int(arrays["shingle_sizes"].sum()) != len(arrays["shingles"])
    ):
        raise ValueError("inconsistent snapshot")
    ends = np.cumsum(arrays["string_sizes"]).tolist()
    strings = [text[start:end] for start, end in zip([0, *ends[:-1]], ends, strict=True)]
    shingles = np.split(arrays["shingles"], np.cumsum(arrays["shingle_sizes"])[:-1].tolist())
    has_facts = arrays["has_facts"].tolist()
    last = LastBuild()
    for index in range(count):
        facts = strings[count + index] if has_facts[index] else None
        last.features[raw_keys[index]] = TextFeatures(
            keys[index], shingles[index], strings[index], facts
        )
    last.pairs_version = str(arrays["pairs_version"])
    last.pairs = _unpack_pairs(arrays, shingles, strings)
    matrix, rows = arrays["vectors"], arrays["unit_rows"].tolist()
    if len(matrix) == len(rows):
        last.vectors = {keys[r]: matrix[k] for k, r in enumerate(rows)}
    return last


def _unpack_pairs(
    arrays: dict[str, np.ndarray], shingles: list[np.ndarray], strings: list[str]
) -> LastPairs:
    rows = arrays["unit_rows"].tolist()
    pairs, kinds, scores = arrays["pairs"], arrays["kinds"].tolist(), arrays["scores"].tolist()
    if not (len(pairs) == len(kinds) == len(scores) and len(rows) == len(arrays["unit_docs"])):
        raise ValueError("inconsistent snapshot")
    decided: dict[Pair, Verdict | None] = {}
    for (i, j), kind, score in zip(pairs.tolist(), kinds, scores, strict=True):
        decided[(i, j)] = (KINDS[kind], score) if kind else None
    return LastPairs(
        paths=arrays["doc_paths"].tolist(),
        digests=[d.decode("ascii") for d in arrays["doc_digests"].tolist()],
        unit_docs=arrays["unit_docs"],
        unit_shingles=[shingles[r] for r in rows],
        unit_tokens=[strings[r] for r in rows],
        decided=decided,
    )
