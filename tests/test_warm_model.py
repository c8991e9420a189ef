"""The embedding model loads in a thread while Pelican reads (site.warm_model),
only when an article changed since the last detection, and the detection
then uses that encoder instead of loading another."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from editorial import site
from editorial.paragraphs import ParagraphRecord
from editorial.repeats import Document, embeddings, find_repeats, model_files
from editorial.repeats.database import SNAPSHOT_FILENAME


def _project(tmp_path: Path, **settings) -> dict:
    content = tmp_path / "content"
    content.mkdir()
    (content / "one.md").write_text("Title: One\n\nA paragraph.\n", encoding="utf-8")
    (content / "notes.txt").write_text("not an article\n", encoding="utf-8")
    return {
        "PATH": str(content),
        "EDITORIAL_CACHE_DIR": str(tmp_path / "cache"),
        **settings,
    }


def _snapshot(settings: dict, age: float = 0.0) -> Path:
    """The last detection's snapshot file, written `age` seconds after the articles."""
    path = Path(settings["EDITORIAL_CACHE_DIR"]) / "repeats" / SNAPSHOT_FILENAME
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    stamp = (Path(settings["PATH"]) / "one.md").stat().st_mtime + age
    os.utime(path, (stamp, stamp))
    return path


def _touch(path: Path, after: Path) -> None:
    stamp = after.stat().st_mtime + 5
    os.utime(path, (stamp, stamp))


@pytest.mark.parametrize(
    "changed",
    ["notes.txt", "pages/about.md", ".drafts/new.md", "elsewhere/old.md"],
    ids=["not an article", "excluded", "hidden", "outside ARTICLE_PATHS"],
)
def test_nothing_loads_when_no_article_changed_since_the_last_detection(tmp_path, changed):
    settings = _project(tmp_path, ARTICLE_EXCLUDES=["pages"], ARTICLE_PATHS=["", "more"])
    if changed.startswith("elsewhere"):
        settings["ARTICLE_PATHS"] = ["more"]
    snapshot = _snapshot(settings, age=5)
    path = Path(settings["PATH"]) / changed
    path.parent.mkdir(exist_ok=True)
    path.write_text("Title: X\n\nText.\n", encoding="utf-8")
    _touch(path, snapshot)
    assert site.warm_model(settings) is None


def test_an_article_touched_but_unchanged_loads_the_model_no_more_once_its_findings_are_known(
    tmp_path,
):
    settings = _project(tmp_path)
    detector = site.repeat_settings(settings)
    text = "The regulator published its annual transparency report on Tuesday morning."
    documents = [Document("content/one.md", (ParagraphRecord(1, 3, text),))]
    find_repeats(documents, detector)  # detected: the snapshot is written
    snapshot = Path(detector.cache_dir) / SNAPSHOT_FILENAME
    article = Path(settings["PATH"]) / "one.md"
    stamp = article.stat().st_mtime - 10  # the article was checked out again since:
    os.utime(snapshot, (stamp, stamp))  # a newer time, the same text
    find_repeats(documents, detector)  # the findings come from the cache
    assert site.warm_model(settings) is None


@pytest.mark.parametrize("change", ["edited", "added", "first build", "in ARTICLE_PATHS"])
def test_the_model_loads_in_a_thread_when_an_article_changed(tmp_path, change, monkeypatch):
    monkeypatch.setattr(embeddings, "_ENCODERS", {})  # none loaded by another test
    settings = _project(tmp_path)
    if change == "in ARTICLE_PATHS":
        settings["ARTICLE_PATHS"] = ["more"]
    if change != "first build":
        snapshot = _snapshot(settings, age=5)
        name = {"edited": "one.md", "added": "sub/two.md"}.get(change, "more/three.md")
        article = Path(settings["PATH"]) / name
        article.parent.mkdir(exist_ok=True)
        article.write_text("Title: Two\n\nText.\n", encoding="utf-8")
        _touch(article, snapshot)
    thread = site.warm_model(settings)
    assert isinstance(thread, threading.Thread)
    thread.join(timeout=120)
    encoder = embeddings.load_encoder(model_files.PACKAGED)
    assert encoder._session is not None  # loaded by the thread, for the detection to use


@pytest.mark.parametrize(
    "settings",
    [
        {"EDITORIAL_REPEATS_SEMANTIC": False},
        {"EDITORIAL_CACHE_DIR": ""},
        {"EDITORIAL_MIN_WORDS": "many"},  # invalid: the build reports it, nothing starts
    ],
    ids=["lexical", "no cache", "invalid settings"],
)
def test_nothing_loads_when_the_detection_would_not_use_the_model(tmp_path, settings):
    assert site.warm_model(_project(tmp_path, **settings)) is None


def test_a_model_that_cannot_load_is_left_to_the_detection_to_report(tmp_path, monkeypatch):
    escaped = []  # what a thread raises goes to threading.excepthook, not to pytest
    monkeypatch.setattr(threading, "excepthook", escaped.append)
    settings = _project(tmp_path, EDITORIAL_REPEATS_MODEL=str(tmp_path / "missing"))
    thread = site.warm_model(settings)
    assert thread is not None
    thread.join(timeout=30)
    assert not thread.is_alive() and escaped == []
    with pytest.raises(model_files.ModelError):
        embeddings.load_encoder(str(tmp_path / "missing"))


def test_an_encode_waits_for_a_load_in_progress_instead_of_loading_again(monkeypatch):
    files = model_files.resolve_model(model_files.PACKAGED)
    encoder = embeddings.Encoder(files)
    opened = []
    real_open = embeddings.Encoder._open

    def slow_open(self):
        opened.append(threading.current_thread().name)
        time.sleep(0.3)  # long enough for the other thread to ask meanwhile
        real_open(self)

    monkeypatch.setattr(embeddings.Encoder, "_open", slow_open)
    loader = threading.Thread(target=encoder.load, name="loader")
    loader.start()
    time.sleep(0.05)
    vectors = encoder.encode(["A sentence to embed while the model is loading."])
    loader.join()
    assert opened == ["loader"]
    assert vectors.shape[0] == 1
