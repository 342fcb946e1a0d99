"""Expected discovery significance of a classifier, as defined in docs/statistics.md.

Both definitions choose what they tune (bin edges, the cut) on the *validation* scores and are
evaluated on the *test* scores, so a statistical fluctuation of the test set cannot inflate them.

* :func:`binned_significance`: bins of equal expected background (quantiles of the validation
  background scores); the test-set yields, scaled to ``n_signal`` and ``n_background`` events, go
  into a HistFactory model built with pyhf: signal ``normfactor`` mu, background ``normsys`` of
  relative size ``background_uncertainty``, and the statistical uncertainty of the simulated
  background counts in every bin as a ``staterror`` on the background sample only (in the
  discovery fit it is the background's own uncertainty; a constraint computed from signal plus
  background would understate it in signal-rich bins); Z = sqrt(q0) on the Asimov data set with
  mu = 1. With ``mc_stat=False`` it is the paper's definition: 100 signal and 1000 +- 5%
  background events, nothing else.
* :func:`best_threshold_significance`: one cut on the score, chosen on the validation set to
  maximise Cowan's Asimov significance with background uncertainty, evaluated on the test set.
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


def histfactory_model(signal: np.ndarray, background: np.ndarray, background_uncertainty: float,
                      background_stat: np.ndarray | None = None) -> pyhf.Model:
    """One-channel model: signal scaled by mu, background with a normsys of the given relative size
    and, when given, the absolute statistical uncertainty of the simulated background per bin as a
    ``staterror`` of the background sample alone."""
    bkg_modifiers = []
    if background_uncertainty > 0:
        bkg_modifiers.append({"name": "bkg_norm", "type": "normsys",
                              "data": {"hi": 1 + background_uncertainty, "lo": 1 - background_uncertainty}})
    if background_stat is not None:
        bkg_modifiers.append({"name": "bkg_mc_stat", "type": "staterror", "data": list(map(float, background_stat))})
    spec = {"channels": [{"name": "score", "samples": [
        {"name": "signal", "data": list(map(float, signal)),
         "modifiers": [{"name": "mu", "type": "normfactor", "data": None}]},
        {"name": "background", "data": list(map(float, background)), "modifiers": bkg_modifiers},
    ]}]}
    return pyhf.Model(spec, poi_name="mu")


def pyhf_discovery_z(signal: np.ndarray, background: np.ndarray, background_uncertainty: float,
                     background_stat: np.ndarray | None = None) -> float:
    """Z = sqrt(q0) for Asimov data (mu = 1) of the binned model of :func:`histfactory_model`.

    On the Asimov data set the unconditional fit is the generating point (mu = 1, nuisance
    parameters nominal), so q0 = 2 (NLL(mu = 0, profiled) - NLL(nominal)). Without MC statistics
    pyhf fits mu = 0; with them, :func:`_profiled_twice_nll` profiles each bin's staterror in
    closed form and the normsys by a one-dimensional minimisation, with the background yields
    from pyhf's own interpolation (the tests check it equals pyhf's q0)."""
    pyhf.set_backend("numpy", "scipy")
    model = histfactory_model(signal, background, background_uncertainty, background_stat)
    n = np.asarray(signal, float) + np.asarray(background, float)
    data = np.concatenate([n, model.config.auxdata])
    if background_stat is None:
        nominal = np.asarray(model.config.suggested_init(), float)
        nominal[model.config.poi_index] = 1.0
        _, twice_nll_0 = pyhf.infer.mle.fixed_poi_fit(
            0.0, data, model, model.config.suggested_init(), model.config.suggested_bounds(),
            model.config.suggested_fixed(), return_fitted_val=True,
        )
        q0 = float(twice_nll_0) + 2 * float(model.logpdf(nominal, data)[0])
    else:
        delta = np.asarray(background_stat, float) / np.asarray(background, float)
        q0 = _profiled_twice_nll(model, n, delta) - 2 * float(np.sum(n - n * np.log(n)))
    return float(np.sqrt(max(q0, 0.0)))


def _profiled_twice_nll(model: pyhf.Model, n: np.ndarray, delta: np.ndarray) -> float:
    """2 NLL at mu = 0 with every nuisance parameter profiled, up to the constants that q0 cancels.

    For a normsys value alpha the background yields B(alpha) come from the model; each bin's
    staterror gamma ~ N(1, delta) then has the closed-form maximum
    gamma^2 + (B delta^2 - 1) gamma - n delta^2 = 0, and alpha (constraint N(0, 1)) is found by a
    bounded scalar minimisation."""
    from scipy.optimize import minimize_scalar

    pars = np.asarray(model.config.suggested_init(), float)
    pars[model.config.poi_index] = 0.0
    norm = model.config.par_slice("bkg_norm") if "bkg_norm" in model.config.parameters else None

    def twice_nll(alpha: float) -> float:
        if norm is not None:
            pars[norm] = alpha
        b = np.asarray(model.expected_actualdata(pars), float)
        k = b * delta**2 - 1
        gamma = (-k + np.sqrt(k * k + 4 * n * delta**2)) / 2
        nu = b * gamma
        return float(2 * np.sum(nu - n * np.log(nu)) + alpha**2 + np.sum((gamma - 1) ** 2 / delta**2))

    if norm is None:
        return twice_nll(0.0)
    lo, hi = model.config.suggested_bounds()[norm][0]
    return float(minimize_scalar(twice_nll, bounds=(lo, hi), method="bounded",
                                 options={"xatol": 1e-9}).fun)


def background_quantile_edges(background_scores: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin edges with equal background count per bin; outer edges open to +-inf."""
    edges = np.quantile(background_scores, np.linspace(0, 1, n_bins + 1))
    edges = np.unique(edges)
    edges[0], edges[-1] = -np.inf, np.inf
    return edges


