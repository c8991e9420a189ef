"""Parts 3 and 4 of the repeats benchmark: the seed article (its 5 expected
pairs) and the labelled articles in tests/data/repeats."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bench.repeats_metrics import prf
from bench.repeats_output import write_line
from editorial.findings import Finding
from editorial.paragraphs import ParagraphRecord
from editorial.project import make_markdown
from editorial.repeats.detect import Document, RepeatSettings, detect_repeats
from editorial.sources import parse_article

# (later paragraph, earlier paragraph) pairs the seed article repeats.
SEED_EXPECTED = {(9, 4), (10, 5), (11, 6), (12, 7), (13, 8)}


def read_markdown_folder(folder: Path, root: Path | None = None) -> list[Document]:
    """Markdown articles as Documents, oldest first (by Date, then path)."""
    md = make_markdown()
    sources = []
    for path in sorted(folder.glob("*.md")):
        name = str(path.relative_to(root)) if root else path.name
        sources.append(parse_article(path.read_text(encoding="utf-8"), name, md))
    return [s.document for s in sorted(sources, key=lambda s: s.sort_key)]


def read_seed(root: Path, shared: Path) -> tuple[list[Document], str]:
    """content/2022 if it holds the seed article, else the shared seed text."""
    article = root / "content/2022/pakistan-foreign-minister-urges-meta-to-open-office.md"
    if article.is_file():
        name = str(article.relative_to(root))
        source = parse_article(article.read_text(encoding="utf-8"), name, make_markdown())
        return [source.document], name
    path = shared / "seed/000_dbc9ac6f35ebb0b2.txt"
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = tuple(ParagraphRecord(i + 1, i + 1, t) for i, t in enumerate(lines))
    return [Document(str(path), records)], str(path)


def evaluate_labelled(findings: Sequence[Finding], labels: dict) -> dict:
    """Findings scored against labels.json: counts, P/R/F1, false flags, misses."""
    expected = {(e["file"], e["paragraph"]): e for e in labels["findings"]}
    tp = fp = kind_ok = 0
    false_flags = []
    for f in findings:
        e = expected.get((f.file, f.paragraph))
        if e and [f.repeats.file, f.repeats.paragraph] in e["repeats"]:
            tp += 1
            kind_ok += f.kind == e["kind"]
        else:
            fp += 1
            false_flags.append(f)
    found = {(f.file, f.paragraph) for f in findings if (f.file, f.paragraph) in expected}
    missed = [e for key, e in expected.items() if key not in found]
    fn = len(expected) - tp
    p, r, f1 = prf(tp, fp, fn)
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": p,
        "recall": r,
        "f1": f1,
        "kind_ok": kind_ok,
        "false_flags": false_flags,
        "missed": missed,
    }


def report_seed(out: TextIO, root: Path, shared: Path, settings: RepeatSettings) -> None:
    """Print part 3: the seed article's findings against SEED_EXPECTED."""
    seed_docs, seed_name = read_seed(root, shared)
    write_line(out, f"== seed ({seed_name})")
    report = detect_repeats(seed_docs, settings)
    got = {(f.paragraph, f.repeats.paragraph) for f in report.findings}
    tp = len(got & SEED_EXPECTED)
    p, r, f1 = prf(tp, len(got - SEED_EXPECTED), len(SEED_EXPECTED - got))
    write_line(
        out,
        f"found {tp}/5 expected, false flags {len(got - SEED_EXPECTED)}: "
        f"precision {p:.3f} recall {r:.3f} F1 {f1:.3f}",
    )
    for f in report.findings:
        mark = "ok " if (f.paragraph, f.repeats.paragraph) in SEED_EXPECTED else "FALSE"
        write_line(out, f"  {mark} {f.message()}")


def report_labelled(out: TextIO, root: Path, settings: RepeatSettings) -> None:
    """Print part 4: the labelled articles' findings against labels.json."""
    data = root / "tests/data/repeats"
    write_line(out, f"== labelled articles ({data.relative_to(root)})")
    labels = json.loads((data / "labels.json").read_text(encoding="utf-8"))
    docs = read_markdown_folder(data)
    report = detect_repeats(docs, settings)
    result = evaluate_labelled(report.findings, labels)
    write_line(
        out,
        f"{len(docs)} articles, {len(labels['findings'])} labelled repeats: "
        f"tp {result['tp']} fp {result['fp']} fn {result['fn']}; precision "
        f"{result['precision']:.3f} recall {result['recall']:.3f} F1 {result['f1']:.3f}; "
        f"kind right {result['kind_ok']}/{result['tp']}",
    )
    for f in report.findings:
        write_line(out, f"  {'FALSE ' if f in result['false_flags'] else 'ok    '}{f.as_text()}")
    for e in result["missed"]:
        write_line(out, f"  MISSED {e['file']} paragraph {e['paragraph']} ({e['kind']})")
