"""A float32 numpy forward pass of a BERT encoder read from ``model.safetensors``.

Used only to check the int8 ONNX model against the original weights
(`invoke bench.repeats`; it lives in bench/, outside the plugin): about 4-5x
slower than onnxruntime, so never on the build path. Reads safetensors
without the safetensors package (the format is an 8-byte header length, a
JSON header, then raw little-endian data).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

_DTYPES = {"F32": np.float32, "I64": np.int64, "F16": np.float16}


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    raw = Path(path).read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])
    base = 8 + size
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(raw[base + start : base + end], dtype=_DTYPES[info["dtype"]])
        tensors[name] = array.reshape(info["shape"]).astype(np.float32)
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    erf = np.vectorize(math.erf, otypes=[np.float32])
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


class ReferenceBert:
    def __init__(self, model_dir: Path) -> None:
        model_dir = Path(model_dir)
        self.config = json.loads((model_dir / "config.json").read_text())
        self.w = load_safetensors(model_dir / "model.safetensors")
        self.heads = self.config["num_attention_heads"]
        self.layers = self.config["num_hidden_layers"]
        self.eps = self.config.get("layer_norm_eps", 1e-12)

    def hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w, p = self.w, ""
        if "embeddings.word_embeddings.weight" not in w:
            p = "bert."
        n, t = ids.shape
        x = (
            w[p + "embeddings.word_embeddings.weight"][ids]
            + w[p + "embeddings.position_embeddings.weight"][np.arange(t)][None]
            + w[p + "embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = _layer_norm(
            x, w[p + "embeddings.LayerNorm.weight"], w[p + "embeddings.LayerNorm.bias"], self.eps
        )
        d = x.shape[-1]
        hd = d // self.heads
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        for layer in range(self.layers):
            q = f"{p}encoder.layer.{layer}."

            def lin(inp, name, q=q):
                return inp @ w[q + name + ".weight"].T + w[q + name + ".bias"]

            def split(a):
                return a.reshape(n, t, self.heads, hd).transpose(0, 2, 1, 3)

            qs = split(lin(x, "attention.self.query"))
            ks = split(lin(x, "attention.self.key"))
            vs = split(lin(x, "attention.self.value"))
            scores = qs @ ks.transpose(0, 1, 3, 2) / math.sqrt(hd) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ vs).transpose(0, 2, 1, 3).reshape(n, t, d)
            x = _layer_norm(
                lin(ctx, "attention.output.dense") + x,
                w[q + "attention.output.LayerNorm.weight"],
                w[q + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            h = _gelu(lin(x, "intermediate.dense"))
            x = _layer_norm(
                lin(h, "output.dense") + x,
                w[q + "output.LayerNorm.weight"],
                w[q + "output.LayerNorm.bias"],
                self.eps,
            )
        return x


def reference_embeddings(model_dir: Path, tokenizer, texts: list[str]) -> np.ndarray:
    """fp32 sentence embeddings (mean pooling + L2), one text at a time (no padding)."""
    from editorial.repeats.embeddings import mean_pool

    bert = ReferenceBert(model_dir)
    rows = []
    for text in texts:
        enc = tokenizer.encode(text)
        ids = np.array([enc.ids], dtype=np.int64)
        mask = np.ones_like(ids)
        rows.append(mean_pool(bert.hidden(ids, mask), mask)[0])
    return np.array(rows, dtype=np.float32)
