"""On-disk embedding cache: sqlite under the settings' cache directory.

Keyed by (model id, sha256 of the normalised text), so an unchanged paragraph
or sentence is never embedded twice across builds, whatever Pelican's own
caching settings (the file lives outside Pelican's cache). The model id
includes the sha256 of the model and tokenizer files and the pooling and
length settings, so changing any of them misses; rows of other model ids are
deleted when a cache is opened for a new model (so the file does not grow
with every model tried). The file is safe to delete.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

FILENAME = "embeddings.sqlite"
SCHEMA = 1


def text_key(normalised_text: str) -> str:
    return hashlib.sha256(normalised_text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, directory: str | Path | None, model_id: str) -> None:
        self.model_id = model_id
        self.hits = 0
        self.misses = 0
        self.path: Path | None = None
        self._db: sqlite3.Connection | None = None
        self._memory: dict[str, np.ndarray] = {}
        if directory is None:
            return
        try:
            directory = Path(directory)
            directory.mkdir(parents=True, exist_ok=True)
            self.path = directory / FILENAME
            self._db = sqlite3.connect(self.path)
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, "
                "text TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL, "
                "PRIMARY KEY (model, text))"
            )
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None or row[0] != str(SCHEMA):
                self._db.execute("DELETE FROM vectors")
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            # A model or settings change invalidates: drop vectors of other models.
            self._db.execute("DELETE FROM vectors WHERE model != ?", (model_id,))
            self._db.commit()
        except (OSError, sqlite3.Error):
            # An unwritable cache directory costs time, never the build.
            self._db = None
            self.path = None

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        wanted = [k for k in dict.fromkeys(keys)]
        for key in wanted:
            if key in self._memory:
                found[key] = self._memory[key]
        rest = [k for k in wanted if k not in found]
        if self._db is not None and rest:
            for start in range(0, len(rest), 500):
                chunk = rest[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT text, dim, vector FROM vectors WHERE model=? AND text IN ({marks})",
                    (self.model_id, *chunk),
                )
                for text, dim, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape[0] == dim:
                        found[text] = vector
                        self._memory[text] = vector
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        for key, vector in items.items():
            self._memory[key] = np.asarray(vector, dtype=np.float32)
        if self._db is None or not items:
            return
        try:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                [
                    (self.model_id, k, int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes())
                    for k, v in items.items()
                ],
            )
            self._db.commit()
        except sqlite3.Error:
            pass

    def embed(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for `texts` (already normalised), computing only the missing ones."""
        keys = [text_key(t) for t in texts]
        found = self.get_many(keys)
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found and key not in missing:
                missing[key] = text
        self.hits += sum(1 for k in keys if k in found)
        self.misses += len(missing)
        if missing:
            vectors = encode(list(missing.values()))
            fresh = dict(zip(missing.keys(), vectors, strict=True))
            self.put_many(fresh)
            found.update(fresh)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
