"""The benchmark's threshold rules and its handling of a missing corpus folder."""

import io
from pathlib import Path

import numpy as np

from bench import repeats as bench_repeats


def test_precision_threshold_is_the_lowest_cut_with_enough_precision():
    scores = np.array([0.95, 0.9, 0.85, 0.8, 0.7, 0.6])
    labels = np.array([1, 1, 0, 1, 1, 0])
    # cuts: 0.95 -> 1/1, 0.9 -> 2/2, 0.85 -> 2/3, 0.8 -> 3/4, 0.7 -> 4/5, 0.6 -> 4/6
    assert bench_repeats.precision_threshold(scores, labels, 0.75) == 0.7
    assert bench_repeats.precision_threshold(scores, labels, 0.9) == 0.9


def test_best_accuracy_threshold_separates_the_classes():
    scores = np.array([0.2, 0.3, 0.6, 0.7, 0.9])
    labels = np.array([0, 0, 1, 1, 1])
    assert 0.3 < bench_repeats.best_accuracy_threshold(scores, labels) <= 0.6


def test_missing_corpus_folders_are_reported_not_fatal(tmp_path, monkeypatch):
    out = io.StringIO()
    # Skip the slow parts: the seed and labelled articles still run (small).
    monkeypatch.setattr(bench_repeats, "_reference_check", lambda *a, **k: None)
    root = Path(__file__).resolve().parent.parent
    settings = bench_repeats.RepeatSettings(cache_dir=str(tmp_path / "cache"))
    code = bench_repeats.run(
        root, tmp_path / "no-paraphrase", tmp_path / "no-paine", settings=settings, out=out
    )
    text = out.getvalue()
    assert code == 0
    assert f"ABSENT: {tmp_path / 'no-paraphrase'}" in text
    assert f"ABSENT: {tmp_path / 'no-paine'} not found" in text
    assert "found 5/5 expected, false flags 0" in text
