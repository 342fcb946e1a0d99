"""Classifier metrics from saved scores: AUC, background rejection, ROC and the significances."""

from __future__ import annotations

import numpy as np

from .roc import auc, rejection_at, thinned_roc


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
                       test_labels: np.ndarray, significance: dict | None = None, where: str = "scores",
                       test_weights: np.ndarray | None = None) -> dict:
    """AUC, rejection at 50% signal efficiency and ROC on the test set; with a ``significance``
    config also the significances (tuned on validation, evaluated on test): binned with the
    simulation's statistics (``z_binned``), binned by the paper's definition (``z_paper``), best cut.
    ``test_weights``: one per test event (a shower variation's reweighted events; default 1)."""
    check_scores(val_scores, val_labels, f"{where} (validation)")
    check_scores(test_scores, test_labels, f"{where} (test)")
    if test_weights is not None and not (len(test_weights) == len(test_scores) and np.all(np.isfinite(test_weights))):
        raise ValueError(f"{where} (test): {len(test_weights)} event weights for {len(test_scores)} events, or some "
                         "not finite; give one finite weight per event")
    w = test_weights
    background_eff, signal_eff = thinned_roc(test_labels, test_scores, weights=w)
    out = {"auc": auc(test_labels, test_scores, w), "rejection_50": rejection_at(test_labels, test_scores, 0.5, w),
           "n_test": int(len(test_labels)), "n_background": int(np.sum(test_labels == 0)),
           "roc": {"signal_efficiency": signal_eff, "background_efficiency": background_eff}}
    if significance is not None:
        from .significance import best_threshold_significance, binned_significance

        sig = {k: significance[k] for k in ("n_signal", "n_background", "background_uncertainty")}
        try:   # the cut is chosen on the validation part: name the file when it cannot be
            z_best, cut = best_threshold_significance(val_scores, val_labels, test_scores, test_labels, **sig,
                                                      min_background_events=significance["min_background_events"],
                                                      test_weights=w)
        except ValueError as err:
            raise ValueError(f"{where} (validation): {err}") from None
        binned = dict(val_scores=val_scores, val_labels=val_labels, test_scores=test_scores,
                      test_labels=test_labels, **sig, n_bins=significance["bins"], test_weights=w)
        out.update(z_binned=binned_significance(**binned), z_paper=binned_significance(**binned, mc_stat=False),
                   z_best_threshold=z_best, best_threshold=cut)
    return out
