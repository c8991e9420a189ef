"""Stage 1b, vectors: paragraph embeddings for every unit, sentence
embeddings only for the units a pair decision compares sentence by sentence.

Candidate generation needs every paragraph vector; the sentence vectors
(several per paragraph) serve only the alignment score of a compared pair,
so they are loaded, or embedded, when a pair first asks for them (see
`Unit.sentence_vectors`) or in one batch for the candidate pairs.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Sequence

import numpy as np

from editorial import progress
from editorial.repeats.cache import EmbeddingCache
from editorial.repeats.database import open_database
from editorial.repeats.normalise import normalise
from editorial.repeats.units import Unit

Encoder = Callable[[list[str]], np.ndarray]


class EmbeddingFailed(RuntimeError):
    """The model loaded but could not embed (the detector falls back to lexical)."""


# A longer list is embedded in chunks of this many texts, each counted on a
# progress meter (a first build of a big site): a bar or a line now and then.
PROGRESS_CHUNK = 128


class Vectors:
    """The units' vectors for one build: from the embedding cache, the
    missing ones from the model (whose failures become EmbeddingFailed)."""

    def __init__(
        self,
        encode: Encoder,
        model_id: str,
        db: sqlite3.Connection | None,
        known: Callable[[str], np.ndarray | None] | None = None,
    ) -> None:
        self.cache = EmbeddingCache(db, model_id, known)
        self.matrix: np.ndarray | None = None  # set by attach_paragraphs: a row per unit
        self._encode = encode
        self._from_snapshot = 0  # paragraph vectors served by the last build's snapshot

    @property
    def embedded(self) -> int:
        """Texts run through the model."""
        return self.cache.misses

    @property
    def cached(self) -> int:
        """Texts served from the cache or the snapshot."""
        return self.cache.hits + self._from_snapshot

    def encode(self, texts: list[str], what: str = "paragraphs") -> np.ndarray:
        """The texts' vectors; a long list in chunks of similar length, each
        counted on a progress meter (progress.py)."""
        if len(texts) <= PROGRESS_CHUNK:
            return self._encode_chunk(texts)
        # By length, so each chunk's batches are as little padding as the whole list's.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: np.ndarray | None = None
        with progress.meter(len(texts), what) as meter:
            for start in range(0, len(order), PROGRESS_CHUNK):
                index = order[start : start + PROGRESS_CHUNK]
                vectors = self._encode_chunk([texts[i] for i in index])
                if out is None:
                    out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
                out[index] = vectors
                meter.update(len(index))
        return out

    def _encode_chunk(self, texts: list[str]) -> np.ndarray:
        try:
            return self._encode(texts)
        except Exception as error:  # onnxruntime failures, a broken model file
            raise EmbeddingFailed(str(error)) from error

    def attach_paragraphs(
        self,
        units: Sequence[Unit],
        known: np.ndarray | None = None,
        rows: np.ndarray | None = None,
    ) -> np.ndarray:
        """Set every unit's paragraph vector; returns them as a matrix (a row per
        unit). `known`: vectors already read (the last build's snapshot), with
        `rows[k]` the row of units[k] there (-1: not there)."""
        if known is None or rows is None:
            rows = np.full(len(units), -1, dtype=np.int64)
        found = rows >= 0
        missing = np.flatnonzero(~found).tolist()
        fresh = self.cache.vectors(
            [units[k].key for k in missing], lambda m: units[missing[m]].normalised, self.encode
        )
        if found.any():
            # One plain gather (the missing rows are filled below): assigning
            # through the mask instead took 0.6-1.3 s for 50,000 rows, this 0.02-0.05.
            matrix = known[np.where(found, rows, 0)].astype(np.float32, copy=False)
        else:
            matrix = np.zeros((len(units), fresh.shape[1]), dtype=np.float32)
        if missing:
            matrix[missing] = fresh
        self._from_snapshot += int(found.sum())
        for unit, row in zip(units, matrix, strict=True):
            unit.vector = row
        if units:
            units[0].corpus.load_sentence_vectors = self.attach_sentences
        self.matrix = matrix
        return matrix

    def attach_sentences(self, units: Sequence[Unit]) -> None:
        """Set the sentence vectors of those `units` that lack them, in one batch.
        A one-sentence paragraph's sentence vector is its paragraph vector."""
        wanted = [u for u in units if u.needs_sentence_vectors]
        texts: list[str] = []
        spans: list[tuple[int, int]] = []
        for unit in wanted:
            start = len(texts)
            if len(unit.sentences) > 1:
                texts.extend(normalise(s) for s in unit.sentences)
            spans.append((start, len(texts)))
        encode = functools.partial(self.encode, what="sentences")
        vectors = self.cache.embed(texts, encode) if texts else None
        for unit, (start, end) in zip(wanted, spans, strict=True):
            unit.sentence_vectors = vectors[start:end] if end > start else unit.vector[None, :]


def embed_units(
    units: Sequence[Unit], encode: Encoder, model_id: str, cache_dir: str | None
) -> tuple[int, int]:
    """Fill in every unit's paragraph and sentence vectors at once (the
    benchmarks and cache warm-up); returns (embedded, cached)."""
    db = open_database(cache_dir)
    try:
        vectors = Vectors(encode, model_id, db)
        vectors.attach_paragraphs(units)
        vectors.attach_sentences(units)
        if units:
            units[0].corpus.load_sentence_vectors = None  # all loaded; the cache closes
        return vectors.embedded, vectors.cached
    finally:
        if db is not None:
            db.close()
