"""Token alignment: the paraphrase signal that tells rewording from writing
on the same subject.

A paragraph's token vectors are the model's last hidden state for each of
its word pieces (the same forward pass as its paragraph vector, before
pooling), without [CLS], [SEP] and pieces that are only punctuation, each
L2-normalised. Two paragraphs align when every word piece of each has a
close counterpart in the other: each piece is matched to its most similar
piece of the other paragraph (greedy, order free), each direction is the
plain mean of those best matches, and the score is the *smaller* direction
(as BERTScore's recall and precision, with the minimum instead of F1).

Reworded text keeps its meaning word by word (synonyms, reordered clauses)
and so aligns closely; a paragraph on the same subject that makes another
claim shares the subject's words but not the rest. On MRPC test + the STS-B
subset pooled (fact veto applied), precision reaches 0.90 from 0.806 on
this score (recall 0.42), and only from 0.89 on the paragraph cosine (recall
0.37): see inputs.Thresholds.

Token vectors are computed only for the few units whose pairs reach the
token rule (scoring.classify), in one model call (`prefetch`), and kept in
the detector's sqlite file by model and text (`TokenCache`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from editorial.repeats.cache import TokenCache
from editorial.repeats.vectors import EmbeddingFailed

if TYPE_CHECKING:
    from editorial.repeats.decisions import Scores
    from editorial.repeats.scoring import Thresholds
    from editorial.repeats.units import Unit

TokenEncoder = Callable[[list[str]], list[np.ndarray]]

# Part of the token cache's key: change it when content_pieces or the stored
# layout changes, so that no matrix made the old way is read back.
TOKENS_VERSION = "tokens-1"

_SPECIAL = frozenset({"[CLS]", "[SEP]", "[PAD]"})
_PUNCTUATION = re.compile(r"^[\W_]+$")


def content_pieces(pieces: Sequence[str]) -> list[int]:
    """Indexes of the word pieces that count: not special, not only punctuation."""
    return [i for i, p in enumerate(pieces) if p not in _SPECIAL and not _PUNCTUATION.match(p)]


def normalised_rows(matrix: np.ndarray) -> np.ndarray:
    """`matrix` with each row scaled to unit length (float32)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).astype(np.float32)


def token_alignment(a: np.ndarray, b: np.ndarray) -> float:
    """Greedy best-match alignment of two sets of unit token vectors (one row
    each): the smaller of the two directions' mean best cosine (module
    docstring). 0.0 when either side has no tokens."""
    if not len(a) or not len(b):
        return 0.0
    sims = a @ b.T
    return float(min(sims.max(axis=1).mean(), sims.max(axis=0).mean()))


def token_encoder(encode: Callable | None) -> TokenEncoder | None:
    """The token-vector function that goes with a paragraph `encode` function:
    the `encode_tokens` of the embeddings.Encoder whose bound `encode` it is.
    None for any other function (a test's own encoder): the token rule is
    then off and decisions are as without it."""
    return getattr(getattr(encode, "__self__", None), "encode_tokens", None)


def attach_loader(
    units: Sequence[Unit], encode: Callable | None, db: sqlite3.Connection | None = None
) -> None:
    """Let `units` load their token vectors from the encoder behind `encode`,
    through the token cache in `db` (None: computed every time)."""
    encoder = getattr(encode, "__self__", None)
    encode_tokens = token_encoder(encode)
    if not units or encode_tokens is None:
        return
    cache = TokenCache(db, f"{getattr(encoder, 'model_id', '')}|{TOKENS_VERSION}")

    def load(wanted: Sequence[Unit]) -> None:
        missing = [u for u in wanted if u.needs_token_vectors]
        found = cache.get_many([u.key for u in missing])
        new = {u.key: u.normalised for u in missing if u.key not in found}
        if new:
            try:
                matrices = encode_tokens(list(new.values()))
            except Exception as error:  # onnxruntime failures, as for paragraph vectors
                raise EmbeddingFailed(str(error)) from error
            fresh = {k: stored(m) for k, m in zip(new, matrices, strict=True)}
            cache.put_many(fresh)
            found.update(fresh)
        for unit in missing:
            unit.token_vectors = found[unit.key]

    units[0].corpus.load_token_vectors = load
    units[0].corpus.token_pieces = piece_reader(encoder)


def piece_reader(encoder) -> Callable[[Unit], list[str]]:
    """A function giving the word pieces behind a unit's token vectors, one
    per row (the encoder's tokenizer on the same text; remembered by text)."""
    seen: dict[str, list[str]] = {}

    def pieces(unit: Unit) -> list[str]:
        if unit.key not in seen:
            found = encoder.tokenizer.encode(unit.normalised).tokens
            seen[unit.key] = [found[i] for i in content_pieces(found)]
        return seen[unit.key]

    return pieces


def stored(matrix: np.ndarray) -> np.ndarray:
    """`matrix` as the cache keeps it (float16), back in float32: a fresh
    matrix is rounded the same way, so a cold build decides as a warm one."""
    return matrix.astype(np.float16).astype(np.float32)


def prefetch(pairs: Sequence[tuple[int, int]], scores: Scores, thresholds: Thresholds) -> None:
    """Compute, in one model call, the token vectors of the units whose
    pairs classify will align token by token (others load when first needed)."""
    from editorial.repeats.scoring import open_for_tokens  # scoring imports this module

    wanted: dict[int, Unit] = {}
    for pair in pairs:
        if open_for_tokens(scores(pair), thresholds):
            wanted.update((k, scores.units[k]) for k in pair)
    units = list(wanted.values())
    if units and units[0].corpus.load_token_vectors is not None:
        units[0].corpus.load_token_vectors(units)
