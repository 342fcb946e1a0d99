"""Expected discovery significance of a classifier, as defined in the README.

* :func:`binned_significance`: histogram the test-set scores in bins of equal
  expected background, scale to ``n_signal`` and ``n_background`` events, build a
  HistFactory model with pyhf (signal ``normfactor`` mu; background ``normsys``
  of relative size ``background_uncertainty``), and return Z = sqrt(q0) on the
  Asimov data set with mu = 1.
* :func:`best_threshold_significance`: one cut on the score, chosen to maximise
  Cowan's Asimov significance with background uncertainty.
"""

from __future__ import annotations

import numpy as np
import pyhf


def asimov_z(s, b):
    """Closed-form median discovery significance, no background uncertainty.

    Z = sqrt(2((s + b) ln(1 + s/b) - s)) (Cowan, Cranmer, Gross, Vitells 2011).
    """
    s, b = np.asarray(s, float), np.asarray(b, float)
    return np.sqrt(2 * ((s + b) * np.log1p(s / b) - s))


def asimov_z_uncertainty(s, b, sigma_b):
    """Cowan's median discovery significance with absolute background uncertainty ``sigma_b``."""
    s, b, v = np.asarray(s, float), np.asarray(b, float), np.asarray(sigma_b, float) ** 2
    if np.all(v == 0):
        return asimov_z(s, b)
    term1 = (s + b) * np.log((s + b) * (b + v) / (b * b + (s + b) * v))
    term2 = b * b / v * np.log1p(v * s / (b * (b + v)))
    return np.sqrt(np.maximum(2 * (term1 - term2), 0.0))


def histfactory_model(signal: np.ndarray, background: np.ndarray, background_uncertainty: float) -> pyhf.Model:
    """One-channel model: signal scaled by mu, background with a normsys of the given relative size."""
    bkg_modifiers = []
    if background_uncertainty > 0:
        bkg_modifiers.append({"name": "bkg_norm", "type": "normsys",
                              "data": {"hi": 1 + background_uncertainty, "lo": 1 - background_uncertainty}})
    spec = {"channels": [{"name": "score", "samples": [
        {"name": "signal", "data": list(map(float, signal)),
         "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
        {"name": "background", "data": list(map(float, background)), "modifiers": bkg_modifiers},
    ]}]}
    return pyhf.Model(spec, poi_name="mu")


def pyhf_discovery_z(signal: np.ndarray, background: np.ndarray, background_uncertainty: float) -> float:
    """Z = sqrt(q0) for Asimov data (mu = 1) of a binned model with pyhf."""
    pyhf.set_backend("numpy", "scipy")
    model = histfactory_model(signal, background, background_uncertainty)
    data = np.concatenate([np.asarray(signal, float) + np.asarray(background, float), model.config.auxdata])
    q0 = pyhf.infer.test_statistics.q0(
        0.0, data, model, model.config.suggested_init(), model.config.suggested_bounds(),
        model.config.suggested_fixed(),
    )
    return float(np.sqrt(max(float(q0), 0.0)))


def background_quantile_edges(background_scores: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin edges with equal background count per bin; outer edges open to +-inf."""
    edges = np.quantile(background_scores, np.linspace(0, 1, n_bins + 1))
    edges = np.unique(edges)
    edges[0], edges[-1] = -np.inf, np.inf
    return edges


def expected_yields(scores: np.ndarray, labels: np.ndarray, edges: np.ndarray,
                    n_signal: float, n_background: float) -> tuple[np.ndarray, np.ndarray]:
    """Signal and background yields per bin, normalised to the requested totals."""
    s, _ = np.histogram(scores[labels == 1], edges)
    b, _ = np.histogram(scores[labels == 0], edges)
    return n_signal * s / max(s.sum(), 1), n_background * b / max(b.sum(), 1)


def binned_significance(scores: np.ndarray, labels: np.ndarray, n_signal: float = 100,
                        n_background: float = 1000, background_uncertainty: float = 0.05,
                        n_bins: int = 20) -> float:
    """Expected discovery significance from the binned score distribution (pyhf)."""
    edges = background_quantile_edges(scores[labels == 0], n_bins)
    s, b = expected_yields(scores, labels, edges, n_signal, n_background)
    keep = b > 0
    return pyhf_discovery_z(s[keep], b[keep], background_uncertainty)


def best_threshold_significance(scores: np.ndarray, labels: np.ndarray, n_signal: float = 100,
                                n_background: float = 1000, background_uncertainty: float = 0.05,
                                min_background_events: int = 20) -> tuple[float, float]:
    """Best single-cut significance (Cowan, with uncertainty) and the cut that gives it.

    Cuts keeping fewer than ``min_background_events`` simulated background events
    are skipped, so a statistical fluctuation in the tail cannot set the answer.
    """
    sig = np.sort(scores[labels == 1])
    bkg = np.sort(scores[labels == 0])
    candidates = bkg[: max(len(bkg) - min_background_events, 1)]
    cuts = np.unique(np.quantile(candidates, np.linspace(0, 1, 501)))
    eff_s = 1 - np.searchsorted(sig, cuts, side="right") / len(sig)
    eff_b = 1 - np.searchsorted(bkg, cuts, side="right") / len(bkg)
    s, b = n_signal * eff_s, n_background * eff_b
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(b > 0, asimov_z_uncertainty(s, b, background_uncertainty * b), 0.0)
    best = int(np.nanargmax(z))
    return float(z[best]), float(cuts[best])
