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


def report_labelled(
    out: TextIO, root: Path, settings: RepeatSettings, folder: str = "tests/data/repeats"
) -> None:
    """Print part 4: the labelled articles in `folder` against its labels.json,
    with recall per labelled kind and precision per reported kind."""
    data = root / folder
    write_line(out, f"== labelled articles ({folder})")
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
    for line in per_kind_lines(report.findings, labels):
        write_line(out, f"  {line}")
    for f in report.findings:
        write_line(out, f"  {'FALSE ' if f in result['false_flags'] else 'ok    '}{f.as_text()}")
    for e in result["missed"]:
        write_line(out, f"  MISSED {e['file']} paragraph {e['paragraph']} ({e['kind']})")


def _label_group(e: dict) -> str:
    """The group a labelled repeat is counted in: its kind, and for a paraphrase
    whether it stands alone (single) or in a run, within or across articles."""
    if e["kind"] != "paraphrase":
        return e["kind"]
    shape = "single" if e.get("isolated_paraphrase") else "in a run"
    where = "within" if all(r[0] == e["file"] for r in e["repeats"]) else "cross"
    return f"paraphrase {shape} {where}-article"


def per_kind_lines(findings: Sequence[Finding], labels: dict) -> list[str]:
    """Recall per labelled group, single reworded paragraphs pooled, precision per
    reported kind, and how many hard negatives were flagged."""
    expected = {(e["file"], e["paragraph"]): e for e in labels["findings"]}
    hit = {
        (f.file, f.paragraph)
        for f in findings
        if (f.file, f.paragraph) in expected
        and [f.repeats.file, f.repeats.paragraph] in expected[(f.file, f.paragraph)]["repeats"]
    }
    groups: dict[str, list[bool]] = {}
    for key, e in expected.items():
        groups.setdefault(_label_group(e), []).append(key in hit)
    single = [key in hit for key, e in expected.items() if e.get("isolated_paraphrase")]
    if single:
        groups["paraphrase single (all)"] = single
    lines = [
        f"recall {name}: {sum(found)}/{len(found)} = {sum(found) / len(found):.3f}"
        for name, found in sorted(groups.items())
    ]
    for kind in sorted({f.kind for f in findings}):
        of_kind = [f for f in findings if f.kind == kind]
        right = sum((f.file, f.paragraph) in hit for f in of_kind)
        lines.append(f"precision of {kind} findings: {right}/{len(of_kind)}")
    traps = {
        (h["file"], h["paragraph"], tuple(v)) for h in labels["hard_negatives"] for v in h["vs"]
    }
    sprung = sum((f.file, f.paragraph, (f.repeats.file, f.repeats.paragraph)) in traps
                 for f in findings)  # fmt: skip
    lines.append(f"hard negatives flagged: {sprung} of {len(traps)} trap pairs")
    return lines
