"""The last build's units in one file: their text features and paragraph
vectors, read back at once by the next detection.

After one article is edited, the findings cache (results.py) misses and the
detector runs again over every paragraph. The feature and embedding caches
(cache.py) serve each unchanged paragraph, but by one sqlite row per text:
on 10,000 paragraphs, reading them was the largest part of a rebuild's
detection after loading the model. The snapshot, ``units.npy`` beside the
cache database, holds the same values as a few arrays (numpy's ``.npy``
format one after another, no pickles), and the caches are preloaded with it
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

from editorial.repeats.features import TextFeatures, features_version, text_key
from editorial.repeats.units import Unit

FILENAME = "units.npy"  # beside the cache database (database.py)
# The file: the version (below), then these arrays, each in numpy's .npy format.
_ARRAYS = (
    "raw_keys", "keys", "shingle_sizes", "shingles", "string_sizes", "strings", "has_facts",
    "vectors",
)  # fmt: skip


@dataclass
class LastBuild:
    """What the last detection knew: features by the sha256 of the raw text
    (as the feature cache keys them), paragraph vectors by the text's key."""

    features: dict[str, TextFeatures] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)


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
        with open(Path(directory) / FILENAME, "rb") as stream:
            if str(np.load(stream, allow_pickle=False)) != version(model_id):
                return LastBuild()
            return _unpack({name: np.load(stream, allow_pickle=False) for name in _ARRAYS})
    except (OSError, ValueError, KeyError, EOFError):  # none yet, or damaged: as if none
        return LastBuild()


def save(
    directory: str | Path | None, units: Sequence[Unit], model_id: str, matrix: np.ndarray | None
) -> None:
    """Replace the snapshot with these units' features and, with `model_id`,
    their paragraph vectors (`matrix`, a row per unit)."""
    if directory is None:
        return
    path = Path(directory) / FILENAME
    temporary = path.with_name(f"{FILENAME}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            arrays = _pack(units, matrix)
            for array in (np.array(version(model_id)), *(arrays[name] for name in _ARRAYS)):
                np.save(stream, array, allow_pickle=False)
        os.replace(temporary, path)  # a reader sees the old file or the new, whole
    except OSError:
        temporary.unlink(missing_ok=True)  # the cache costs time, never the build


def _pack(units: Sequence[Unit], matrix: np.ndarray | None) -> dict[str, np.ndarray]:
    first: dict[str, int] = {}
    for index, unit in enumerate(units):
        first.setdefault(text_key(unit.record.text), index)
    rows = list(first.values())
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
        "vectors": matrix[rows] if matrix is not None else np.zeros((0, 0), np.float32),
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
    matrix = arrays["vectors"]
    if len(matrix) == count:
        last.vectors = dict(zip(keys, matrix, strict=True))
    return last
