"""The detector end to end: the seed, the labelled articles, cross-article
repeats, the fallback, the model checksum, the embedding cache, and scale."""

from __future__ import annotations

import hashlib
import json
import logging
import random
import shutil
import time
import zlib
from pathlib import Path

import numpy as np
import pytest

from editorial.paragraphs import ParagraphRecord
from editorial.repeats import Document, RepeatSettings, embeddings, find_repeats, model_files
from editorial.repeats.detect import detect_repeats
from tests.support import paragraphs_of

ROOT = Path(__file__).resolve().parent.parent
SEED_ARTICLE = ROOT / "content/2022/pakistan-foreign-minister-urges-meta-to-open-office.md"
LABELLED = ROOT / "tests/data/repeats"


def seed_document() -> Document:
    records = paragraphs_of(SEED_ARTICLE.read_text(encoding="utf-8"))
    return Document("seed.md", records)


def settings(tmp_path: Path, **changes) -> RepeatSettings:
    return RepeatSettings(cache_dir=str(tmp_path / "cache"), **changes)


def test_seed_gives_exactly_the_five_expected_findings(tmp_path):
    findings = find_repeats([seed_document()], settings(tmp_path))
    pairs = {(f.paragraph, f.repeats.paragraph, f.kind) for f in findings}
    # From the seed's README: 9-12 paraphrase 4-7, 13 copies 8; nothing else.
    assert pairs == {
        (9, 4, "paraphrase"),
        (10, 5, "paraphrase"),
        (11, 6, "paraphrase"),
        (12, 7, "paraphrase"),
        (13, 8, "exact"),
    }
    assert all(f.file == "seed.md" and f.repeats.file == "seed.md" for f in findings)
    assert all(0 < f.score <= 1 for f in findings)


def _labelled_documents() -> list[Document]:
    docs = []
    for path in sorted(LABELLED.glob("*.md")):
        records = paragraphs_of(path.read_text(encoding="utf-8"))
        docs.append(Document(path.name, records))  # file names sort by date
    return docs


def _labelled():
    labels = json.loads((LABELLED / "labels.json").read_text(encoding="utf-8"))
    return labels, {(e["file"], e["paragraph"]): e for e in labels["findings"]}


def test_labelled_articles(tmp_path):
    _, expected = _labelled()
    findings = find_repeats(_labelled_documents(), settings(tmp_path))
    got = {(f.file, f.paragraph): f for f in findings}
    assert set(got) == set(expected)  # every repeat, and no false flag
    for key, e in expected.items():
        f = got[key]
        assert [f.repeats.file, f.repeats.paragraph] in e["repeats"], f.as_text()
        assert f.kind == e["kind"], f.as_text()


def _as_tuples(findings):
    return [
        (f.file, f.paragraph, f.kind, f.score, f.repeats.file, f.repeats.paragraph)
        for f in findings
    ]


def test_a_warm_build_and_a_rebuild_after_an_edit_find_what_a_cold_build_finds(tmp_path):
    """The caches (vectors, text features, last build's semantic pairs) change
    how much is computed, never the findings."""
    documents = [seed_document(), *_labelled_documents()]
    warm = settings(tmp_path / "warm")
    cold = detect_repeats(documents, warm)
    again = detect_repeats(documents, warm)
    assert again.embedded == 0 and _as_tuples(again.findings) == _as_tuples(cold.findings)
    # One article edited (a paragraph reworded, one added), one removed, one added.
    edited = documents[1].paragraphs
    reworded = ParagraphRecord(
        edited[2].ordinal, edited[2].line, edited[2].text.replace(" the ", " that ", 2)
    )
    added = ParagraphRecord(
        99, 999, "A paragraph written for this edit, long enough to be compared with others."
    )
    changed = [
        documents[0],
        Document(documents[1].path, (*edited[:2], reworded, *edited[3:], added)),
        documents[2],
        *documents[4:],
        Document("new.md", documents[2].paragraphs[:3]),  # copies
    ]
    rebuilt = detect_repeats(changed, warm)
    assert rebuilt.embedded > 0
    fresh = detect_repeats(changed, settings(tmp_path / "fresh"))
    assert _as_tuples(rebuilt.findings) == _as_tuples(fresh.findings)
    assert any(f.file == "new.md" for f in fresh.findings)


