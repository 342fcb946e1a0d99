"""Significance: pyhf against the closed forms, tuning on validation rather than test, MC statistics."""

import numpy as np
import pytest
from scipy.stats import norm

from hepml.core.metrics import check_scores, classifier_metrics
from hepml.core.significance import (
    asimov_z, asimov_z_uncertainty, background_quantile_edges, best_cut, best_threshold_significance,
    binned_significance, expected_yields, pyhf_discovery_z, significance_at_cuts,
)

SIG = {"n_signal": 100, "n_background": 1000, "background_uncertainty": 0.05}


@pytest.mark.parametrize("s, b", [(10, 100), (100, 1000), (30, 5), (5, 50)])
def test_pyhf_matches_closed_form_without_uncertainty(s, b):
    assert pyhf_discovery_z([s], [b], 0.0) == pytest.approx(asimov_z(s, b), rel=1e-4)


@pytest.mark.parametrize("s, b", [(10, 100), (100, 1000), (30, 5)])
def test_pyhf_close_to_cowan_with_uncertainty(s, b):
    # pyhf's normsys (Gaussian constraint, exponential interpolation) vs Cowan's formula
    assert pyhf_discovery_z([s], [b], 0.05) == pytest.approx(asimov_z_uncertainty(s, b, 0.05 * b), rel=0.02)


def _gaussian_scale_z(s, b, delta):
    """Closed form, derived here: one bin, n = s + b observed (Asimov), background b * gamma with a
    Gaussian constraint gamma ~ N(1, delta) measured at 1. At mu = 0, d ln L / d gamma = 0 gives
    gamma^2 + (b delta^2 - 1) gamma - n delta^2 = 0; at mu = 1 the fit is gamma = 1 exactly, so
    q0 = 2 (n ln(n / (gamma b)) - n + gamma b) + (gamma - 1)^2 / delta^2."""
    n, k = s + b, b * delta**2 - 1
    gamma = (-k + np.sqrt(k * k + 4 * n * delta**2)) / 2
    return np.sqrt(2 * (n * np.log(n / (gamma * b)) - n + gamma * b) + (gamma - 1) ** 2 / delta**2)


@pytest.mark.parametrize("s, b, err", [(10, 100, 5), (100, 1000, 30), (20, 200, 20), (80, 20, 4)])
def test_background_staterror_matches_its_closed_form(s, b, err):
    """A background staterror of absolute size err is a Gaussian-constrained background scale of
    relative width err / b: pyhf agrees with the closed form, including a signal-rich bin."""
    z = pyhf_discovery_z([s], [b], 0.0, background_stat=[err])
    assert z == pytest.approx(_gaussian_scale_z(s, b, err / b), rel=1e-3)
    if b > 5 * s:   # where b >> s, Cowan's formula (a Poisson auxiliary measurement) agrees
        assert z == pytest.approx(asimov_z_uncertainty(s, b, err), rel=0.02)
    assert z < asimov_z(s, b)


def _hand_built_z(signal, background, background_stat, norm=0.05, shared=False):
    """An independent pyhf model written out here: normfactor on the signal, normsys and a
    staterror on the background (``shared``: the same staterror on the signal too, the old bug);
    ``norm`` 0: no normsys; ``background_stat`` None: no staterror (the paper's definition)."""
    import pyhf

    stat = {"name": "stat", "type": "staterror", "data": list(background_stat if background_stat is not None else [])}
    spec = {"channels": [{"name": "c", "samples": [
        {"name": "s", "data": list(signal),
         "modifiers": [{"name": "mu", "type": "normfactor", "data": None}] + ([dict(stat, data=list(np.sqrt(signal)))] if shared else [])},
        {"name": "b", "data": list(background),
         "modifiers": [{"name": "n", "type": "normsys", "data": {"hi": 1 + norm, "lo": 1 - norm}}] * bool(norm)
                      + [stat] * (background_stat is not None)},
    ]}]}
    model = pyhf.Model(spec, poi_name="mu")
    data = list(np.add(signal, background)) + model.config.auxdata
    return float(np.sqrt(pyhf.infer.test_statistics.q0(0.0, data, model, model.config.suggested_init(),
                                                       model.config.suggested_bounds(), model.config.suggested_fixed())))


