"""Parton-shower scale variations as per-event weights: the weights reproduce a sample generated
again with the varied scale, a weighted metric counts an event of weight k as k events, and the
weights travel with their events from the shard to the systematics table."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from hepml.benchmark.generation.shower_weights import (WeightTally, effective_fraction, event_weights,
                                                       uncertainty_bands, weight_column, weighted_quantile)
from hepml.benchmark.generation.variations import shower_variation_names, shower_variations, source_pairs, variation_names
from hepml.core.metrics import classifier_metrics
from hepml.core.pythia import generate, make_pythia, shower_weight_settings, weight_columns
from hepml.core.roc import auc, auc_shift_spread, roc_curve
from hepml.core.significance import (binned_significance, binned_significance_with_systematics, expected_yields,
                                     significance_at_cuts)

EE_TO_QQ = ["Beams:idA = 11", "Beams:idB = -11", "Beams:eCM = 91.188", "PDF:lepton = off",
            "WeakSingleBoson:ffbar2gmZ = on", "23:onMode = off", "23:onIfAny = 1 2 3 4 5",
            "HadronLevel:all = off", "PartonLevel:ISR = off"]


def _partons(batch) -> np.ndarray:
    """Final-state partons per event (hadronisation off): the shower's emissions plus two."""
    return np.diff(np.r_[0, np.cumsum(batch.visible.counts)]).astype(float)


def test_shower_weights_reproduce_the_sample_generated_with_the_scale_varied():
    """e+e- -> Z -> q q, final-state shower only: the nominal events weighted for muR x 2 have the
    mean parton multiplicity of events generated again with the shower's renormalisation scale
    doubled (TimeShower:renormMultFac = 4 multiplies muR^2), within the statistics, while the
    nominal mean is far from it. The weights vary every emission (FSRpTmin2Fac 0), uncapped
    (deltaAlphaSmax 1), without the NLO compensation term (muSoftCorr off): the plain definition."""
    n = 6000
    settings = shower_weight_settings({"fsr_up": {"fsr": 2.0}},
                                      {"FSRpTmin2Fac": 0, "deltaAlphaSmax": 1.0, "muSoftCorr": "off"})
    pythia = make_pythia(EE_TO_QQ + settings, 1)
    batch = next(generate(pythia, n, n, ["fsr_up"]))
    partons, w = _partons(batch), batch.weights["fsr_up"]
    regenerated = _partons(next(generate(make_pythia(EE_TO_QQ + ["TimeShower:renormMultFac = 4"], 2), n, n)))
    weighted = np.sum(w * partons) / np.sum(w)
    err_weighted = np.sqrt(np.sum(w**2 * (partons - weighted) ** 2)) / np.sum(w)
    err = np.hypot(err_weighted, regenerated.std() / np.sqrt(n))
    assert abs(weighted - regenerated.mean()) < 3 * err
    assert partons.mean() - regenerated.mean() > 20 * err   # the variation is large: the test can fail
    assert abs(np.mean(w) - 1) < 3 * np.std(w) / np.sqrt(n)   # the shower keeps the inclusive cross section


def test_unknown_weights_and_scales_are_errors_naming_them():
    with pytest.raises(ValueError, match="'mpi'.*fsr or isr"):
        shower_weight_settings({"x_up": {"mpi": 2.0}}, {})
    pythia = make_pythia(EE_TO_QQ + shower_weight_settings({"a_up": {"fsr": 2.0}}, {}), 1)
    with pytest.raises(ValueError, match="no weight named 'b_up'"):
        weight_columns(pythia, ["b_up"])
    with pytest.raises(ValueError, match="unknown keys \\['pt_min'\\]"):
        uncertainty_bands({"pt_min": 1.0})
    assert uncertainty_bands({"fsr_pt2_min_factor": 20}) == {"FSRpTmin2Fac": 20.0}


def test_shower_sources_name_an_up_and_a_down_variation_with_inverse_factors():
    shower = {"fsr": {"fsr": 2.0}, "both": {"fsr": 1.5, "isr": 2.0}}
    assert shower_variations(shower) == {"fsr_up": {"fsr": 2.0}, "fsr_down": {"fsr": 0.5},
                                         "both_up": {"fsr": 1.5, "isr": 2.0}, "both_down": {"fsr": 1 / 1.5, "isr": 0.5}}
    assert shower_variation_names(shower) == ["fsr_up", "fsr_down", "both_up", "both_down"]
    names = variation_names({"jes": {"jet.energy_scale": 0.03}}, {"tune": {}}, shower)
    assert names == ["nominal", "jes_up", "jes_down", "tune_alt", "fsr_up", "fsr_down", "both_up", "both_down"]
    assert source_pairs(names)["fsr"] == ("fsr_up", "fsr_down")


