"""Part 6b of the repeats benchmark, the cold cost: a first build's detection
(nothing in the embedding cache) against what onnxruntime alone does with the
same model on the same machine and the same texts.

Printed, for the first N Paine articles (their paragraphs of >= min_words):

* end to end, ``detect_repeats`` from an empty cache (paragraphs, the
  sentences that compared pairs need, features, candidates, decisions), then
  from the cache it filled; the minutes this projects for 10,000 paragraphs;
  and the process's peak resident memory (VmHWM) at that point, which is why
  this part runs in a process of its own;
* on every other paragraph: the encoder (tokenizing, the model, pooling),
  then raw onnxruntime: the texts already tokenized, nothing but
  ``session.run``, once the way the encoder runs it (one thread per call, a
  call per CPU at once, 512-token batches), once with onnxruntime's default
  session (an intra-op thread per core) and batches of 8 sorted by length.

Run alone: ``python -m bench.repeats_cold --articles 30``.
Numbers on a shared machine are noisy: compare the lines of one run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import numpy as np

from bench import ROOT
from bench.repeats_output import write_line

TARGET_PARAGRAPHS = 10_000  # issue 15: a first build of 1,000 articles in <= 3 minutes


def peak_rss_mb() -> float | None:
    """This process's peak resident memory in MB (Linux), else None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def raw_rates(encoder, texts: Sequence[str]) -> tuple[float, float]:
    """Texts per second of bare `session.run` over pre-tokenized `texts`: with
    onnxruntime's default session, and with the encoder's own session and batches."""
    import onnxruntime as ort

    from editorial.repeats.embeddings import length_batches

    ids = [e.ids for e in encoder.tokenizer.encode_batch(list(texts))]
    default = ort.InferenceSession(str(encoder.files.model), providers=["CPUExecutionProvider"])
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    fixed = [order[i : i + 8] for i in range(0, len(order), 8)]
    started = time.perf_counter()
    for batch in fixed:
        default.run(None, _feed(ids, batch))
    default_rate = len(ids) / (time.perf_counter() - started)

    from concurrent.futures import ThreadPoolExecutor

    session = encoder.session
    started = time.perf_counter()
    with ThreadPoolExecutor(encoder.workers) as pool:
        list(pool.map(lambda b: session.run(None, _feed(ids, b)), length_batches(
            [len(i) for i in ids])))  # fmt: skip
    return default_rate, len(ids) / (time.perf_counter() - started)


def _feed(ids: list[list[int]], batch: list[int]) -> dict[str, np.ndarray]:
    width = max(len(ids[i]) for i in batch)
    tokens = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros_like(tokens)
    for row, i in enumerate(batch):
        tokens[row, : len(ids[i])] = ids[i]
        mask[row, : len(ids[i])] = 1
    return {"input_ids": tokens, "attention_mask": mask, "token_type_ids": np.zeros_like(tokens)}


def report_cold(out: TextIO, folder: Path, articles: int) -> None:
    """Print the cold-cost lines for the first `articles` of `folder`."""
    from bench.repeats_articles import read_markdown_folder
    from editorial.repeats.detect import RepeatSettings, detect_repeats
    from editorial.repeats.embeddings import MAX_WORKERS, available_cpus, load_encoder
    from editorial.repeats.normalise import normalise

    docs = read_markdown_folder(folder, root=folder)[:articles]
    settings = RepeatSettings()
    texts = [normalise(r.text) for d in docs for r in d.paragraphs
             if len(r.text.split()) >= settings.min_words]  # fmt: skip
    write_line(out, f"== cold cost: the first {len(docs)} articles, {len(texts)} paragraphs")
    with tempfile.TemporaryDirectory() as tmp:
        cold = replace(settings, cache_dir=tmp)
        for label in ("cold cache", "warm cache"):
            started, cpu = time.perf_counter(), time.process_time()
            report = detect_repeats(docs, cold)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            per_second = report.units / seconds
            write_line(
                out,
                f"end to end, {label}: {seconds:.1f} s ({cpu:.1f} s of CPU), {per_second:.1f} "
                f"paragraphs/s ({report.embedded} paragraphs and sentences embedded, "
                f"{report.cached} from the cache)",
            )
            if label == "cold cache":
                # A machine shared with other work gives this process less than
                # its cores: CPU seconds over the cores used bound what an idle one takes.
                cores = min(available_cpus(), MAX_WORKERS)
                minutes = TARGET_PARAGRAPHS / per_second / 60
                idle = TARGET_PARAGRAPHS / report.units * cpu / cores / 60
                write_line(out, f"  projected first build of {TARGET_PARAGRAPHS:,} paragraphs: "
                           f"{minutes:.1f} min at this rate; {idle:.1f} min if its {cores} "
                           "cores were its own (CPU time / cores) (target 3)")  # fmt: skip
    peak = peak_rss_mb()
    if peak is not None:  # the model loaded and every text embedded: a build's peak
        write_line(out, f"  peak memory so far: {peak:.0f} MB (target 1,024)")
    sample = texts[::2]  # every other paragraph: the same mix of lengths in half the time
    encoder = load_encoder(settings.model)
    started = time.perf_counter()
    encoder.encode(sample)
    rate = len(sample) / (time.perf_counter() - started)
    write_line(out, f"on every other paragraph ({len(sample)}): the encoder (tokenize, model, "
               f"pool; {encoder.workers} calls at once) {rate:.1f} texts/s")  # fmt: skip
    default_rate, own_rate = raw_rates(encoder, sample)
    write_line(out, f"raw onnxruntime, the encoder's session and batches: {own_rate:.1f} texts/s")
    write_line(out, f"raw onnxruntime, default session, batches of 8: {default_rate:.1f} texts/s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--paine-dir", default=str(ROOT.parent / "shared/benchmarks/real-writing/paine-works")
    )
    parser.add_argument("--articles", type=int, default=30)
    args = parser.parse_args(argv)
    folder = Path(args.paine_dir)
    if not folder.is_dir():
        write_line(sys.stdout, f"ABSENT: {folder} not found; pass --paine-dir")
        return 0
    report_cold(sys.stdout, folder, args.articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
