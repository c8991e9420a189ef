"""On-disk caches of the detector: one sqlite file under the settings' cache directory.

* ``vectors``: embeddings keyed by (model id, sha256 of the normalised text),
  so an unchanged paragraph or sentence is never embedded twice across
  builds, whatever Pelican's own caching settings (the file lives outside
  Pelican's cache). The model id includes the sha256 of the model and
  tokenizer files and the pooling and length settings, so changing any of
  them misses; vectors of other model ids are deleted when the cache is
  opened for a new model (so the file does not grow with every model tried).
* ``pairs``: the last build's semantic candidate pairs (candidates.py), by
  model id and threshold: the distinct paragraph keys and the pairs among
  them whose cosine reaches the threshold, so that the next build multiplies
  only its new paragraphs' vectors (two sites sharing one cache directory
  replace each other's row: correct, only slower). Cleared with the vectors
  they came from.
* ``features``: each paragraph's text features (features.py) keyed by the
  sha256 of its text; the table is dropped when opened by other code (another
  ``features_version()``, which covers this module's table layout).
* ``tokens``: the token matrices of the paragraphs a token alignment
  needed (tokens.py), float16, by model id and text key.

The file is safe to delete, and a cache that cannot be opened or written
costs time, never the build.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from editorial.repeats.database import claim, select_in
from editorial.repeats.features import TextFeatures, text_key

SCHEMA = 1


class EmbeddingCache:
    """Vectors by (model id, text key), kept in memory once read or made.
    `known(key)`: a vector of this model already read (snapshot.py), or None;
    asked before the table."""

    def __init__(
        self,
        db: sqlite3.Connection | None,
        model_id: str,
        known: Callable[[str], np.ndarray | None] | None = None,
    ) -> None:
        self.model_id = model_id
        self.hits = 0
        self.misses = 0
        self._db = db
        self._memory: dict[str, np.ndarray] = {}
        self._known = known
        if db is None:
            return
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, "
                "text TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL, "
                "PRIMARY KEY (model, text))"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS pairs (model TEXT NOT NULL, threshold TEXT NOT NULL, "
                "keys TEXT NOT NULL, pairs BLOB NOT NULL, PRIMARY KEY (model, threshold))"
            )
            # The pairs were computed from these vectors: cleared with them.
            claim(db, "schema", str(SCHEMA), "DELETE FROM vectors", "DELETE FROM pairs")
            # A model or settings change invalidates: drop vectors of other models.
            claim(
                db,
                "model",
                model_id,
                "DELETE FROM vectors WHERE model != ?",
                "DELETE FROM pairs WHERE model != ?",
            )
        except sqlite3.Error:
            self._db = None

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        rest: list[str] = []
        for key in dict.fromkeys(keys):
            vector = self._memory.get(key)
            if vector is None and self._known is not None:
                vector = self._known(key)
            if vector is None:
                rest.append(key)
            else:
                found[key] = vector
        if self._db is None or not rest:
            return found
        try:
            query = "SELECT text, dim, vector FROM vectors WHERE model=? AND text IN ({})"
            for key, dim, blob in select_in(self._db, query, rest, self.model_id):
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape[0] == dim:
                    found[key] = self._memory[key] = vector
        except sqlite3.Error:
            pass
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        rows = []
        for key, vector in items.items():
            vector = self._memory[key] = np.asarray(vector, dtype=np.float32)
            rows.append((self.model_id, key, int(vector.shape[0]), vector.tobytes()))
        if self._db is None or not rows:
            return
        _insert(self._db, "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)

    def vectors(
        self,
        keys: Sequence[str],
        text_of: Callable[[int], str],
        encode: Callable[[list[str]], np.ndarray],
    ) -> np.ndarray:
        """One row per key; `text_of(k)` (normalised) is asked for, and
        embedded, only when keys[k] is in neither cache."""
        found = self.get_many(keys)
        missing: dict[str, str] = {}
        for index, key in enumerate(keys):
            if key not in found and key not in missing:
                missing[key] = text_of(index)
        self.hits += sum(1 for k in keys if k in found)
        self.misses += len(missing)
        if missing:
            fresh = dict(zip(missing, encode(list(missing.values())), strict=True))
            self.put_many(fresh)
            found.update({k: self._memory[k] for k in fresh})
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)

    def load_pairs(self, threshold: float) -> tuple[list[str], np.ndarray] | None:
        """The distinct paragraph keys of the last build and its semantic pairs
        at `threshold` (index pairs into the keys), or None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT keys, pairs FROM pairs WHERE model=? AND threshold=?",
                (self.model_id, repr(threshold)),
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        keys = row[0].split("\n") if row[0] else []
        return keys, np.frombuffer(row[1], dtype=np.int32).reshape(-1, 2)

    def save_pairs(self, threshold: float, keys: list[str], pairs: np.ndarray) -> None:
        if self._db is None:
            return
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO pairs VALUES (?, ?, ?, ?)",
                (self.model_id, repr(threshold), "\n".join(keys), pairs.astype(np.int32).tobytes()),
            )
            self._db.commit()
        except sqlite3.Error:
            pass

    def embed(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for `texts` (already normalised), computing only the missing ones."""
        return self.vectors([text_key(t) for t in texts], texts.__getitem__, encode)


class FeatureCache:
    """`known`: features made by this code already read (snapshot.py),
    served before the table is asked."""

    def __init__(
        self,
        db: sqlite3.Connection | None,
        version: str,
        known: Mapping[str, TextFeatures] | None = None,
    ) -> None:
        self._db = db
        self._known = known if known is not None else {}
        if db is None:
            return
        try:
            # The version covers this module, so a new layout replaces the table.
            claim(db, "features", version, "DROP TABLE IF EXISTS features")
            db.execute(
                "CREATE TABLE IF NOT EXISTS features (text TEXT PRIMARY KEY, key TEXT NOT NULL, "
                "shingles BLOB NOT NULL, tokens TEXT NOT NULL, facts TEXT)"
            )
        except sqlite3.Error:
            self._db = None

    @property
    def usable(self) -> bool:
        return self._db is not None

    def get_many(self, keys: Sequence[str]) -> dict[str, TextFeatures]:
        """Features by the text's sha256 (features.text_key of the raw text)."""
        found: dict[str, TextFeatures] = {}
        for key in keys:
            if (features := self._known.get(key)) is not None:
                found[key] = features
        rest = [k for k in dict.fromkeys(keys) if k not in found]
        if self._db is None or not rest:
            return found
        query = "SELECT text, key, shingles, tokens, facts FROM features WHERE text IN ({})"
        try:
            for text, key, shingles, tokens, facts in select_in(self._db, query, rest):
                found[text] = TextFeatures(
                    key, np.frombuffer(shingles, dtype=np.uint32), tokens, facts
                )
        except sqlite3.Error:
            pass
        return found

    def put_many(self, items: dict[str, TextFeatures]) -> None:
        if self._db is None or not items:
            return
        rows = [
            (k, f.key, f.shingles.astype(np.uint32).tobytes(), f.tokens, f.facts)
            for k, f in items.items()
        ]
        _insert(self._db, "INSERT OR REPLACE INTO features VALUES (?, ?, ?, ?, ?)", rows)


class TokenCache:
    """Token matrices by (model id, text key), float16, in the detector's
    sqlite file (table ``tokens``): a rebuild after an edit does not run the
    model again for the pairs it decided before (on the Paine works, 606
    paragraphs of 9,750, about 40 MB). Rows of another model or of another
    owner (another model or token code) are deleted when the table is
    opened for a new one."""

    def __init__(self, db: sqlite3.Connection | None, owner: str) -> None:
        self.owner = owner  # the model id and the token code's version (tokens.py)
        self._db = db
        if db is None:
            return
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS tokens (owner TEXT NOT NULL, text TEXT NOT NULL, "
                "dim INTEGER NOT NULL, vectors BLOB NOT NULL, PRIMARY KEY (owner, text))"
            )
            claim(db, "tokens", self.owner, "DELETE FROM tokens WHERE owner != ?")
        except sqlite3.Error:
            self._db = None

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        if self._db is None or not keys:
            return found
        query = "SELECT text, dim, vectors FROM tokens WHERE owner=? AND text IN ({})"
        try:
            for key, dim, blob in select_in(self._db, query, list(dict.fromkeys(keys)), self.owner):
                flat = np.frombuffer(blob, dtype=np.float16)
                if dim and flat.size % dim == 0:
                    found[key] = flat.reshape(-1, dim).astype(np.float32)
        except sqlite3.Error:
            pass
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        if self._db is None or not items:
            return
        rows = [
            (self.owner, k, int(m.shape[1]) if m.ndim == 2 else 0, m.astype(np.float16).tobytes())
            for k, m in items.items()
        ]
        _insert(self._db, "INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?)", rows)


def _insert(db: sqlite3.Connection, statement: str, rows: list[tuple]) -> None:
    """Write `rows`; a cache that cannot be written costs time, never the build."""
    try:
        db.executemany(statement, rows)
        db.commit()
    except sqlite3.Error:
        pass
