"""The last build's units in one file: their text features and paragraph
vectors, read back at once by the next detection.

After one article is edited, the findings cache (results.py) misses and the
detector runs again over every paragraph. The feature and embedding caches
(cache.py) serve each unchanged paragraph, but by one sqlite row per text:
on 10,000 paragraphs, reading them was the largest part of a rebuild's
detection after loading the model. The snapshot, ``units.npy`` beside the
cache database (``units-lexical.npy`` for lexical detection), holds the
same values as a few arrays (numpy's ``.npy`` format one after another, no
pickles), kept as arrays once read: a text's features are made when a unit
asks for them (``Texts``, the ``known`` of ``FeatureCache``), the paragraph
vectors go into the build's matrix in one gather (``LastBuild.vector_rows``,
``Vectors.attach_paragraphs``), and other texts equal to a paragraph are
served by ``EmbeddingCache(known=LastBuild.vector)``. A text the snapshot
lacks is read from, or added to, the caches as before, so the snapshot
changes how the values are read, never what they are.

The file starts with what its values depend on: the features' code
(``features_version()``), this module's code (the layout) and the model id
(empty for lexical detection). A snapshot made by other code or another
model is ignored, and replaced by the next detection. A file that cannot be
read counts as none; it is safe to delete, like the rest of the cache.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import numpy as np

from editorial.repeats.candidates import Pair
from editorial.repeats.database import SNAPSHOT_FILENAME
from editorial.repeats.decisions import Verdict
from editorial.repeats.features import TextFeatures, features_version
from editorial.repeats.incremental import LastPairs
from editorial.repeats.units import Unit

FILENAME = SNAPSHOT_FILENAME  # beside the cache database (database.py)
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


class Texts(Mapping[str, TextFeatures]):
    """The last build's distinct paragraph texts, by the sha256 of the raw
    text (as the feature cache keys them): kept as the arrays read, each
    text's TextFeatures made only when a unit asks for it."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.raw_keys = [k.decode("ascii") for k in arrays["raw_keys"].tolist()]
        count = len(self.raw_keys)
        self.keys = [k.decode("ascii") for k in arrays["keys"].tolist()]  # normalised texts'
        self._shingles = arrays["shingles"]
        self._has_facts = arrays["has_facts"]
        self._text = arrays["strings"].tobytes().decode("utf-8")
        sizes = (len(self.keys), len(arrays["shingle_sizes"]), len(self._has_facts))
        if (
            sizes != (count,) * 3
            or len(arrays["string_sizes"]) != 2 * count
            or int(arrays["string_sizes"].sum()) != len(self._text)
            or int(arrays["shingle_sizes"].sum()) != len(self._shingles)
        ):
            raise ValueError("inconsistent snapshot")
        # Where each text's shingles and strings (tokens, then facts) end.
        self._shingle_ends = [0, *np.cumsum(arrays["shingle_sizes"]).tolist()]
        self._string_ends = [0, *np.cumsum(arrays["string_sizes"]).tolist()]
        self.row_of = {key: row for row, key in enumerate(self.raw_keys)}

    def __len__(self) -> int:
        return len(self.raw_keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw_keys)

    def __contains__(self, raw_key: object) -> bool:
        return raw_key in self.row_of

    def __getitem__(self, raw_key: str) -> TextFeatures:
        return self.at(self.row_of[raw_key])

    def get(self, raw_key: str, default: TextFeatures | None = None) -> TextFeatures | None:
        row = self.row_of.get(raw_key)  # one look-up (Mapping.get would make two)
        return default if row is None else self.at(row)

    def at(self, row: int) -> TextFeatures:
        """The features of the text in `row`."""
        shingles = self._shingles[self._shingle_ends[row] : self._shingle_ends[row + 1]]
        ends, count = self._string_ends, len(self.raw_keys)
        tokens = self._text[ends[row] : ends[row + 1]]
        facts = self._text[ends[count + row] : ends[count + row + 1]]
        has_facts = self._has_facts[row]
        return TextFeatures(self.keys[row], shingles, tokens, facts if has_facts else None)


