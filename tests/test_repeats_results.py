"""The findings cache: the same input gives the stored findings without
detecting again; any change to what the findings depend on detects afresh."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from editorial.paragraphs import ParagraphRecord
from editorial.repeats import Document, RepeatSettings, detect, find_repeats

SENTENCE = (
    "The regulator published its annual transparency report on Tuesday, listing "
    "every takedown order it sent to the large platforms during the year."
)
OTHER = (
    "Civil society groups asked the ministry to publish the draft rules for "
    "consultation before they are notified, citing the impact on journalists."
)


def documents(text: str = SENTENCE) -> list[Document]:
    paragraphs = (ParagraphRecord(1, 3, text), ParagraphRecord(2, 5, OTHER))
    return [Document("content/a.md", paragraphs), Document("content/b.md", (
        ParagraphRecord(1, 4, SENTENCE),))]  # fmt: skip


@pytest.fixture
def counted(monkeypatch):
    """How often the detector really ran."""
    calls = []
    real = detect.detect_repeats

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(detect, "detect_repeats", counting)
    return calls


def test_the_same_input_reads_the_stored_findings(tmp_path, counted):
    settings = RepeatSettings(semantic=False, cache_dir=str(tmp_path))
    first = find_repeats(documents(), settings)
    assert [(f.file, f.paragraph, f.kind) for f in first] == [("content/b.md", 1, "exact")]
    again = find_repeats(documents(), settings)
    assert again == first
    assert len(counted) == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda docs, s: (documents(SENTENCE.replace("Tuesday", "Monday")), s),  # a text
        lambda docs, s: ([replace(docs[0], path="content/c.md"), docs[1]], s),  # a path
        lambda docs, s: (docs, replace(s, min_words=30)),  # a setting
        lambda docs, s: (docs, replace(s, near_threshold=0.9)),  # a threshold
    ],
    ids=["text", "path", "min-words", "threshold"],
)
def test_any_change_detects_afresh(tmp_path, counted, change):
    settings = RepeatSettings(semantic=False, cache_dir=str(tmp_path))
    find_repeats(documents(), settings)
    changed_documents, changed_settings = change(documents(), settings)
    result = find_repeats(changed_documents, changed_settings)
    assert len(counted) == 2
    uncached = RepeatSettings(**{**changed_settings.__dict__, "cache_dir": None})
    assert result == find_repeats(changed_documents, uncached)


def test_without_a_cache_directory_nothing_is_stored(tmp_path, counted):
    settings = RepeatSettings(semantic=False, cache_dir=None)
    find_repeats(documents(), settings)
    find_repeats(documents(), settings)
    assert len(counted) == 2


def test_a_damaged_cache_file_is_moved_aside_said_once_and_rebuilt(tmp_path, counted, caplog):
    garbage = b"this is not sqlite\n" * 100
    (tmp_path / "embeddings.sqlite").write_bytes(garbage)
    settings = RepeatSettings(semantic=False, cache_dir=str(tmp_path))
    uncached = RepeatSettings(semantic=False, cache_dir=None)
    with caplog.at_level(logging.INFO, logger="editorial.progress"):
        assert find_repeats(documents(), settings) == find_repeats(documents(), uncached)
        find_repeats(documents(), settings)
    said = [r.getMessage() for r in caplog.records if "was damaged" in r.getMessage()]
    assert len(said) == 1 and "moved aside to embeddings.sqlite.damaged" in said[0]
    assert (tmp_path / "embeddings.sqlite.damaged").read_bytes() == garbage
    assert len(counted) == 2  # the third run was served by the new cache file


WARM_RUN = """
import sys
from editorial.paragraphs import ParagraphRecord
from editorial.repeats import Document, RepeatSettings, find_repeats
documents = [Document("content/a.md", (ParagraphRecord(1, 3, {first!r}),)),
             Document("content/b.md", (ParagraphRecord(1, 4, {first!r}),))]
findings = find_repeats(documents, RepeatSettings(cache_dir={cache!r}))
print(len(findings), *sorted(m for m in ("numpy", "onnxruntime", "editorial.repeats.detect")
                              if m in sys.modules))
"""


def test_a_build_whose_findings_are_known_does_not_load_the_detector(tmp_path):
    # What keeps a warm build cheap: with the findings cached, neither the
    # detector nor numpy nor the model's runtime is imported.
    import subprocess
    import sys
    from pathlib import Path

    script = WARM_RUN.format(first=SENTENCE, cache=str(tmp_path))
    plugins = str(Path(__file__).resolve().parents[1] / "plugins")

    def run() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=plugins, capture_output=True, text=True, check=True
        )
        return done.stdout.split()

    assert run() == ["1", "editorial.repeats.detect", "numpy", "onnxruntime"]
    assert run() == ["1"]


def test_the_findings_of_a_few_inputs_are_kept_side_by_side(tmp_path, counted):
    """`invoke check FILE` between two builds, or the two detections of a build
    with an article over the paragraph limit, do not evict each other."""
    settings = RepeatSettings(semantic=False, cache_dir=str(tmp_path))
    inputs = [documents(), documents(SENTENCE.replace("Tuesday", "Monday"))]
    for _ in range(3):
        for docs in inputs:
            find_repeats(docs, settings)
    assert len(counted) == 2


def test_a_site_with_an_article_over_the_limit_reads_its_findings_back(tmp_path, counted):
    from editorial import site

    settings = {"PATH": str(tmp_path), "EDITORIAL_CACHE_DIR": str(tmp_path / "cache"),
                "EDITORIAL_REPEATS_MAX_PARAGRAPHS": 1}  # fmt: skip
    sources = [site.Source(d.path, (d.path, d.path), d, frozenset()) for d in documents()]
    first = site.review_sources(sources, settings)
    assert len(counted) == 2  # over the limit: semantic without it, lexical with it
    assert site.review_sources(sources, settings) == first
    assert len(counted) == 2  # both read back
