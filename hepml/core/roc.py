"""ROC curve, AUC and background rejection from scores, in numpy (ties handled as sklearn does);
each event may carry a weight (a shower variation's reweighted events), counted as that many events."""

from __future__ import annotations

import numpy as np


def roc_curve(labels: np.ndarray, scores: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(background efficiency, signal efficiency) at every distinct threshold, from (0, 0) to (1, 1)."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order] == 1
    w = np.ones(len(s)) if weights is None else np.asarray(weights, dtype=np.float64)[order]
    distinct = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]     # last index of each score value
    tp = np.cumsum(np.where(y, w, 0.0))[distinct]
    fp = np.cumsum(np.where(y, 0.0, w))[distinct]
    tpr = np.r_[0.0, tp / (tp[-1] if tp[-1] > 0 else 1)]
    fpr = np.r_[0.0, fp / (fp[-1] if fp[-1] > 0 else 1)]
    return fpr, tpr


def auc(labels: np.ndarray, scores: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Area under the ROC curve (the probability that a signal event scores above a background one)."""
    fpr, tpr = roc_curve(labels, scores, weights)
    return float(np.trapezoid(tpr, fpr))


def rejection_at(labels: np.ndarray, scores: np.ndarray, signal_efficiency: float = 0.5,
                 weights: np.ndarray | None = None) -> float:
    """1 / background efficiency at the given signal efficiency (linear interpolation of the ROC)."""
    fpr, tpr = roc_curve(labels, scores, weights)
    eff = float(np.interp(signal_efficiency, tpr, fpr))
    return 1.0 / eff if eff > 0 else float("inf")


def thinned_roc(labels: np.ndarray, scores: np.ndarray, n_points: int = 200,
                weights: np.ndarray | None = None) -> tuple[list[float], list[float]]:
    """(background efficiency, signal efficiency), as :func:`roc_curve` orders them, at about
    ``n_points`` evenly spaced signal efficiencies."""
    fpr, tpr = roc_curve(labels, scores, weights)
    keep = np.unique(np.searchsorted(tpr, np.linspace(0, 1, n_points)).clip(0, len(tpr) - 1))
    return fpr[keep].tolist(), tpr[keep].tolist()


def auc_shift_spread(labels: np.ndarray, scores: np.ndarray, weights: np.ndarray, n_resamples: int = 200,
                     seed: int = 0) -> float:
    """The statistical spread (bootstrap standard deviation over ``n_resamples`` resamplings of the
    events) of the shift of the AUC that the per-event ``weights`` make, AUC(weighted) - AUC: what
    a reweighted variation's AUC shift owes to the statistics of its weights. Equal weights give 0."""
    rng = np.random.default_rng(seed)
    n = len(labels)
    shifts = np.empty(n_resamples)
    for k in range(n_resamples):
        i = rng.integers(0, n, n)
        shifts[k] = auc(labels[i], scores[i], weights[i]) - auc(labels[i], scores[i])
    return float(np.std(shifts))
