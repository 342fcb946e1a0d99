"""ROC curve, AUC and background rejection from scores, in numpy (ties handled as sklearn does)."""

from __future__ import annotations

import numpy as np


def roc_curve(labels: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(background efficiency, signal efficiency) at every distinct threshold, from (0, 0) to (1, 1)."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order] == 1
    distinct = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]     # last index of each score value
    tp = np.cumsum(y)[distinct]
    fp = (distinct + 1) - tp
    tpr = np.r_[0.0, tp / max(y.sum(), 1)]
    fpr = np.r_[0.0, fp / max((~y).sum(), 1)]
    return fpr, tpr


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (the probability that a signal event scores above a background one)."""
    fpr, tpr = roc_curve(labels, scores)
    return float(np.trapezoid(tpr, fpr))


def rejection_at(labels: np.ndarray, scores: np.ndarray, signal_efficiency: float = 0.5) -> float:
    """1 / background efficiency at the given signal efficiency (linear interpolation of the ROC)."""
    fpr, tpr = roc_curve(labels, scores)
    eff = float(np.interp(signal_efficiency, tpr, fpr))
    return 1.0 / eff if eff > 0 else float("inf")


def thinned_roc(labels: np.ndarray, scores: np.ndarray, n_points: int = 200) -> tuple[list[float], list[float]]:
    """(background efficiency, signal efficiency), as :func:`roc_curve` orders them, at about
    ``n_points`` evenly spaced signal efficiencies."""
    fpr, tpr = roc_curve(labels, scores)
    keep = np.unique(np.searchsorted(tpr, np.linspace(0, 1, n_points)).clip(0, len(tpr) - 1))
    return fpr[keep].tolist(), tpr[keep].tolist()