def test_mc_statistics_sit_on_the_background_alone():
    """Three bins, the last signal-rich: hepml's model is the hand-built one with the staterror on the
    background only; sharing it with the signal (which dilutes the background's relative
    uncertainty in signal-rich bins) would give a larger, flattering Z."""
    s, b, b_err = [5.0, 20.0, 75.0], [800.0, 150.0, 50.0], [40.0, 15.0, 10.0]
    z = pyhf_discovery_z(s, b, 0.05, background_stat=b_err)
    assert z == pytest.approx(_hand_built_z(s, b, b_err), rel=1e-4)
    assert _hand_built_z(s, b, b_err, shared=True) > 1.02 * z


def test_closed_forms_known_values():
    assert asimov_z(100, 1000) == pytest.approx(3.1116548, rel=1e-6)
    assert asimov_z(1, 1e6) == pytest.approx(1 / np.sqrt(1e6), rel=1e-3)  # s << b: s / sqrt(b)
    assert asimov_z_uncertainty(100, 1000, 1e-9) == pytest.approx(asimov_z(100, 1000), rel=1e-6)
    assert asimov_z_uncertainty(100, 1000, 50) < asimov_z(100, 1000)


def test_bins_hold_equal_background_and_yields_carry_their_mc_error():
    rng = np.random.default_rng(1)
    bkg = rng.normal(size=20000)
    edges = background_quantile_edges(bkg, 20)
    counts, _ = np.histogram(bkg, edges)
    assert len(counts) == 20 and counts.min() >= 999 and counts.max() <= 1001
    s, b, s_err, b_err = expected_yields(bkg, np.zeros(20000, int), edges, 100, 1000)
    assert b.sum() == pytest.approx(1000) and np.allclose(b_err, b / np.sqrt(counts))


def _toy(auc, n=100_000, seed=0):
    rng = np.random.default_rng(seed)
    shift = norm.ppf(auc) * np.sqrt(2)
    scores = np.r_[rng.normal(shift, 1, n), rng.normal(0, 1, n)]
    return scores, np.r_[np.ones(n), np.zeros(n)].astype(int)


def _binned(auc, **kw):
    return binned_significance(*_toy(auc, seed=0), *_toy(auc, seed=1), **SIG, n_bins=20, **kw)


def test_significance_grows_with_separation():
    z = [_binned(a) for a in (0.6, 0.75, 0.886)]
    assert z[0] < z[1] < z[2]
    # No separation: only the counting excess of 100 over 1000 +- 50 remains, in both definitions.
    counting = asimov_z_uncertainty(100, 1000, 50)
    assert _binned(0.5) == pytest.approx(counting, rel=0.05)
    z_cut, _ = best_threshold_significance(*_toy(0.5, seed=0), *_toy(0.5, seed=1), **SIG, min_background_events=20)
    assert z_cut == pytest.approx(counting, rel=0.05)


def test_toy_at_paper_auc_against_its_exact_significance():
    """Gaussian toy at the paper's deep-network AUC, whose significances are known exactly: signal
    N(shift, 1), background N(0, 1). Binned (paper's definition): 20 bins of 50 expected background
    events between the background quantiles, signal yields from the normal CDF, the hand-built pyhf
    model. Best cut: Cowan's formula on the exact yields, maximised over a fine grid of thresholds.
    The measured values, from 100k simulated events per class, agree within their sampling error."""
    shift = norm.ppf(0.886) * np.sqrt(2)
    edges = norm.ppf(np.linspace(0, 1, 21))
    s_exact = 100 * np.diff(norm.cdf(edges - shift))
    b_exact = np.full(20, 50.0)
    z_paper_exact = _hand_built_z(s_exact, b_exact, None)
    cuts = np.linspace(-1, 5, 60001)
    s_cut, b_cut = 100 * norm.sf(cuts - shift), 1000 * norm.sf(cuts)
    z_cut_exact = float(np.max(asimov_z_uncertainty(s_cut, b_cut, 0.05 * b_cut)))
    z_paper = _binned(0.886, mc_stat=False)
    z_cut, _ = best_threshold_significance(*_toy(0.886, seed=0), *_toy(0.886, seed=1), **SIG, min_background_events=20)
    assert z_paper == pytest.approx(z_paper_exact, rel=0.02), (z_paper, z_paper_exact)
    assert z_cut == pytest.approx(z_cut_exact, rel=0.03), (z_cut, z_cut_exact)
    # with 100k events per class the statistical uncertainty of the simulation hardly matters
    assert _binned(0.886) == pytest.approx(z_paper, rel=0.01)