def test_pythia_names_its_weights_as_the_list_does_and_groups_multiply():
    """A source varying both showers is one weight: the product of the two atomic ones."""
    variations = {"f_up": {"fsr": 2.0}, "i_up": {"isr": 2.0}, "fi_up": {"fsr": 2.0, "isr": 2.0}}
    lhc = ["Beams:eCM = 13000", "HardQCD:all = on", "PhaseSpace:pTHatMin = 50", "HadronLevel:all = off",
           "PartonLevel:MPI = off"]
    pythia = make_pythia(lhc + shower_weight_settings(variations, {}), 3)
    batch = next(generate(pythia, 200, 200, list(variations)))
    w = batch.weights
    assert np.allclose(w["fi_up"], w["f_up"] * w["i_up"], rtol=1e-9)
    assert not np.allclose(w["f_up"], 1.0) and not np.allclose(w["i_up"], 1.0)


def test_the_spread_of_a_weighted_auc_shift_falls_as_one_over_root_n():
    """Equal weights shift nothing; exponential weights shift the AUC by a bootstrap spread that
    halves when the sample is four times larger."""
    rng = np.random.default_rng(6)

    def spread(n):
        y = rng.integers(0, 2, n)
        return auc_shift_spread(y, rng.normal(y, 1.0), rng.exponential(1.0, n), seed=1)

    y = rng.integers(0, 2, 500)
    assert auc_shift_spread(y, rng.normal(y, 1.0), np.full(500, 2.0)) == 0.0
    small, large = spread(1000), spread(4000)
    assert 0 < large < small and small / large == pytest.approx(2.0, rel=0.3)


def test_a_weighted_roc_counts_an_event_of_weight_k_as_k_events():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 3000)
    s = np.round(rng.normal(y, 1.0), 1)   # ties
    k = rng.integers(0, 4, len(y))
    assert auc(y, s, k.astype(float)) == pytest.approx(auc(np.repeat(y, k), np.repeat(s, k)), abs=1e-12)
    w = rng.exponential(1.0, len(y))
    assert auc(y, s, w) == pytest.approx(roc_auc_score(y, s, sample_weight=w), abs=1e-12)
    fpr, tpr = roc_curve(y, s, w)
    assert fpr[-1] == pytest.approx(1) and tpr[-1] == pytest.approx(1) and np.all(np.diff(tpr) >= 0)


def _scored(seed: int, max_weight: int):
    """Validation scores and labels, test scores and labels, integer weights k and the test events
    repeated k times."""
    rng = np.random.default_rng(seed)
    val_y = rng.integers(0, 2, 4000)
    y = rng.integers(0, 2, 3000)
    s = rng.normal(y, 1.0)
    k = rng.integers(0, max_weight + 1, len(y)).astype(float)
    return rng.normal(val_y, 1.0), val_y, s, y, k, (np.repeat(s, k.astype(int)), np.repeat(y, k.astype(int)))


def test_weighted_significances_count_an_event_of_weight_k_as_k_events():
    val_s, val_y, s, y, k, repeated = _scored(2, 3)
    args = (100.0, 1000.0, 0.05, 10)
    # the yields count k events; their MC statistics do not (sqrt(sum w^2), below), so compare without them
    assert binned_significance(val_s, val_y, s, y, *args, mc_stat=False, test_weights=k) == pytest.approx(
        binned_significance(val_s, val_y, *repeated, *args, mc_stat=False), rel=1e-9)
    cuts = np.linspace(-1, 2, 7)
    assert np.allclose(significance_at_cuts(s, y, cuts, 100.0, 1000.0, 0.05, k),
                       significance_at_cuts(*repeated, cuts, 100.0, 1000.0, 0.05))
    edges = np.array([-np.inf, 0.0, 1.0, np.inf])
    _, _, s_err, _ = expected_yields(s, y, edges, 100.0, 1000.0, k)
    sig = y == 1
    total = k[sig].sum()
    first = sig & (s < 0)
    assert s_err[0] == pytest.approx(100.0 / total * np.sqrt(np.sum(k[first] ** 2)))   # sqrt of the sum of w^2


