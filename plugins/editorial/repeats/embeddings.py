"""The semantic backend: a sentence-embedding model run on onnxruntime.

The files (model_files.py) are a BERT-style encoder whose first output is the
last hidden state, and its tokenizer. Pooling is mean over real tokens followed
by L2 normalisation, as sentence-transformers does for all-MiniLM-L6-v2.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from editorial.repeats.model_files import MAX_TOKENS, ModelError, ModelFiles, resolve_model, verify

T = TypeVar("T")

if TYPE_CHECKING:
    import onnxruntime
    import tokenizers

# How texts are batched, after sorting by token count (bucketing by length, so
# little of a batch is padding): up to BATCH_TOKENS padded tokens and at most
# BATCH_SIZE texts per model call. Small batches run best on onnxruntime's CPU
# kernels here: per CPU-second, 4-8 paragraphs a call beat 16-32, and a
# 512-token budget (4 paragraphs of ~120 tokens, 8 sentences) came first.
BATCH_TOKENS = 512
BATCH_SIZE = 8

# At most this many model calls run at once, one per CPU, each on its own core
# (onnxruntime releases the GIL); the session itself runs each call on one
# thread. Two calls on one thread each embed ~1.5x as many texts per CPU-second
# as one call spread over two intra-op threads, which spend a third of their
# time spinning and synchronising on these small int8 matrix products.
MAX_WORKERS = 4


def available_cpus() -> int:
    """CPUs this process may run on (its affinity, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Encoder:
    """Text -> L2-normalised sentence embeddings (float32, one row per text).

    The files are verified at once; onnxruntime and the tokenizer are loaded
    on the first `encode` (about 0.4 s of CPU), so a build whose paragraphs
    are all in the embedding cache never pays for them, or by `load`, which
    a thread may call (site.warm_model) while another encodes: the other
    waits for that load rather than making a second session.
    """

    def __init__(self, files: ModelFiles, workers: int | None = None) -> None:
        verify(files)
        self.files = files
        self.model_id = files.model_id
        self.workers = max(1, workers or min(available_cpus(), MAX_WORKERS))
        self.dimension: int | None = None
        self.embedded = 0  # texts run through the model (not served from a cache)
        self._tokenizer = None
        self._session = None
        self._loading = threading.Lock()

    def load(self) -> None:
        """Load onnxruntime's session and the tokenizer, if not yet loaded.
        Raises ModelError when they cannot be."""
        with self._loading:
            if self._session is None:
                self._open()

    def _open(self) -> None:
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
            options.intra_op_num_threads = 1  # parallel calls instead (MAX_WORKERS)
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
            self.load()
        return self._tokenizer

    @property
    def session(self) -> onnxruntime.InferenceSession:
        if self._session is None:
            self.load()
        return self._session

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text, in order. Batches run on up to
        `workers` threads at once. A text's vector does not depend on its batch
        or the number of workers (beyond float rounding, cosine > 0.99999)."""
        if not texts:
            return np.zeros((0, self.dimension or 0), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = [e.ids for e in encodings]
        batches = length_batches([len(i) for i in ids])
        results = self._map(lambda batch: mean_pool(*self._hidden(ids, batch)), batches)
        self.dimension = results[0].shape[1]
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for batch, vectors in zip(batches, results, strict=True):
            out[batch] = vectors
        self.embedded += len(texts)
        return out

    def encode_tokens(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Per text, the unit vectors of its word pieces (tokens.py: no [CLS],
        [SEP] or punctuation), from the same model call as `encode` before
        pooling, with the same truncation."""
        from editorial.repeats.tokens import content_pieces, normalised_rows

        encodings = self.tokenizer.encode_batch(list(texts))
        ids = [e.ids for e in encodings]

        def pieces(batch: list[int]) -> list[np.ndarray]:
            hidden, _ = self._hidden(ids, batch)
            return [normalised_rows(hidden[row, content_pieces(encodings[i].tokens)])
                    for row, i in enumerate(batch)]  # fmt: skip

        batches = length_batches([len(i) for i in ids])
        out: list[np.ndarray] = [np.zeros((0, 0), np.float32)] * len(encodings)
        for batch, rows in zip(batches, self._map(pieces, batches), strict=True):
            for i, row in zip(batch, rows, strict=True):
                out[i] = row
        self.embedded += len(texts)
        return out

    def _map(self, run: Callable[[list[int]], T], batches: list[list[int]]) -> list[T]:
        """`run` on every batch, on up to `workers` threads at once, in order."""
        if self.workers == 1 or len(batches) == 1:
            return [run(batch) for batch in batches]
        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="editorial-embed")
        try:
            return list(pool.map(run, batches))
        finally:  # on Ctrl-C or an error, drop the batches not started
            pool.shutdown(wait=True, cancel_futures=True)

    def _hidden(self, ids: list[list[int]], batch: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The last hidden state and attention mask of the texts `batch`
        indexes (one model call)."""
        width = max(len(ids[i]) for i in batch)
        tokens = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, i in enumerate(batch):
            tokens[row, : len(ids[i])] = ids[i]
            mask[row, : len(ids[i])] = 1
        feed = {"input_ids": tokens, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feed["token_type_ids"] = np.zeros_like(tokens)
        return self.session.run(None, feed)[0], mask


def length_batches(lengths: Sequence[int]) -> list[list[int]]:
    """Indexes of texts grouped into model calls: sorted by token count, each
    batch at most BATCH_SIZE texts and BATCH_TOKENS padded tokens (one text
    longer than that goes alone), longest first so the last calls are short."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__, reverse=True)
    batches: list[list[int]] = []
    for i in order:
        batch = batches[-1] if batches else None
        # Sorted longest first: the batch's first text sets its padded width.
        width = lengths[batch[0]] if batch else 0
        if batch and len(batch) < BATCH_SIZE and width * (len(batch) + 1) <= BATCH_TOKENS:
            batch.append(i)
        else:
            batches.append([i])
    return batches


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    vectors = summed / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


_ENCODERS: dict[tuple[str, str], Encoder] = {}
_ENCODERS_LOCK = threading.Lock()  # site.warm_model asks from a thread of its own


def load_encoder(model: str | os.PathLike | None) -> Encoder:
    """The encoder for a model setting, loaded and verified once per process."""
    files = resolve_model(model)
    key = (str(files.model), files.model_sha256)
    with _ENCODERS_LOCK:
        if key not in _ENCODERS:
            _ENCODERS[key] = Encoder(files)
        return _ENCODERS[key]
