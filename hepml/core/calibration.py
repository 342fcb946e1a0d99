"""A cell's seeds as one model (the seed ensemble) and whether its scores are probabilities.

The seeds of a cell differ only in their random initialisation and batch order, so the spread of
their scores on one event approximates the classifier's own (epistemic) uncertainty, the quantity
a Bayesian network would give; the mean of their scores is a model of its own, usually better than
each member. A score is *calibrated* when, of the events scored near p, a fraction p is signal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def seed_ensemble(member_scores) -> tuple[np.ndarray, np.ndarray]:
    """Per event, the mean and the standard deviation (ddof 1; 0 for one member) of the members'
    scores, given as an (n_members, n_events) array."""
    s = np.asarray(member_scores, dtype=np.float64)
    if s.ndim != 2 or s.shape[0] == 0:
        raise ValueError(f"seed ensemble: expected (members, events) scores, got shape {s.shape}")
    spread = s.std(axis=0, ddof=1) if s.shape[0] > 1 else np.zeros(s.shape[1])
    return s.mean(axis=0), spread


@dataclass(frozen=True)
class Reliability:
    """A reliability curve: per bin of the predicted probability, the mean prediction, the observed
    signal fraction with its binomial standard error, and the events in the bin (empty bins dropped)."""

    predicted: np.ndarray
    observed: np.ndarray
    error: np.ndarray
    counts: np.ndarray

    @property
    def calibration_error(self) -> float:
        """Expected calibration error: the event-weighted mean of |observed - predicted|."""
        return float(np.sum(self.counts * np.abs(self.observed - self.predicted)) / np.sum(self.counts))


def reliability(scores, labels, bins: int = 10) -> Reliability:
    """The reliability curve of probabilities ``scores`` (in [0, 1]) against 0/1 ``labels``, in
    ``bins`` equal-width bins of the score."""
    p = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels)
    if p.shape != y.shape or p.ndim != 1:
        raise ValueError(f"reliability: scores {p.shape} and labels {y.shape} must be one array each of one length")
    if p.size and (p.min() < 0 or p.max() > 1 or not np.all(np.isfinite(p))):
        raise ValueError("reliability: scores must be probabilities in [0, 1]")
    index = np.minimum((p * bins).astype(np.int64), bins - 1)
    counts = np.bincount(index, minlength=bins)
    keep = counts > 0
    n = counts[keep]
    predicted = np.bincount(index, weights=p, minlength=bins)[keep] / n
    observed = np.bincount(index, weights=(y == 1).astype(np.float64), minlength=bins)[keep] / n
    error = np.sqrt(np.maximum(observed * (1 - observed), 1.0 / n) / n)   # no zero error at 0 or 1
    return Reliability(predicted, observed, error, n)
