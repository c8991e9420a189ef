"""The benchmark's threshold rules and its handling of a missing corpus folder."""

import io
from pathlib import Path

import numpy as np
import pytest

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


def test_the_logistic_fit_recovers_the_model_that_made_the_labels():
    from bench.learned_model import fit_logistic

    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 2))
    truth = np.array([-1.0, 2.0, -3.0])  # intercept, then one weight per column
    p = 1 / (1 + np.exp(-(truth[0] + x @ truth[1:])))
    y = (rng.random(4000) < p).astype(float)
    assert np.allclose(fit_logistic(x, y, ridge=1e-6), truth, atol=0.25)


def test_written_coefficients_give_the_fitted_models_probabilities(tmp_path, monkeypatch):
    """bench.repeats_learned --write folds the standardisation into the
    weights: the package's probability on raw features equals the model's."""
    import importlib.util

    from bench import repeats_learned
    from bench.learned_model import Model
    from editorial.repeats import learned

    columns = [repeats_learned.NAMES.index(name) for name in learned.FEATURES]
    model = Model(columns, np.array([0.8, 0.4]), np.array([0.08, 0.17]),
                  np.array([1.5, 0.9, 0.4]), cut=0.7)  # fmt: skip
    copy = tmp_path / "learned.py"
    copy.write_text(Path(learned.__file__).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(repeats_learned, "LEARNED", copy)
    repeats_learned.write_coefficients(model)
    spec = importlib.util.spec_from_file_location("written_learned", copy)
    written = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(written)
    assert written.CUT == 0.7
    rng = np.random.default_rng(1)
    for _ in range(20):
        x = np.zeros(len(repeats_learned.NAMES))
        x[columns] = rng.uniform(0.3, 1.0, size=len(columns))
        values = {name: x[c] for name, c in zip(learned.FEATURES, columns, strict=True)}
        assert written.probability(values) == pytest.approx(model.score(x)[0])
