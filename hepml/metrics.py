"""Classifier metrics from saved test-set scores: AUC, ROC curve and significance."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

from .significance import best_threshold_significance, binned_significance


def roc_points(scores: np.ndarray, labels: np.ndarray, n_points: int = 200) -> dict[str, list[float]]:
    """ROC curve (signal efficiency, background efficiency) thinned to about ``n_points``."""
    fpr, tpr, _ = roc_curve(labels, scores)
    keep = np.unique(np.searchsorted(tpr, np.linspace(0, 1, n_points)).clip(0, len(tpr) - 1))
    return {"signal_efficiency": tpr[keep].tolist(), "background_efficiency": fpr[keep].tolist()}


def classifier_metrics(scores: np.ndarray, labels: np.ndarray, significance: dict) -> dict:
    """AUC, ROC points and both significance definitions for one trained model."""
    if len(np.unique(labels)) != 2:
        raise ValueError("metrics need both signal and background events in the test set")
    z_best, cut = best_threshold_significance(
        scores, labels, significance["n_signal"], significance["n_background"],
        significance["background_uncertainty"], significance.get("min_background_events", 20))
    return {
        "auc": float(roc_auc_score(labels, scores)),
        "z_binned": binned_significance(
            scores, labels, significance["n_signal"], significance["n_background"],
            significance["background_uncertainty"], significance["bins"]),
        "z_best_threshold": z_best,
        "best_threshold": cut,
        "n_test": int(len(labels)),
        "roc": roc_points(scores, labels),
    }
