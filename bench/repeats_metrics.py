"""Precision, recall and the threshold rules of the repeats benchmark."""

from __future__ import annotations

import numpy as np


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (an empty denominator counts as perfect)."""
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
    """Precision, recall, F1 and accuracy of predicting positive for scores >= t."""
    predicted = scores >= t
    tp = int((predicted & (labels == 1)).sum())
    fp = int((predicted & (labels == 0)).sum())
    fn = int((~predicted & (labels == 1)).sum())
    p, r, f = prf(tp, fp, fn)
    accuracy = float((predicted == (labels == 1)).mean())
    return {"threshold": t, "precision": p, "recall": r, "f1": f, "accuracy": accuracy}