def test_cross_article_repeats_are_found(tmp_path):
    first = Document(
        "content/2023/a.md",
        (
            ParagraphRecord(1, 5, "An introduction long enough to be compared with the others."),
            ParagraphRecord(
                2, 7,
                "Under the final text, transfers are allowed to any country except those the "
                "central government names in a notification. No such list had been published "
                "by the end of 2023.",
            ),
            ParagraphRecord(
                3, 9,
                "Businesses welcomed the change. The Internet and Mobile Association of India "
                "said the negative-list approach would save its members the cost of building "
                "duplicate data centres.",
            ),
        ),
    )  # fmt: skip
    second = Document(
        "content/2024/b.md",
        (
            ParagraphRecord(
                1, 6,
                "The final text permits transfers to every country apart from those named by "
                "the central government in a notification, and by the end of 2023 no such "
                "list had appeared.",
            ),
            ParagraphRecord(
                2, 8,
                "Businesses welcomed the change. The Internet and Mobile Association of India "
                "said the negative-list approach would save its members the cost of building "
                "duplicate data centres in India.",
            ),
        ),
    )  # fmt: skip
    findings = find_repeats([first, second], settings(tmp_path))
    assert [(f.file, f.paragraph, f.line, f.kind, f.repeats.file, f.repeats.paragraph,
             f.repeats.line) for f in findings] == [
        ("content/2024/b.md", 1, 6, "paraphrase", "content/2023/a.md", 2, 7),
        ("content/2024/b.md", 2, 8, "near", "content/2023/a.md", 3, 9),
    ]  # fmt: skip