def expected_yields(scores: np.ndarray, labels: np.ndarray, edges: np.ndarray, n_signal: float,
                    n_background: float, weights: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Signal and background yields per bin normalised to the requested totals, and their
    statistical uncertainties from the simulated events (sqrt of the sum of squared weights, sqrt(N)
    for unweighted events, scaled the same way). ``weights``: one per event (default 1)."""
    w = np.ones(len(scores)) if weights is None else np.asarray(weights, dtype=np.float64)
    sig, bkg = labels == 1, labels == 0
    s, _ = np.histogram(scores[sig], edges, weights=w[sig])
    b, _ = np.histogram(scores[bkg], edges, weights=w[bkg])
    s2, _ = np.histogram(scores[sig], edges, weights=w[sig] ** 2)
    b2, _ = np.histogram(scores[bkg], edges, weights=w[bkg] ** 2)
    ws, wb = n_signal / (s.sum() if s.sum() > 0 else 1), n_background / (b.sum() if b.sum() > 0 else 1)
    return ws * s, wb * b, ws * np.sqrt(s2), wb * np.sqrt(b2)


def binned_significance(val_scores: np.ndarray, val_labels: np.ndarray, test_scores: np.ndarray,
                        test_labels: np.ndarray, n_signal: float, n_background: float,
                        background_uncertainty: float, n_bins: int, mc_stat: bool = True,
                        test_weights: np.ndarray | None = None) -> float:
    """Expected discovery significance of the binned test-score distribution (pyhf); the bin edges
    are quantiles of the validation background scores. ``mc_stat``: the simulated background's
    statistical uncertainty enters as a ``staterror`` (False: the paper's definition);
    ``test_weights``: one per test event (default 1)."""
    edges = background_quantile_edges(val_scores[val_labels == 0], n_bins)
    s, b, s_err, b_err = expected_yields(test_scores, test_labels, edges, n_signal, n_background, test_weights)
    keep = b > 0
    return pyhf_discovery_z(s[keep], b[keep], background_uncertainty, b_err[keep] if mc_stat else None)


def cut_candidates(scores: np.ndarray, labels: np.ndarray, min_background_events: int) -> np.ndarray:
    """Thresholds to scan: 501 quantiles of the background scores, leaving at least
    ``min_background_events`` simulated background events above the tightest."""
    bkg = np.sort(scores[labels == 0])
    if len(bkg) <= min_background_events:
        raise ValueError(f"{len(bkg)} background events, not more than significance.min_background_events = "
                         f"{min_background_events}, so no cut can keep that many; lower the key or give the "
                         "validation part more events")
    return np.unique(np.quantile(bkg[: len(bkg) - min_background_events], np.linspace(0, 1, 501)))


def _fraction_above(scores: np.ndarray, weights: np.ndarray | None, cuts: np.ndarray) -> np.ndarray:
    """The (weighted) fraction of ``scores`` above each cut."""
    order = np.argsort(scores, kind="stable")
    ordered = scores[order]
    below = np.searchsorted(ordered, cuts, side="right")
    if weights is None:
        return 1 - below / len(ordered)
    cumulative = np.r_[0.0, np.cumsum(np.asarray(weights, dtype=np.float64)[order])]
    return 1 - cumulative[below] / cumulative[-1]


def significance_at_cuts(scores: np.ndarray, labels: np.ndarray, cuts: np.ndarray, n_signal: float,
                         n_background: float, background_uncertainty: float,
                         weights: np.ndarray | None = None) -> np.ndarray:
    """Cowan's significance with background uncertainty for events with score > each cut
    (``weights``: one per event, default 1)."""
    sig, bkg = labels == 1, labels == 0
    s = n_signal * _fraction_above(scores[sig], None if weights is None else weights[sig], cuts)
    b = n_background * _fraction_above(scores[bkg], None if weights is None else weights[bkg], cuts)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, asimov_z_uncertainty(s, np.where(b > 0, b, 1), background_uncertainty * b), 0.0)


def best_cut(scores: np.ndarray, labels: np.ndarray, n_signal: float, n_background: float,
             background_uncertainty: float, min_background_events: int) -> tuple[float, float]:
    """The cut that maximises the significance on (scores, labels), and that maximum."""
    cuts = cut_candidates(scores, labels, min_background_events)
    z = significance_at_cuts(scores, labels, cuts, n_signal, n_background, background_uncertainty)
    i = int(np.nanargmax(z))
    return float(cuts[i]), float(z[i])


def best_threshold_significance(val_scores: np.ndarray, val_labels: np.ndarray, test_scores: np.ndarray,
                                test_labels: np.ndarray, n_signal: float, n_background: float,
                                background_uncertainty: float, min_background_events: int,
                                test_weights: np.ndarray | None = None) -> tuple[float, float]:
    """Significance on the test set (``test_weights``: one per event, default 1) at the cut that is
    best on the validation set; (Z, cut)."""
    cut, _ = best_cut(val_scores, val_labels, n_signal, n_background, background_uncertainty, min_background_events)
    z = significance_at_cuts(test_scores, test_labels, np.array([cut]), n_signal, n_background,
                             background_uncertainty, test_weights)
    return float(z[0]), cut


def systematic_modifiers(name: str, nominal: np.ndarray, up: np.ndarray, down: np.ndarray | None) -> list[dict]:
    """One source's HistFactory modifiers for one sample, from its yields per bin with the source
    shifted up and down: a ``normsys`` (the total yield's ratios) and a ``histosys`` (the shapes
    at the nominal total), sharing the parameter ``name``. A one-sided source (``down`` None, a
    generator variation) is mirrored: the normsys's lo is 1/hi, the histosys's lo shape is the
    nominal shape minus the up shape's difference (at least 0)."""
    nominal, up = np.asarray(nominal, float), np.asarray(up, float)
    total, up_total = float(np.sum(nominal)), float(np.sum(up))
    if down is None:   # mirrored: lo = 1/hi
        down_total = total * total / up_total if up_total > 0 else 0.0
    else:
        down = np.asarray(down, float)
        down_total = float(np.sum(down))
    if min(total, up_total, down_total) <= 0:
        raise ValueError(f"systematic {name!r}: a sample with no events in some variation")
    up_shape = up * total / up_total
    down_shape = np.clip(2 * nominal - up_shape, 0, None) if down is None else down * total / down_total
    return [{"name": name, "type": "normsys", "data": {"hi": up_total / total, "lo": down_total / total}},
            {"name": name, "type": "histosys", "data": {"hi_data": list(map(float, up_shape)),
                                                        "lo_data": list(map(float, down_shape))}}]


def systematics_model(signal: np.ndarray, background: np.ndarray, background_uncertainty: float,
                      background_stat: np.ndarray | None, signal_variations: dict, background_variations: dict) -> pyhf.Model:
    """:func:`histfactory_model` with, for every source of ``*_variations`` ({source: (up yields,
    down yields)}), its :func:`systematic_modifiers` on the signal and on the background (one
    parameter per source, correlated between them)."""
    spec = histfactory_model(signal, background, background_uncertainty, background_stat).spec
    samples = {s["name"]: s for s in spec["channels"][0]["samples"]}
    for sample, nominal, variations in (("signal", signal, signal_variations),
                                        ("background", background, background_variations)):
        for source, (up, down) in variations.items():
            samples[sample]["modifiers"] += systematic_modifiers(source, nominal, up, down)
    return pyhf.Model(spec, poi_name="mu")


def asimov_discovery_z(model: pyhf.Model) -> float:
    """Z = sqrt(q0) on the Asimov data set of ``model`` at mu = 1 and nominal nuisance parameters,
    by pyhf's own discovery test statistic."""
    pyhf.set_backend("numpy", "scipy")
    pars = np.asarray(model.config.suggested_init(), float)
    pars[model.config.poi_index] = 1.0
    data = np.asarray(model.expected_data(pars), float)
    q0 = pyhf.infer.test_statistics.q0(0.0, data, model, model.config.suggested_init(), model.config.suggested_bounds(),
                                       model.config.suggested_fixed())
    return float(np.sqrt(max(float(q0), 0.0)))


def binned_significance_with_systematics(val_scores: np.ndarray, val_labels: np.ndarray, nominal: tuple,
                                         variations: dict[str, tuple[tuple, tuple]], n_signal: float,
                                         n_background: float, background_uncertainty: float, n_bins: int) -> float:
    """:func:`binned_significance` (with the background's MC statistics) of the ``nominal`` (scores,
    labels), with every source of ``variations`` ({source: ((up scores, labels[, weights]), (down
    scores, labels[, weights]))}: the same generated events seen through a shifted detector, or
    reweighted by a shower variation; a generator source: (its events, None), mirrored) as a normsys
    and a histosys on signal and background. Each variation's yields carry the nominal
    normalisation (every variation has as many generated events; a shower variation's weights have
    mean 1 over them), so a change of the selection efficiency enters as a change of the total."""
    edges = background_quantile_edges(val_scores[val_labels == 0], n_bins)
    scores, labels = nominal
    s_counts, _ = np.histogram(scores[labels == 1], edges)
    b_counts, _ = np.histogram(scores[labels == 0], edges)
    ws, wb = n_signal / max(s_counts.sum(), 1), n_background / max(b_counts.sum(), 1)
    keep = b_counts > 0

    def yields(label, scale, sample_scores, sample_labels, weights=None):
        chosen = sample_labels == label
        return scale * np.histogram(sample_scores[chosen], edges, weights=None if weights is None else weights[chosen])[0][keep]

    sig_var = {src: tuple(None if v is None else yields(1, ws, *v) for v in pair) for src, pair in variations.items()}
    bkg_var = {src: tuple(None if v is None else yields(0, wb, *v) for v in pair) for src, pair in variations.items()}
    model = systematics_model(ws * s_counts[keep], wb * b_counts[keep], background_uncertainty,
                              wb * np.sqrt(b_counts[keep]), sig_var, bkg_var)
    return asimov_discovery_z(model)
