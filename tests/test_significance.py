import numpy as np
import pytest
from scipy.stats import norm

from hepml.significance import (
    asimov_z, asimov_z_uncertainty, background_quantile_edges, best_threshold_significance,
    binned_significance, pyhf_discovery_z,
)


@pytest.mark.parametrize("s, b", [(10, 100), (100, 1000), (30, 5), (5, 50)])
def test_pyhf_matches_closed_form_without_uncertainty(s, b):
    assert pyhf_discovery_z([s], [b], 0.0) == pytest.approx(asimov_z(s, b), rel=1e-4)


@pytest.mark.parametrize("s, b", [(10, 100), (100, 1000), (30, 5)])
def test_pyhf_close_to_cowan_with_uncertainty(s, b):
    # pyhf's normsys (Gaussian constraint, exponential interpolation) vs Cowan's formula
    assert pyhf_discovery_z([s], [b], 0.05) == pytest.approx(asimov_z_uncertainty(s, b, 0.05 * b), rel=0.02)


def test_closed_forms_known_values():
    assert asimov_z(100, 1000) == pytest.approx(3.1116548, rel=1e-6)
    assert asimov_z(1, 1e6) == pytest.approx(1 / np.sqrt(1e6), rel=1e-3)  # s << b: s / sqrt(b)
    assert asimov_z_uncertainty(100, 1000, 1e-9) == pytest.approx(asimov_z(100, 1000), rel=1e-6)
    assert asimov_z_uncertainty(100, 1000, 50) < asimov_z(100, 1000)


def test_bins_hold_equal_background():
    rng = np.random.default_rng(1)
    bkg = rng.normal(size=20000)
    edges = background_quantile_edges(bkg, 20)
    counts, _ = np.histogram(bkg, edges)
    assert len(counts) == 20 and counts.min() >= 999 and counts.max() <= 1001


def _toy(auc, n=100_000, seed=0):
    rng = np.random.default_rng(seed)
    shift = norm.ppf(auc) * np.sqrt(2)
    scores = np.r_[rng.normal(shift, 1, n), rng.normal(0, 1, n)]
    return scores, np.r_[np.ones(n), np.zeros(n)].astype(int)


def test_significance_grows_with_separation():
    z = [binned_significance(*_toy(a)) for a in (0.6, 0.75, 0.886)]
    assert z[0] < z[1] < z[2]
    # No separation: only the counting excess of 100 over 1000 +- 50 remains, in both definitions.
    scores, labels = _toy(0.5)
    counting = asimov_z_uncertainty(100, 1000, 50)
    assert binned_significance(scores, labels) == pytest.approx(counting, rel=0.05)
    assert best_threshold_significance(scores, labels)[0] == pytest.approx(counting, rel=0.05)


def test_toy_at_paper_auc():
    """Gaussian toy at the paper's deep-network AUC: both definitions, against rough expectations."""
    scores, labels = _toy(0.886)
    z_binned = binned_significance(scores, labels)
    z_cut, _ = best_threshold_significance(scores, labels)
    assert 5.5 < z_binned < 8.5
    assert 5.5 < z_cut < 7.5
