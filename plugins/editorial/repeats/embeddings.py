"""The semantic backend: a sentence-embedding model run on onnxruntime.

The files (model_files.py) are a BERT-style encoder whose first output is the
last hidden state, and its tokenizer. Pooling is mean over real tokens followed
by L2 normalisation, as sentence-transformers does for all-MiniLM-L6-v2.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from editorial.repeats.model_files import MAX_TOKENS, ModelError, ModelFiles, resolve_model, verify

if TYPE_CHECKING:
    import onnxruntime
    import tokenizers

# Texts per model call, after sorting by length. Small batches run faster on
# onnxruntime's CPU kernels here: on 2 cores, 600 Paine paragraphs (~100
# words) embed at 53-57 texts/s in batches of 1-8 against 47 at 32, and
# sentences (~35 words) at 156-160 against 129.
BATCH_SIZE = 8


class Encoder:
    """Text -> L2-normalised sentence embeddings (float32, one row per text).

    The files are verified at once; onnxruntime and the tokenizer are loaded
    on the first `encode` (about 0.4 s of CPU), so a build whose paragraphs
    are all in the embedding cache never pays for them.
    """

    def __init__(self, files: ModelFiles, threads: int | None = None) -> None:
        verify(files)
        self.files = files
        self.model_id = files.model_id
        self.threads = threads
        self.dimension: int | None = None
        self.embedded = 0  # texts run through the model (not served from a cache)
        self._tokenizer = None
        self._session = None

    def _load(self) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as error:  # pragma: no cover - depends on the install
            cause = error.__cause__ or error.__context__
            if isinstance(cause, KeyboardInterrupt):  # Ctrl-C during a C extension's init
                raise cause from None
            raise ModelError(
                f"the semantic backend needs onnxruntime and tokenizers ({error})"
            ) from error
        try:
            tokenizer = Tokenizer.from_file(str(self.files.tokenizer))
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=MAX_TOKENS)
            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads or min(os.cpu_count() or 1, 4)
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            session = ort.InferenceSession(
                str(self.files.model), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # broken file, wrong format
            raise ModelError(f"cannot load the model from {self.files.label}: {error}") from error
        self._tokenizer, self._session = tokenizer, session
        self.input_names = {i.name for i in session.get_inputs()}

    @property
    def tokenizer(self) -> tokenizers.Tokenizer:
        if self._tokenizer is None:
            self._load()
        return self._tokenizer

    @property
    def session(self) -> onnxruntime.InferenceSession:
        if self._session is None:
            self._load()
        return self._session

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension or 0), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")  # similar lengths share a batch: less padding
        out: np.ndarray | None = None
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            width = int(lengths[index].max())
            ids = np.zeros((len(index), width), dtype=np.int64)
            mask = np.zeros((len(index), width), dtype=np.int64)
            for row, i in enumerate(index):
                n = lengths[i]
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            vectors = mean_pool(hidden, mask)
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
                self.dimension = vectors.shape[1]
            out[index] = vectors
        self.embedded += len(texts)
        return out

    def encode_tokens(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> list[np.ndarray]:
        """Per text, the unit vectors of its word pieces (tokens.py: no [CLS],
        [SEP] or punctuation), from the same model call as `encode` before
        pooling, with the same truncation."""
        from editorial.repeats.tokens import content_pieces, normalised_rows

        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        out: list[np.ndarray] = [np.zeros((0, 0), np.float32)] * len(encodings)
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            width = int(lengths[index].max())
            ids = np.zeros((len(index), width), dtype=np.int64)
            mask = np.zeros((len(index), width), dtype=np.int64)
            for row, i in enumerate(index):
                ids[row, : lengths[i]] = encodings[i].ids
                mask[row, : lengths[i]] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            for row, i in enumerate(index):
                keep = content_pieces(encodings[i].tokens)
                out[i] = normalised_rows(hidden[row, keep])
        self.embedded += len(texts)
        return out


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    vectors = summed / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


_ENCODERS: dict[tuple[str, str], Encoder] = {}


def load_encoder(model: str | os.PathLike | None) -> Encoder:
    """The encoder for a model setting, loaded and verified once per process."""
    files = resolve_model(model)
    key = (str(files.model), files.model_sha256)
    if key not in _ENCODERS:
        _ENCODERS[key] = Encoder(files)
    return _ENCODERS[key]