def test_a_weighted_variation_in_the_systematics_model_is_the_duplicated_one():
    val_s, val_y, s, y, k, repeated = _scored(3, 2)
    flipped = 2.0 - k
    repeated_down = (np.repeat(s, flipped.astype(int)), np.repeat(y, flipped.astype(int)))
    weighted = binned_significance_with_systematics(val_s, val_y, (s, y), {"fsr": ((s, y, k), (s, y, flipped))},
                                                    100.0, 1000.0, 0.05, 5)
    duplicated = binned_significance_with_systematics(val_s, val_y, (s, y), {"fsr": (repeated, repeated_down)},
                                                      100.0, 1000.0, 0.05, 5)
    assert weighted == pytest.approx(duplicated, rel=1e-9)


def test_classifier_metrics_take_weights_and_refuse_bad_ones():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 2000)
    s = rng.normal(y, 1.0)
    ones = classifier_metrics(s, y, s, y, test_weights=np.ones(len(y)))
    assert ones["auc"] == classifier_metrics(s, y, s, y)["auc"]
    with pytest.raises(ValueError, match="test.*1999 event weights for 2000 events"):
        classifier_metrics(s, y, s, y, where="x.root", test_weights=np.ones(1999))
    with pytest.raises(ValueError, match="not finite"):
        classifier_metrics(s, y, s, y, test_weights=np.r_[np.nan, np.ones(1999)])


def test_the_tally_normalises_weights_to_mean_one_over_the_generated_events():
    tally = WeightTally(["a_up"])
    rng = np.random.default_rng(5)
    generated, selected = [], []
    for _ in range(3):
        w = rng.exponential(2.0, 100)
        keep = rng.random(100) < 0.3
        tally.add_generated({"a_up": w})
        tally.hold({"x": np.arange(100.0)[keep]}, {"a_up": w}, keep)
        generated.append(w)
        selected.append(w[keep])
    events = tally.normalised_events()
    mean = np.concatenate(generated).mean()
    assert np.allclose(events[weight_column("a_up")], np.concatenate(selected) / mean)
    summary = tally.summary(events)["a_up"]
    assert summary["mean_generated"] == pytest.approx(mean)
    assert summary["effective_fraction_selected"] == pytest.approx(effective_fraction(np.concatenate(selected)))
    assert event_weights(events, "a_up") is not None and event_weights(events, "b_up") is None


def test_effective_fraction_and_weighted_quantiles_by_their_definitions():
    assert effective_fraction(np.ones(10)) == 1.0
    assert effective_fraction(np.r_[np.ones(5), np.zeros(5)]) == pytest.approx(0.5)
    values = np.array([1.0, 2.0, 3.0])
    assert weighted_quantile(values, np.array([1.0, 1.0, 2.0]), 0.5) == 2.0   # as 1, 2, 3, 3
    assert weighted_quantile(values, np.array([3.0, 1.0, 1.0]), 0.5) == 1.0   # as 1, 1, 1, 2, 3
    assert weighted_quantile(values, None, 0.5) == 2.0


def test_the_generated_shard_carries_normalised_weights_on_the_nominal_card_only(tmp_path):
    from hepml.benchmark.generation.shards import generate_cards_shard
    from hepml.benchmark.generation.variations import variation_cards
    from hepml.core.store import read_events, store_columns
    from tests.helpers import detector_card

    from .test_systematics import GENERATION

    cards = variation_cards(detector_card(), {"jes": {"jet.energy_scale": 0.05}})
    outputs = {n: tmp_path / f"{n}.root" for n in cards}
    shower = {"variations": shower_variations({"fsr": {"fsr": 2.0}}), "settings": {"fsr_pt2_min_factor": 20}}
    record = generate_cards_shard("higgs", "background", 0, 600, 7, GENERATION, cards, outputs, tmp_path / "r.json",
                                  progress=False, shower=shower)
    columns = store_columns(outputs["nominal"])
    assert columns[-2:] == ["weight_fsr_up", "weight_fsr_down"]
    assert not any(c.startswith("weight_") for c in store_columns(outputs["jes_up"]))
    events = read_events(outputs["nominal"])
    assert len(events["weight_fsr_up"]) == record["cards_selected"]["nominal"]
    summary = record["shower_weights"]["weights"]
    assert set(summary) == {"fsr_up", "fsr_down"} and record["shower_weights"]["variations"]["fsr_down"] == {"fsr": 0.5}
    assert summary["fsr_up"]["mean_generated"] == pytest.approx(1.0, abs=0.15)
    assert 0 < summary["fsr_down"]["effective_fraction_selected"] < 1
    assert np.all(np.isfinite(events["weight_fsr_down"])) and not np.allclose(events["weight_fsr_down"], 1.0)
    assert np.all(events["label"] == 0)
