"""The seed ensemble (the mean score of a cell's seeds) as a model of its own, its per-event spread,
and the reliability curve that says whether its scores are probabilities."""

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

from hepml.core.atomic import load_npz, save_npz, write_json
from hepml.core.calibration import reliability, seed_ensemble
from hepml.core.records import Cell, MetricRecord, Roc, read_record
from hepml.core.tables import summarise
from hepml.pipeline.steps import ensemble_cell

from .test_figures import assert_readable

CELL = Cell("benchmark", "higgs", "pythia", "low", "deep", "all")
SIGNIFICANCE = {"n_signal": 100, "n_background": 1000, "background_uncertainty": 0.05, "bins": 10,
                "min_background_events": 20}


def _gaussian_toy(n, rng):
    """Signal x ~ N(1, 1), background x ~ N(-1, 1), equal priors: the true posterior is sigmoid(2x)."""
    labels = rng.integers(0, 2, n)
    x = rng.normal(2.0 * labels - 1.0, 1.0)
    return x, labels


def test_the_ensemble_is_the_mean_and_sample_std_of_its_members():
    members = np.array([[0.1, 0.5, 0.9], [0.3, 0.5, 0.7], [0.2, 0.8, 0.8]])
    mean, spread = seed_ensemble(members)
    np.testing.assert_allclose(mean, [0.2, 0.6, 0.8])
    np.testing.assert_allclose(spread, [0.1, np.sqrt(0.03), 0.1], rtol=1e-12)
    mean, spread = seed_ensemble(members[:1])
    np.testing.assert_array_equal(spread, 0.0)
    with pytest.raises(ValueError, match="members, events"):
        seed_ensemble(np.zeros(3))


def test_the_true_posterior_is_calibrated_and_a_distorted_one_is_not():
    """On the Gaussian toy sigmoid(2x) is P(signal | x) by construction: every bin's observed signal
    fraction is its mean prediction within the binomial error; p**2 underestimates everywhere."""
    rng = np.random.default_rng(1)
    x, y = _gaussian_toy(400_000, rng)
    p = 1.0 / (1.0 + np.exp(-2.0 * x))
    curve = reliability(p, y, bins=10)
    assert len(curve.predicted) == 10 and curve.counts.sum() == len(y)
    assert np.all(np.abs(curve.observed - curve.predicted) < 4 * curve.error)
    assert curve.calibration_error < 0.005
    distorted = reliability(p ** 2, y, bins=10)
    assert np.all(distorted.observed[1:-1] > distorted.predicted[1:-1] + 4 * distorted.error[1:-1])
    assert distorted.calibration_error > 0.1


def test_reliability_refuses_what_is_not_a_probability():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        reliability(np.array([0.2, 1.5]), np.array([0, 1]))
    with pytest.raises(ValueError, match="one length"):
        reliability(np.array([0.2, 0.5]), np.array([0, 1, 1]))


def test_averaging_seeds_beats_each_seed_when_their_noise_is_independent():
    """Members = the optimal score + independent noise (what different initialisations give): the
    mean has the noise variance divided by the members, so its AUC is above every member's, and it
    approaches the closed form of the noiseless classifier, Phi(sqrt(2)) for unit-separated Gaussians
    of distance 2: AUC = Phi(2 / sqrt(2))."""
    rng = np.random.default_rng(2)
    x, y = _gaussian_toy(200_000, rng)
    members = [x + rng.normal(0, 1.0, len(x)) for _ in range(5)]
    aucs = [roc_auc_score(y, m) for m in members]
    ensemble_auc = roc_auc_score(y, seed_ensemble(members)[0])
    assert ensemble_auc > max(aucs) + 0.01
    assert ensemble_auc == pytest.approx(norm.cdf(2 / np.sqrt(2 * (1 + 1 / 5))), abs=0.003)
    assert max(aucs) == pytest.approx(norm.cdf(2 / np.sqrt(2 * 2)), abs=0.003)