def test_wrong_model_dir_falls_back_to_lexical_and_says_so_once_per_build(tmp_path, caplog):
    doc = seed_document()
    wrong = settings(tmp_path, model=str(tmp_path / "no-such-model"))
    with caplog.at_level(logging.WARNING, logger="editorial.repeats"):
        first = detect_repeats([doc], wrong)
    warnings = [
        r.getMessage() for r in caplog.records if "semantic backend unavailable" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert "no-such-model" in warnings[0] and "lexical" in warnings[0]
    # No state is kept between builds: the next one falls back as well (and
    # warns again; Pelican's own filter drops a repeated identical warning
    # within one process, so its log is not asserted here).
    second = detect_repeats([doc], wrong)
    assert first.backend.startswith("lexical") and second.backend.startswith("lexical")
    # Lexical detection still finds the exact copy, and no paraphrase.
    assert [(f.paragraph, f.repeats.paragraph, f.kind) for f in first.findings] == [
        (13, 8, "exact")
    ]


def _model_copy(tmp_path: Path) -> Path:
    files = model_files.resolve_model(model_files.PACKAGED)
    directory = tmp_path / "model"
    directory.mkdir()
    shutil.copy(files.model, directory / "model.onnx")
    shutil.copy(files.tokenizer, directory / "tokenizer.json")
    return directory


def test_a_model_that_fails_midway_falls_back_to_lexical(tmp_path, caplog):
    # Paragraph vectors embed; the sentence vectors a pair asks for later fail.
    model = embeddings.load_encoder(model_files.PACKAGED)
    calls = []

    def flaky(texts):
        calls.append(len(texts))
        if len(calls) > 1:
            raise RuntimeError("out of memory")
        return model.encode(texts)

    with caplog.at_level(logging.WARNING, logger="editorial.repeats"):
        report = detect_repeats([seed_document()], settings(tmp_path), encoder=(flaky, "flaky"))
    assert len(calls) == 2
    assert report.backend == "lexical: out of memory"
    assert any("embedding failed (out of memory)" in r.getMessage() for r in caplog.records)
    assert [(f.paragraph, f.repeats.paragraph, f.kind) for f in report.findings] == [
        (13, 8, "exact")
    ]


def test_model_sha256_mismatch_is_refused(tmp_path, caplog):
    directory = _model_copy(tmp_path)
    good = hashlib.sha256((directory / "tokenizer.json").read_bytes()).hexdigest()
    (directory / "SHA256SUMS").write_text(f"{'0' * 64}  model.onnx\n{good}  tokenizer.json\n")
    with pytest.raises(model_files.ModelError, match=r"sha256 mismatch for .*model\.onnx"):
        embeddings.load_encoder(directory)
    with caplog.at_level(logging.WARNING, logger="editorial.repeats"):
        report = detect_repeats([seed_document()], settings(tmp_path, model=str(directory)))
    assert report.backend.startswith("lexical")
    assert any("sha256 mismatch" in r.getMessage() for r in caplog.records)


def test_packaged_model_is_verified_against_pinned_sha256():
    files = model_files.resolve_model(model_files.PACKAGED)
    assert files.model_sha256 == "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
    model_files.verify(files)  # raises on mismatch


def test_model_directory_setting_is_used(tmp_path):
    directory = _model_copy(tmp_path)
    sums = "".join(
        f"{hashlib.sha256((directory / n).read_bytes()).hexdigest()}  {n}\n"
        for n in ("model.onnx", "tokenizer.json")
    )
    (directory / "SHA256SUMS").write_text(sums)
    report = detect_repeats([seed_document()], settings(tmp_path, model=str(directory)))
    assert report.backend == f"semantic: {directory}"
    assert len(report.findings) == 5


class CountingEncoder:
    """Wraps an encode function and counts the texts it is asked to embed."""

    def __init__(self, encode):
        self.encode = encode
        self.texts = 0

    def __call__(self, texts):
        self.texts += len(texts)
        return self.encode(texts)


def test_embedding_cache_is_reused_and_invalidated_by_a_model_change(tmp_path):
    real = embeddings.load_encoder(model_files.PACKAGED)
    doc = seed_document()
    s = settings(tmp_path)

    counting = CountingEncoder(real.encode)
    first = detect_repeats([doc], s, encoder=(counting, real.model_id))
    assert counting.texts > 0 and first.embedded == counting.texts

    counting = CountingEncoder(real.encode)
    second = detect_repeats([doc], s, encoder=(counting, real.model_id))
    assert counting.texts == 0 and second.embedded == 0
    assert second.findings == first.findings

    # Another model id (a different model file or pooling): nothing is reused...
    other = CountingEncoder(real.encode)
    detect_repeats([doc], s, encoder=(other, "another-model"))
    assert other.texts == first.embedded
    # ...and switching back re-embeds: the old vectors were invalidated.
    counting = CountingEncoder(real.encode)
    detect_repeats([doc], s, encoder=(counting, real.model_id))
    assert counting.texts == first.embedded


def test_cache_key_changes_with_the_model_files():
    files = model_files.resolve_model(model_files.PACKAGED)
    other = model_files.ModelFiles(
        files.model, files.tokenizer, "f" * 64, files.tokenizer_sha256, "other"
    )
    assert files.model_id != other.model_id


# ------------------------------------------------------------------ scale

_WORDS = [f"w{n}" for n in range(5000)]


def bag_of_words_encoder(texts):
    """A fast stand-in for the model: hashed word vectors, summed and normalised.
    Similar texts get similar vectors, so every stage of the pipeline runs."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.split():
            rng = np.random.default_rng(zlib.crc32(word.encode()))
            out[row] += rng.standard_normal(64).astype(np.float32)
        out[row] /= max(np.linalg.norm(out[row]), 1e-9)
    return out


def test_book_length_document_is_fast(tmp_path):
    rng = random.Random(7)
    texts = [
        " ".join(rng.choice(_WORDS) for _ in range(rng.randint(20, 60))) + "." for _ in range(1500)
    ]
    texts[1200] = texts[300]  # an exact copy
    words = texts[700].split()
    words[5] = "changed"
    texts[1400] = " ".join(words)  # a near copy: one word changed
    doc = Document("book.md", tuple(ParagraphRecord(i + 1, i + 1, t) for i, t in enumerate(texts)))
    start = time.perf_counter()
    report = detect_repeats([doc], settings(tmp_path), encoder=(bag_of_words_encoder, "bow"))
    elapsed = time.perf_counter() - start
    assert [(f.paragraph, f.repeats.paragraph, f.kind) for f in report.findings] == [
        (1201, 301, "exact"),
        (1401, 701, "near"),
    ]
    assert elapsed < 30, f"{elapsed:.1f} s for 1,500 paragraphs"


def test_a_template_line_in_every_article_keeps_candidates_linear(tmp_path):
    # "This note is item 17 of the series." recurs in every article with its
    # own number: the lines differ only in the number, so none repeats another,
    # and they must not be paired with each other (N^2 / 2 pairs to decide).
    rng = random.Random(11)
    articles = 400
    documents = []
    for n in range(articles):
        prose = " ".join(rng.choice(_WORDS) for _ in range(40)) + "."
        template = f"This note is item {n + 1} of the series on the state budget."
        records = (ParagraphRecord(1, 3, prose), ParagraphRecord(2, 5, template))
        documents.append(Document(f"content/note-{n}.md", records))
    report = detect_repeats(documents, settings(tmp_path), encoder=(bag_of_words_encoder, "bow"))
    assert report.units == 2 * articles
    assert report.candidates < articles  # would be 79,800 pairs of template lines
    assert report.findings == []