def test_tuning_the_cut_on_the_test_set_is_biased_upwards_and_the_column_is_not():
    """On small samples the cut maximised on the test set catches its fluctuations; evaluated on an
    independent test set, the validation-tuned cut does not. The metrics record the latter."""
    test_tuned, val_tuned = [], []
    for seed in range(20):
        val, test = _toy(0.75, n=400, seed=2 * seed), _toy(0.75, n=400, seed=2 * seed + 1)
        test_tuned.append(best_cut(*test, **SIG, min_background_events=5)[1])
        val_tuned.append(best_threshold_significance(*val, *test, **SIG, min_background_events=5)[0])
    test_tuned, val_tuned = np.array(test_tuned), np.array(val_tuned)
    assert np.all(test_tuned >= val_tuned - 1e-9)  # a maximum over the test set bounds any cut
    assert np.mean(test_tuned - val_tuned) > 0.1
    val, test = _toy(0.75, n=400, seed=0), _toy(0.75, n=400, seed=1)
    record = classifier_metrics(*val, *test, {**SIG, "bins": 5, "min_background_events": 5})
    z, cut = best_threshold_significance(*val, *test, **SIG, min_background_events=5)
    assert record["z_best_threshold"] == z and record["best_threshold"] == cut
    assert record["z_best_threshold"] == pytest.approx(
        significance_at_cuts(*test, np.array([cut]), **SIG)[0])


@pytest.mark.parametrize("seed", range(6))
def test_profiled_staterror_equals_pyhfs_own_q0(seed):
    """hepml profiles the staterrors in closed form and the normsys in one dimension; pyhf's q0
    fits every parameter numerically (both fits): the same Z on random models of 1-25 bins."""
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 26))
    s, b = rng.uniform(0.5, 40, k), rng.uniform(5, 300, k)
    b_err = b * rng.uniform(0.01, 0.3, k)
    norm = (0.0, 0.05, 0.2)[seed % 3]
    assert pyhf_discovery_z(s, b, norm, background_stat=b_err) == pytest.approx(
        _hand_built_z(s, b, b_err, norm=norm), rel=1e-5)


def test_paper_definition_column_is_the_binned_model_without_mc_statistics():
    """``z_paper``: 100 signal, 1000 +- 5% background, no MC statistics; equal to the binned model
    without staterror, above the column with it, and on a one-bin case the counting closed form."""
    val, test = _toy(0.8, n=2000, seed=5), _toy(0.8, n=2000, seed=6)
    m = classifier_metrics(*val, *test, {**SIG, "bins": 8, "min_background_events": 5})
    assert m["z_paper"] == binned_significance(*val, *test, **SIG, n_bins=8, mc_stat=False)
    assert m["z_paper"] > m["z_binned"]
    one_bin = binned_significance(*val, *test, 100, 1000, 0.0, n_bins=1, mc_stat=False)
    assert one_bin == pytest.approx(np.sqrt(2 * (1100 * np.log(1.1) - 100)), rel=1e-4)


def test_mc_statistics_lower_the_binned_significance_of_small_samples():
    small_val, small_test = _toy(0.85, n=500, seed=3), _toy(0.85, n=500, seed=4)
    with_stat = binned_significance(*small_val, *small_test, **SIG, n_bins=10)
    without = binned_significance(*small_val, *small_test, **SIG, n_bins=10, mc_stat=False)
    assert with_stat < 0.95 * without


@pytest.mark.parametrize("scores, labels, message", [
    (np.array([0.1, 0.2, 0.3]), np.array([1, 1, 1]), "no background"),
    (np.array([0.1, 0.2, 0.3]), np.array([0, 0, 0]), "no signal"),
    (np.array([0.5, 0.5, 0.5, 0.5]), np.array([1, 0, 1, 0]), "all 4 scores are equal"),
    (np.array([0.5, np.nan, 0.2, 0.1]), np.array([1, 0, 1, 0]), "1 scores are not finite"),
])
def test_degenerate_scores_give_one_clear_error_naming_the_file(scores, labels, message):
    with pytest.raises(ValueError, match=f"scores/x.npz: .*{message}") as err:
        check_scores(scores, labels, "scores/x.npz")
    assert "\n" not in str(err.value)
