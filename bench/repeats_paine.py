"""Parts 5 and 6 of the repeats benchmark: false alarms per 100 articles on
real writing never spun (Paine), within- and cross-article separately with the
flagged pairs listed, then the detector's timing on the same articles and
its cold cost (bench/repeats_cold.py)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bench import ROOT
from bench.repeats_articles import read_markdown_folder
from bench.repeats_output import write_line
from editorial.findings import Finding
from editorial.repeats.detect import Document, RepeatSettings, detect_repeats

# (file, paragraph ordinal) -> paragraph text, to show what was flagged.
ParagraphTexts = dict[tuple[str, int], str]


def report_paine(out: TextIO, folder: Path, settings: RepeatSettings, cold_articles: int) -> None:
    """Print parts 5 and 6, or ABSENT when `folder` is missing."""
    write_line(out, f"== false alarms on real writing never spun ({folder})")
    if not folder.is_dir():
        write_line(out, f"ABSENT: {folder} not found; pass --paine-dir; skipping this part")
        return
    t0 = time.perf_counter()
    docs = read_markdown_folder(folder, root=folder)
    parse = time.perf_counter() - t0
    units = sum(1 for d in docs for r in d.paragraphs if len(r.text.split()) >= settings.min_words)
    write_line(
        out,
        f"{len(docs)} articles, {units} paragraphs of >= {settings.min_words} words "
        f"(Markdown parsed in {parse:.1f} s)",
    )
    t = time.perf_counter()
    detect_repeats(docs, settings)  # project cache: cold only the first time
    first = time.perf_counter() - t
    t = time.perf_counter()
    report = detect_repeats(docs, settings)
    warm = time.perf_counter() - t
    _print_false_alarms(out, docs, report.findings)
    write_line(out)
    write_line(out, "== timing (2 cores; onnxruntime int8)")
    write_line(
        out,
        f"all {len(docs)} articles, project cache ({report.cached} texts cached): first run "
        f"{first:.1f} s, again {warm:.1f} s = {1000 * warm / len(docs):.0f} ms per article "
        f"(warm; {report.candidates} candidate pairs scored)",
    )
    if cold_articles:
        _print_cold_timing(out, folder, cold_articles)


def count_kinds(findings: Sequence[Finding]) -> str:
    """The findings counted by kind, as "(exact 2, near 1)"; "" when there are none."""
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    return "(" + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")" if counts else ""


def _print_false_alarms(out: TextIO, docs: list[Document], findings: Sequence[Finding]) -> None:
    """Every flag here is a false alarm unless the text really repeats itself."""
    n = len(docs)
    within = [f for f in findings if f.file == f.repeats.file]
    cross = [f for f in findings if f.file != f.repeats.file]
    write_line(
        out,
        f"within-article flags: {len(within)} = {100 * len(within) / n:.2f} per 100 "
        "articles "
        f"(budget 5) {count_kinds(within)}",
    )
    write_line(
        out,
        f"cross-article flags: {len(cross)} = {100 * len(cross) / n:.2f} per 100 articles "
        f"{count_kinds(cross)}",
    )
    texts = {(d.path, p.ordinal): p.text for d in docs for p in d.paragraphs}
    write_line(
        out, "within-article flags (look before calling them wrong: Paine re-quotes passages):"
    )
    for f in within:
        write_line(out, f"  {f.as_text()}")
        _print_flagged_texts(out, f, texts)
    _print_cross_article_pairs(out, cross, texts)


def _print_cross_article_pairs(
    out: TextIO, cross: Sequence[Finding], texts: ParagraphTexts
) -> None:
    """Cross flags grouped by article pair: editions of one work account for most."""
    pairs: dict[tuple[str, str], int] = {}
    for f in cross:
        key = (f.file, f.repeats.file)
        pairs[key] = pairs.get(key, 0) + 1
    top = sorted(pairs.items(), key=lambda kv: -kv[1])
    write_line(
        out,
        f"cross-article flags come from {len(pairs)} article pairs; the largest "
        "(the corpus holds several editions/extracts of the same works):",
    )
    for (later, earlier), count in top[:12]:
        write_line(out, f"  {count:4d}  {later}  <-  {earlier}")
    single = [f for f in cross if pairs[(f.file, f.repeats.file)] == 1]
    write_line(out, f"  article pairs with a single cross flag: {len(single)}")
    for f in single[:8]:
        write_line(out, f"    {f.as_text()}")
        _print_flagged_texts(out, f, texts)


def _print_flagged_texts(out: TextIO, finding: Finding, texts: ParagraphTexts) -> None:
    write_line(out, f"      later:   {texts[(finding.file, finding.paragraph)][:110]}")
    earlier = texts[(finding.repeats.file, finding.repeats.paragraph)]
    write_line(out, f"      earlier: {earlier[:110]}")


def _print_cold_timing(out: TextIO, folder: Path, articles: int) -> None:
    """The cold cost (bench/repeats_cold.py), in a process of its own so that
    its peak memory is its own."""
    command = [sys.executable, "-m", "bench.repeats_cold", "--paine-dir", str(folder),
               "--articles", str(articles)]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    for line in result.stdout.splitlines():
        write_line(out, line)
    if result.returncode:
        write_line(out, f"cold-cost part failed: {result.stderr.strip().splitlines()[-1:]}")