def _seed_scores(tmp_path, n_seeds=3, n=4000):
    rng = np.random.default_rng(3)
    paths, histories = [], []
    parts = {part: _gaussian_toy(n, rng) for part in ("val", "test")}
    for seed in range(n_seeds):
        out = {}
        for part, (x, y) in parts.items():
            out[f"{part}_scores"] = 1.0 / (1.0 + np.exp(-2.0 * (x + rng.normal(0, 0.5, n))))
            out[f"{part}_labels"] = y
        save_npz(tmp_path / f"seed{seed}.npz", **out)
        write_json(tmp_path / f"seed{seed}.history.json", {"train_events": 1234})
        paths.append(tmp_path / f"seed{seed}.npz")
        histories.append(tmp_path / f"seed{seed}.history.json")
    return paths, histories


def test_the_score_job_writes_the_ensembles_scores_and_record(tmp_path):
    """ensemble_cell against sklearn on the seeds' own score files: the record's AUC is that of the
    mean score, its spread the mean per-event std; a seed scored on other events is refused."""
    paths, histories = _seed_scores(tmp_path)
    record = ensemble_cell(CELL, [0, 1, 2], paths, histories, SIGNIFICANCE, tmp_path / "ensemble.npz",
                           tmp_path / "ensemble.json")
    assert read_record(tmp_path / "ensemble.json") == record
    seeds = [load_npz(p) for p in paths]
    mean = np.mean([s["test_scores"] for s in seeds], axis=0)
    assert record.auc == pytest.approx(roc_auc_score(seeds[0]["test_labels"], mean), abs=1e-12)
    assert record.seed is None and record.members == [0, 1, 2] and record.train_events == 1234
    assert record.spread == pytest.approx(np.std([s["test_scores"] for s in seeds], axis=0, ddof=1).mean())
    assert record.z_binned is not None and record.z_binned > 0
    saved = load_npz(tmp_path / "ensemble.npz")
    np.testing.assert_allclose(saved["test_scores"], mean)
    assert set(saved) == {"val_scores", "val_labels", "val_spread", "test_scores", "test_labels", "test_spread"}
    other = load_npz(paths[2])
    save_npz(paths[2], **{**other, "test_labels": other["test_labels"][::-1]})
    with pytest.raises(ValueError, match="seed2.npz: its test events are not those of"):
        ensemble_cell(CELL, [0, 1, 2], paths, histories, SIGNIFICANCE, tmp_path / "e2.npz", tmp_path / "e2.json")


def _record(seed, auc, members=None):
    eff = np.linspace(0, 1, 5).tolist()
    return MetricRecord(CELL, seed, auc, 100, 50, 4.0, Roc(eff, eff), z_binned=2.0, members=members,
                        spread=0.05 if members else None)


def test_tables_show_the_ensemble_beside_the_seeds_and_never_as_a_seed(tmp_path):
    from hepml.pipeline.reports import study_table

    records = [_record(0, 0.70), _record(1, 0.72), _record(None, 0.75, members=[0, 1])]
    (s,) = summarise(records)
    assert s.n_seeds == 2 and s.stat("auc") == pytest.approx((0.71, np.std([0.70, 0.72], ddof=1)))
    assert s.ensemble.auc == 0.75
    table = study_table("benchmark", "higgs", "pythia", records)
    header = table.markdown().splitlines()[2]
    row = table.markdown().splitlines()[4]
    assert "AUC, seeds' mean score" in header and "| 0.750 | 2.00 |" in row
    csv_row = table.csv_rows()[0]
    assert csv_row["ensemble_auc"] == 0.75 and csv_row["ensemble_spread"] == 0.05 and csv_row["n_seeds"] == 2
    without = study_table("benchmark", "higgs", "pythia", records[:2]).markdown().splitlines()[4]
    assert without.endswith("| — | — |")


def test_the_calibration_figure_is_readable(tmp_path):
    from hepml.core.plotting import plt
    from hepml.pipeline.seed_ensembles import calibration_figure

    paths, histories = _seed_scores(tmp_path)
    ensemble_cell(CELL, [0, 1, 2], paths, histories, None, tmp_path / "ensemble.npz", tmp_path / "ensemble.json")
    fig = calibration_figure({"low": {"deep": tmp_path / "ensemble.npz", "bdt": tmp_path / "ensemble.npz"},
                              "complete": {"deep": tmp_path / "ensemble.npz"}}, "Seed ensembles: toy")
    assert_readable(fig)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(t.startswith("deep: ECE 0.0") for t in legend)
    plt.close(fig)
