"""Classifier metrics from saved scores: AUC, ROC curve and the two significances."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

from .significance import best_threshold_significance, binned_significance


def roc_points(scores: np.ndarray, labels: np.ndarray, n_points: int = 200) -> dict[str, list[float]]:
    """ROC curve (signal efficiency, background efficiency) thinned to about ``n_points``."""
    fpr, tpr, _ = roc_curve(labels, scores)
    keep = np.unique(np.searchsorted(tpr, np.linspace(0, 1, n_points)).clip(0, len(tpr) - 1))
    return {"signal_efficiency": tpr[keep].tolist(), "background_efficiency": fpr[keep].tolist()}


def check_scores(scores: np.ndarray, labels: np.ndarray, where: str) -> None:
    """One clear error for scores no metric can use: a class missing, or every score the same."""
    for value, name in ((1, "signal (label 1)"), (0, "background (label 0)")):
        if not np.any(labels == value):
            raise ValueError(f"{where}: no {name} events; every metric needs both classes")
    if not np.all(np.isfinite(scores)):
        raise ValueError(f"{where}: {int(np.sum(~np.isfinite(scores)))} scores are not finite")
    if np.ptp(scores) == 0:
        raise ValueError(f"{where}: all {len(scores)} scores are equal ({scores[0]:.6g}); the model "
                         "does not separate anything (did the training diverge?)")


def classifier_metrics(val_scores: np.ndarray, val_labels: np.ndarray, test_scores: np.ndarray,
                       test_labels: np.ndarray, significance: dict, where: str = "scores") -> dict:
    """AUC and ROC on the test set, and both significances (tuned on validation, evaluated on test)."""
    check_scores(val_scores, val_labels, f"{where} (validation)")
    check_scores(test_scores, test_labels, f"{where} (test)")
    sig = {k: significance[k] for k in ("n_signal", "n_background", "background_uncertainty")}
    z_best, cut = best_threshold_significance(val_scores, val_labels, test_scores, test_labels, **sig,
                                              min_background_events=significance["min_background_events"])
    return {
        "auc": float(roc_auc_score(test_labels, test_scores)),
        "z_binned": binned_significance(val_scores, val_labels, test_scores, test_labels, **sig,
                                        n_bins=significance["bins"]),
        "z_best_threshold": z_best,
        "best_threshold": cut,
        "n_test": int(len(test_labels)),
        "roc": roc_points(test_scores, test_labels),
    }
