"""The model of bench/repeats_learned.py: an L2-penalised logistic
regression fitted by iteratively reweighted least squares (numpy only), on
standardised features, with its cut chosen at precision >= 0.90."""

from __future__ import annotations

import numpy as np

from bench.learned_features import NAMES
from bench.repeats_metrics import precision_threshold


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x.mean(axis=0), np.maximum(x.std(axis=0), 1e-9)


def fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = 1.0, steps: int = 50) -> np.ndarray:
    """Weights (intercept first) of an L2-penalised logistic regression by
    iteratively reweighted least squares (the intercept is not penalised)."""
    z = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(z.shape[1])
    penalty = ridge * np.eye(z.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w)))
        r = np.maximum(p * (1 - p), 1e-9)
        hessian = z.T @ (z * r[:, None]) + penalty
        gradient = z.T @ (y - p) - penalty @ w
        step = np.linalg.solve(hessian, gradient)
        w = w + step
        if np.abs(step).max() < 1e-8:
            break
    return w


class Model:
    def __init__(self, columns: list[int], mean, scale, weights, cut: float = 0.5) -> None:
        self.columns, self.mean, self.scale, self.weights, self.cut = (
            columns, mean, scale, weights, cut)  # fmt: skip

    def score(self, x: np.ndarray) -> np.ndarray:
        x = (np.atleast_2d(x)[:, self.columns] - self.mean) / self.scale
        return 1 / (1 + np.exp(-(self.weights[0] + x @ self.weights[1:])))

    def describe(self) -> str:
        pairs = zip(self.columns, self.weights[1:], strict=True)
        parts = [f"{NAMES[c]} {w:+.2f}" for c, w in pairs]
        return f"intercept {self.weights[0]:+.2f}; " + ", ".join(parts) + f"; cut {self.cut:.3f}"


def train(x: np.ndarray, y: np.ndarray, columns: list[int], ridge: float = 1.0) -> Model:
    mean, scale = standardise(x[:, columns])
    w = fit_logistic((x[:, columns] - mean) / scale, y, ridge)
    return Model(columns, mean, scale, w)


def fitted(x, y, columns, ridge: float = 1.0) -> Model:
    """A model fitted on (x, y) with its cut at precision >= 0.90 there (in sample)."""
    model = train(x, y, columns, ridge)
    model.cut = precision_threshold(model.score(x), y, 0.90)
    return model


def cross_validated(x, y, columns, folds: int = 5, seed: int = 0) -> tuple[Model, dict]:
    """A model fitted on all of (x, y), its cut chosen on out-of-fold scores
    (precision >= 0.90), and the out-of-fold precision and recall at that cut."""
    order = np.random.default_rng(seed).permutation(len(y))
    scores = np.zeros(len(y))
    for k in range(folds):
        test = order[k::folds]
        fit = np.setdiff1d(order, test)
        scores[test] = train(x[fit], y[fit], columns).score(x[test])
    model = train(x, y, columns)
    model.cut = precision_threshold(scores, y, 0.90)
    chosen = scores >= model.cut
    stats = {"precision": float(y[chosen].mean()) if chosen.any() else 1.0,
             "recall": float((chosen & (y == 1)).sum() / y.sum()), "n": len(y)}  # fmt: skip
    return model, stats