@dataclass
class LastBuild:
    """What the last detection knew: its texts' features, its units' paragraph
    vectors (a row per unit; None for lexical detection) and its decisions."""

    texts: Texts | None = None
    vectors: np.ndarray | None = None
    unit_rows: np.ndarray | None = None  # per unit, its text (a row of `texts`)
    pairs: LastPairs | None = None
    pairs_version: str = ""

    def decisions(self, pairs_version: str) -> LastPairs | None:
        """The decisions, if made with these settings and code."""
        return self.pairs if self.pairs_version == pairs_version else None

    @cached_property
    def _vector_row(self) -> dict[str, int]:
        """Per normalised text of the last build, the row of `vectors` with its vector."""
        if self.texts is None or self.vectors is None or self.unit_rows is None:
            return {}
        # Each text's first unit (every text has one: the texts are the units').
        first = np.unique(self.unit_rows, return_index=True)[1].tolist()
        return {key: first[row] for row, key in enumerate(self.texts.keys)}

    def vector_rows(self, keys: Sequence[str]) -> np.ndarray:
        """Per normalised key, the row of `vectors` with its vector; -1 for a
        text the last build did not have."""
        rows = self._vector_row
        return np.array([rows.get(key, -1) for key in keys], dtype=np.int64)

    def vector(self, key: str) -> np.ndarray | None:
        """The vector of the text with this normalised key, if the last build had it."""
        row = self._vector_row.get(key)
        return None if row is None or self.vectors is None else self.vectors[row]


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
    # Units changed (fresh or gone) since the snapshot the detection started
    # from; None when it ran the full stages (no usable snapshot).
    changed: int | None = None


# A detection that started from the snapshot and changed few units leaves the
# file as it is: the next one pairs and decides those units again from it, a
# few milliseconds each, where rewriting it cost 0.15-0.4 s of a rebuild
# after one edit at 1,000 articles on the bench's machine (25 MB; 124 MB at
# 5,000). It is rewritten once the units changed since it was made pass
# KEEP_SHARE of them and KEEP_MIN.
KEEP_SHARE = 0.01
KEEP_MIN = 50


def save(
    directory: str | Path | None, units: Sequence[Unit], model_id: str, decided: Decided
) -> None:
    """Replace the snapshot with these units' features, their paragraph
    vectors with `model_id`, and the decisions; or, when few units changed
    since the snapshot the detection started from (KEEP_SHARE, KEEP_MIN),
    keep it, marked as the last detection's (its time, which site.warm_model
    compares with the articles')."""
    if directory is None:
        return
    path = path_for(directory, model_id)
    if decided.changed is not None and decided.changed <= max(KEEP_SHARE * len(units), KEEP_MIN):
        try:
            os.utime(path)
            return
        except OSError:
            pass  # gone meanwhile: written anew
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
    texts = Texts(arrays)
    rows = arrays["unit_rows"]
    if len(rows) != len(arrays["unit_docs"]) or (len(rows) and int(rows.max()) >= len(texts)):
        raise ValueError("inconsistent snapshot")
    matrix = arrays["vectors"]
    return LastBuild(
        texts=texts,
        vectors=matrix if len(matrix) == len(rows) and len(rows) else None,
        unit_rows=rows,
        pairs=_unpack_pairs(arrays, texts),
        pairs_version=str(arrays["pairs_version"]),
    )


def _unpack_pairs(arrays: dict[str, np.ndarray], texts: Texts) -> LastPairs:
    rows = arrays["unit_rows"].tolist()
    pairs, kinds, scores = arrays["pairs"], arrays["kinds"].tolist(), arrays["scores"].tolist()
    if not len(pairs) == len(kinds) == len(scores):
        raise ValueError("inconsistent snapshot")
    decided: dict[Pair, Verdict | None] = {}
    for (i, j), kind, score in zip(pairs.tolist(), kinds, scores, strict=True):
        decided[(i, j)] = (KINDS[kind], score) if kind else None
    return LastPairs(
        paths=arrays["doc_paths"].tolist(),
        digests=[d.decode("ascii") for d in arrays["doc_digests"].tolist()],
        unit_docs=arrays["unit_docs"],
        unit_features=lambda unit: texts.at(rows[unit]),
        decided=decided,
    )
