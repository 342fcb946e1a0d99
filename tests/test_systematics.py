"""Detector variations and the significance with systematics: a variation shifts what it should, on
the same events and random numbers as the nominal card, and the pyhf model with the variations as
modifiers is the HistFactory model one would write by hand."""

import json

import numpy as np
import pyhf
import pytest
import vector

from hepml.benchmark.generation.detector import reconstruct, reconstruct_card
from hepml.benchmark.generation.shards import generate_cards_shard, generate_shard
from hepml.benchmark.generation.validation import peak_and_width
from hepml.benchmark.generation.variations import (generator_parameters, shower_variations, source_pairs, variation_cards,
                                                   variation_names, varied_card)
from hepml.core.pythia import GeneratedBatch, Particles
from hepml.core.records import Cell, MetricRecord, Roc
from hepml.core.significance import binned_significance, binned_significance_with_systematics
from hepml.core.store import read_store
from tests.helpers import default_config, detector_card

from .test_figures import assert_readable

GENERATION = {"sqrt_s": 8000, "higgs": {"masses": {"H0": 425, "Hpm": 325, "h": 125}, "widths": {"H0": 1.0, "Hpm": 1.0}}}


def _particles(rows, counts):
    cols = np.array(rows, dtype=float).reshape(-1, 5).T
    return Particles(cols[0], cols[1], cols[2], cols[3], cols[4].astype(int), np.asarray(counts))


def _b_jets(n, rng):
    """``n`` events, each one jet of four pions around a random direction, with a b hadron on its axis."""
    visible, hadrons = [], []
    for _ in range(n):
        pt, eta, phi = rng.uniform(40, 200), rng.uniform(-2, 2), rng.uniform(-np.pi, np.pi)
        for i in range(4):
            p = vector.obj(pt=pt / 4, eta=eta + 0.02 * i, phi=phi, mass=0.14)
            visible.append((p.px, p.py, p.pz, p.E, 211))
        h = vector.obj(pt=pt / 2, eta=eta, phi=phi, mass=5.3)
        hadrons.append((h.px, h.py, h.pz, h.E, 521))
    vis = _particles(visible, np.full(n, 4))
    b = _particles(hadrons, np.ones(n, int))
    empty = Particles(*(np.zeros(0),) * 4, np.zeros(0, int), np.zeros(n, int))
    return GeneratedBatch(vis, np.zeros(n), np.zeros(n), b, empty, vis, np.ones(4 * n), np.zeros(4 * n), np.zeros(n))


def test_variation_names_cards_and_pairs():
    sources = {"jes": {"jet.energy_scale": 0.03}, "btag": {"btag.loose.b": 0.2}}
    assert variation_names(sources) == ["nominal", "jes_up", "jes_down", "btag_up", "btag_down"]
    cards = variation_cards(detector_card(), sources)
    assert cards["jes_up"]["jet"]["energy_scale"] == pytest.approx(1.03)
    assert cards["jes_down"]["jet"]["energy_scale"] == pytest.approx(0.97)
    assert cards["btag_up"]["btag"]["loose"]["b"] == 1.0   # 0.85 x 1.2 capped: an efficiency
    assert cards["nominal"]["jet"]["energy_scale"] == 1.0   # the nominal card untouched
    assert source_pairs(cards) == {"jes": ("jes_up", "jes_down"), "btag": ("btag_up", "btag_down")}
    with pytest.raises(ValueError, match="no number 'jet.colour'"):
        varied_card(detector_card(), {"jet.colour": 0.1}, "up")
    generator = {"tune": {"TimeShower:alphaSvalue": 0.127}}
    names = variation_names(sources, generator)
    assert names[-1] == "tune_alt" and source_pairs(names)["tune"] == ("tune_alt", None)
    assert generator_parameters(generator, "tune_alt") == {"TimeShower:alphaSvalue": 0.127}
    with pytest.raises(ValueError, match="'jes_up' is not a generator variation"):
        generator_parameters(generator, "jes_up")


def test_a_card_reruns_the_nominal_measurement_exactly_and_jes_scales_every_jet():
    """The nominal card through the shared pass is the nominal reconstruction bit for bit; JES x 1.05
    scales every jet's four-momentum by exactly 1.05 (the same smearing), b-tags untouched."""
    rng = np.random.default_rng(0)
    batch = _b_jets(300, rng)
    card = detector_card()
    nominal, shared = reconstruct_card(batch, card, np.random.default_rng(1))
    assert np.array_equal(nominal.jets.px, reconstruct(batch, card, np.random.default_rng(1)).jets.px)
    again, _ = reconstruct_card(batch, card, np.random.default_rng(99), shared)
    for k in ("px", "py", "pz", "e", "btag"):
        assert np.array_equal(getattr(again.jets, k), getattr(nominal.jets, k)), k
    assert np.array_equal(again.met_px, nominal.met_px)
    scaled, _ = reconstruct_card(batch, varied_card(card, {"jet.energy_scale": 0.05}, "up"), np.random.default_rng(99),
                                 shared)
    both = np.isin(scaled.jets.pt_true, nominal.jets.pt_true)   # jets above the pT cut with either card
    kept = np.isin(nominal.jets.pt_true, scaled.jets.pt_true)
    np.testing.assert_allclose(scaled.jets.e[both], 1.05 * nominal.jets.e[kept], rtol=1e-12)
    assert np.array_equal(scaled.jets.btag[both], nominal.jets.btag[kept])


def test_btag_up_raises_the_tagged_fraction_by_its_relative_size():
    """b-tag efficiency x 1.05 on the same uniform numbers: every nominally tagged b jet stays tagged
    and the tagged fraction grows by 5% relative (binomial precision on 20k jets)."""
    rng = np.random.default_rng(2)
    batch = _b_jets(20_000, rng)
    card = detector_card()
    nominal, shared = reconstruct_card(batch, card, np.random.default_rng(3))
    up, _ = reconstruct_card(batch, varied_card(card, {"btag.loose.b": 0.05, "btag.tight.b": 0.05}, "up"),
                             np.random.default_rng(4), shared)
    assert np.all(nominal.jets.flavour == 5)
    tagged, tagged_up = nominal.jets.btag >= 1, up.jets.btag >= 1
    assert np.all(tagged_up[tagged])
    assert tagged.mean() == pytest.approx(0.85, abs=0.01)
    assert tagged_up.mean() / tagged.mean() == pytest.approx(1.05, abs=0.003)
    tight, tight_up = nominal.jets.btag == 2, up.jets.btag == 2
    assert tight_up.mean() / tight.mean() == pytest.approx(1.05, abs=0.005)


def test_generated_variations_share_pythia_and_leave_the_nominal_sample_as_it_was(tmp_path):
    """One Pythia stream through the nominal card and JES +- 5%: the nominal file is byte for byte
    the one generate_shard writes alone, and the m_bb peak of the signal moves by about 5%."""
    det = detector_card()
    cards = variation_cards(det, {"jes": {"jet.energy_scale": 0.05}})
    outputs = {n: tmp_path / f"{n}.root" for n in cards}
    record = generate_cards_shard("higgs", "signal", 0, 1600, 7, GENERATION, cards, outputs, tmp_path / "v.json",
                                  progress=False)
    generate_shard("higgs", "signal", 0, 1600, 7, GENERATION, det, tmp_path / "alone.root", tmp_path / "alone.json",
                   progress=False)
    assert (tmp_path / "alone.root").read_bytes() == outputs["nominal"].read_bytes()
    assert record["events_selected"] == json.loads((tmp_path / "alone.json").read_text())["events_selected"]
    assert set(record["cards_selected"]) == set(cards)
    m_bb = {n: read_store(p)["m_bb"] for n, p in outputs.items()}
    ratio_up = np.median(m_bb["jes_up"]) / np.median(m_bb["nominal"])
    ratio_down = np.median(m_bb["jes_down"]) / np.median(m_bb["nominal"])
    assert ratio_up == pytest.approx(1.05, abs=0.012) and ratio_down == pytest.approx(0.95, abs=0.012)
    peak = {n: peak_and_width(v)[0] for n, v in m_bb.items()}
    assert peak["jes_up"] / peak["nominal"] == pytest.approx(1.05, abs=0.03)


def _toy(n, rng, shift=0.0, scale=1.0):
    y = rng.integers(0, 2, n)
    return scale * (rng.normal(y * 1.2, 1.0) + shift), y


def test_significance_with_systematics_is_the_hand_built_histfactory_model():
    """Three bins by hand: yields, one source's normsys (total ratios) and histosys (shapes at the
    nominal total) on signal and background under one parameter, the background's 5% normsys and
    MC statistics; Z = sqrt(q0) from pyhf's hypotest machinery on the Asimov data."""
    val_scores = np.repeat([-0.5, 0.5, 1.5], [300, 300, 300])   # background terciles: edges at 0.17 and 0.83
    val_labels = np.zeros(900, int)
    # test events at bin centres: nominal counts, and an 'up' and 'down' with counts moved between bins
    def events(sig, bkg):
        s = np.repeat([-0.5, 0.5, 1.5], sig)
        b = np.repeat([-0.5, 0.5, 1.5], bkg)
        return np.concatenate([s, b]), np.concatenate([np.ones(len(s), int), np.zeros(len(b), int)])
    nominal = events([20, 40, 140], [600, 250, 150])
    up = events([18, 40, 152], [590, 260, 170])
    down = events([22, 41, 128], [610, 240, 135])
    z = binned_significance_with_systematics(val_scores, val_labels, nominal, {"jes": (up, down)}, 100.0, 1000.0,
                                             0.05, 3)
    ws, wb = 100 / 200, 1000 / 1000
    s, b = ws * np.array([20, 40, 140.0]), wb * np.array([600, 250, 150.0])
    s_up, s_down = ws * np.array([18, 40, 152.0]), ws * np.array([22, 41, 128.0])
    b_up, b_down = wb * np.array([590, 260, 170.0]), wb * np.array([610, 240, 135.0])
    spec = {"channels": [{"name": "score", "samples": [
        {"name": "signal", "data": s.tolist(), "modifiers": [
            {"name": "mu", "type": "normfactor", "data": None},
            {"name": "jes", "type": "normsys", "data": {"hi": 210 / 200, "lo": 191 / 200}},
            {"name": "jes", "type": "histosys", "data": {"hi_data": (s_up * 200 / 210).tolist(),
                                                         "lo_data": (s_down * 200 / 191).tolist()}}]},
        {"name": "background", "data": b.tolist(), "modifiers": [
            {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}},
            {"name": "bkg_mc_stat", "type": "staterror", "data": (wb * np.sqrt([600, 250, 150.0])).tolist()},
            {"name": "jes", "type": "normsys", "data": {"hi": 1020 / 1000, "lo": 985 / 1000}},
            {"name": "jes", "type": "histosys", "data": {"hi_data": (b_up * 1000 / 1020).tolist(),
                                                         "lo_data": (b_down * 1000 / 985).tolist()}}]}]}]}
    model = pyhf.Model(spec, poi_name="mu")
    pars = model.config.suggested_init()
    asimov = model.expected_data(pars)   # mu = 1, every nuisance parameter nominal
    pyhf.set_backend("numpy", "scipy")
    q0 = pyhf.infer.test_statistics.q0(0.0, asimov, model, pars, model.config.suggested_bounds(),
                                       model.config.suggested_fixed())
    assert z == pytest.approx(float(np.sqrt(q0)), rel=1e-4)
    without = binned_significance(val_scores, val_labels, *nominal, 100.0, 1000.0, 0.05, 3)
    assert z < without


def test_a_one_sided_generator_source_is_mirrored_as_in_a_hand_built_model():
    """A generator variation has no down: the hand-built model mirrors it (normsys lo = 1/hi, the
    histosys's lo shape = 2 x nominal - the up shape at the nominal total)."""
    val_scores, val_labels = np.repeat([-0.5, 0.5, 1.5], [300, 300, 300]), np.zeros(900, int)

    def events(sig, bkg):
        s, b = np.repeat([-0.5, 0.5, 1.5], sig), np.repeat([-0.5, 0.5, 1.5], bkg)
        return np.concatenate([s, b]), np.concatenate([np.ones(len(s), int), np.zeros(len(b), int)])
    nominal, alt = events([20, 40, 140], [600, 250, 150]), events([24, 46, 130], [580, 270, 160])
    z = binned_significance_with_systematics(val_scores, val_labels, nominal, {"tune": (alt, None)}, 100.0, 1000.0,
                                             0.05, 3)
    s, b = 0.5 * np.array([20, 40, 140.0]), np.array([600, 250, 150.0])
    s_alt, b_alt = 0.5 * np.array([24, 46, 130.0]), np.array([580, 270, 160.0])
    s_shape, b_shape = s_alt * 200 / 200, b_alt * 1000 / 1010
    spec = {"channels": [{"name": "score", "samples": [
        {"name": "signal", "data": s.tolist(), "modifiers": [
            {"name": "mu", "type": "normfactor", "data": None},
            {"name": "tune", "type": "normsys", "data": {"hi": 1.0, "lo": 1.0}},
            {"name": "tune", "type": "histosys", "data": {"hi_data": s_shape.tolist(),
                                                          "lo_data": (2 * s - s_shape).tolist()}}]},
        {"name": "background", "data": b.tolist(), "modifiers": [
            {"name": "bkg_norm", "type": "normsys", "data": {"hi": 1.05, "lo": 0.95}},
            {"name": "bkg_mc_stat", "type": "staterror", "data": np.sqrt([600, 250, 150.0]).tolist()},
            {"name": "tune", "type": "normsys", "data": {"hi": 1010 / 1000, "lo": 1000 / 1010}},
            {"name": "tune", "type": "histosys", "data": {"hi_data": b_shape.tolist(),
                                                          "lo_data": (2 * b - b_shape).tolist()}}]}]}]}
    model = pyhf.Model(spec, poi_name="mu")
    pars = model.config.suggested_init()
    pyhf.set_backend("numpy", "scipy")
    q0 = pyhf.infer.test_statistics.q0(0.0, model.expected_data(pars), model, pars, model.config.suggested_bounds(),
                                       model.config.suggested_fixed())
    assert z == pytest.approx(float(np.sqrt(q0)), rel=1e-4)
    assert z < binned_significance(val_scores, val_labels, *nominal, 100.0, 1000.0, 0.05, 3)


def test_no_source_or_a_source_that_changes_nothing_is_the_binned_significance():
    """No variation: the systematics model is the benchmark's binned model (computed there by a
    closed-form profile, here by pyhf's fit); a variation equal to the nominal leaves Z as it is."""
    rng = np.random.default_rng(5)
    val, test = _toy(8000, rng), _toy(8000, rng)
    z0 = binned_significance(*val, *test, 100, 1000, 0.05, 10)
    assert binned_significance_with_systematics(*val, test, {}, 100, 1000, 0.05, 10) == pytest.approx(z0, rel=1e-4)
    same = binned_significance_with_systematics(*val, test, {"none": (test, test)}, 100, 1000, 0.05, 10)
    assert same == pytest.approx(z0, rel=1e-4)
    shifted = binned_significance_with_systematics(*val, test, {"jes": ((test[0] * 1.1, test[1]), (test[0] * 0.9, test[1]))},
                                                   100, 1000, 0.05, 10)
    assert shifted < z0


def _records(shift, shower=False):
    """Records of four cells on the nominal card and JES up and down (``shower``: also a shower
    source's weighted variations, with their shifts' statistical spread)."""
    cells = [Cell("benchmark", "higgs", "pythia", f, m, "all") for f in ("low", "complete") for m in ("bdt", "deep")]
    out = []
    eff = np.linspace(0, 1, 5).tolist()
    variations = [("nominal", 0.0), ("jes_up", shift), ("jes_down", -shift)]
    variations += [("fsr_up", -shift), ("fsr_down", 2 * shift)] if shower else []
    for cell in cells:
        for seed in (0, 1):
            for variation, delta in variations:
                out.append(MetricRecord(Cell(**{**vars(cell), "evaluation": f"syst_{variation}"}), seed,
                                        0.7 + 0.01 * seed + delta, 100, 50, 4.0, Roc(eff, eff), z_binned=2.0 + delta,
                                        z_best_threshold=2.5 + 2 * delta,
                                        z_systematics=1.5 if variation == "nominal" else None,
                                        auc_shift_stat=0.001 * (1 + seed) if variation.startswith("fsr") else None))
    return out


def test_the_systematics_table_shows_seed_by_seed_shifts_and_the_significance_with_systematics():
    from hepml.pipeline.reports import study_table

    table = study_table("systematics", "higgs", "pythia", _records(0.002))
    lines = table.markdown().splitlines()
    assert "ΔAUC jes up / down" in lines[2] and "Z with systematics" in lines[2]
    assert lines[4].startswith("| bdt | low | 0.705 ± 0.007 | +0.0020 / -0.0020 | 2.00 ± 0.00 | 1.50 ± 0.00 |")
    row = table.csv_rows()[0]
    assert row["auc_shift_jes_up"] == pytest.approx(0.002) and row["z_binned_shift_jes_down"] == pytest.approx(-0.002)
    assert row["z_best_threshold"] == pytest.approx(2.5) and row["z_best_threshold_shift_jes_up"] == pytest.approx(0.004)
    with pytest.raises(ValueError, match="no nominal-variation records"):
        study_table("systematics", "higgs", "pythia", [r for r in _records(0.0) if r.cell.evaluation != "syst_nominal"])
    shower = study_table("systematics", "higgs", "pythia", _records(0.002, shower=True))
    assert "| -0.0020 / +0.0040 (± 0.0015 / 0.0015) |" in shower.markdown().splitlines()[4]   # mean spread over seeds
    assert shower.csv_rows()[0]["auc_shift_stat_fsr_down"] == pytest.approx(0.0015)


def test_the_systematics_figure_is_readable():
    from hepml.core.plotting import plt
    from hepml.pipeline.reports import study_figure

    fig = study_figure("systematics", "higgs", "pythia", _records(0.003, shower=True))
    assert_readable(fig)
    plt.close(fig)


def test_the_default_sources_are_valid_cards_of_the_default_detector():
    config = default_config()
    syst = config["systematics"]
    cards = variation_cards(config["detector"], syst["sources"], syst["generator"])
    assert list(cards) == variation_names(syst["sources"], syst["generator"])
    assert len(cards) == 1 + 2 * len(syst["sources"]) + len(syst["generator"])
    assert syst["generator"] == {"tune": {"TimeShower:alphaSvalue": 0.127}} and cards["tune_alt"] == config["detector"]


def test_every_card_gets_the_validation_report_and_the_shifts_show(tmp_path):
    """Signal and background through the nominal card and JES +-5%: each card's validation report,
    the table of what it shifts (the median m_bb up and down by about 5%) and a readable figure."""
    from hepml.benchmark.generation.variations import variation_reports, variations_figure, variations_markdown
    from hepml.core.atomic import read_json
    from hepml.core.plotting import plt

    generator, shower = {"fsr": {"TimeShower:alphaSvalue": 0.2}}, {"scale": {"fsr": 2.0}}
    cards = variation_cards(detector_card(), {"jes": {"jet.energy_scale": 0.05}}, generator, shower)
    detector_cards = {n: c for n, c in cards.items() if n in ("nominal", "jes_up", "jes_down")}
    shards, records = {n: [] for n in cards}, {n: [] for n in cards}
    for process in ("signal", "background"):
        outputs = {n: tmp_path / f"{process}_{n}.root" for n in cards}
        outputs.update(scale_up=outputs["nominal"], scale_down=outputs["nominal"])   # weighted nominal events
        generate_cards_shard("higgs", process, 0, 1200, 11, GENERATION, detector_cards, outputs,
                             tmp_path / f"{process}.json", progress=False, label=f"{process}_variations",
                             shower={"variations": shower_variations(shower), "settings": {"fsr_pt2_min_factor": 20}})
        fsr = generate_cards_shard("higgs", process, 0, 1200, 11, GENERATION, {"fsr_alt": cards["fsr_alt"]},
                                   outputs, tmp_path / f"{process}_fsr.json", progress=False,
                                   label=f"{process}_variations", parameters=generator["fsr"])
        assert fsr["parameters"] == {"TimeShower:alphaSvalue": 0.2} and fsr["events_generated"] == 1200
        for n, path in outputs.items():
            shards[n].append(str(path))
            records[n].append(read_json(tmp_path / (f"{process}_fsr.json" if n == "fsr_alt" else f"{process}.json")))
    # generated again with the same seed: other showers, so other events (not the nominal file again)
    assert read_store(shards["fsr_alt"][0])["m_bb"][:50].tolist() != read_store(shards["nominal"][0])["m_bb"][:50].tolist()
    reports = variation_reports("higgs", shards, records, cards)
    assert set(reports) == set(cards) and set(reports["nominal"]["generation"]) == {"signal", "background"}
    assert reports["fsr_alt"]["generation"]["signal"]["events_generated"] == 1200
    median = {n: next(p["median"] for p in r["peaks"] if p["feature"] == "m_bb") for n, r in reports.items()}
    assert median["jes_up"] / median["nominal"] == pytest.approx(1.05, abs=0.02)
    assert median["jes_down"] / median["nominal"] == pytest.approx(0.95, abs=0.02)
    text = variations_markdown("higgs", reports)
    assert "| jes_up | m_bb | signal |" in text and "| nominal | signal |" in text and "| fsr_alt | m_bb | signal |" in text
    # a shower variation: the nominal events weighted, their sum of weights near their number
    weighted = reports["scale_down"]["generation"]["signal"]
    assert weighted["events_selected"] == pytest.approx(reports["nominal"]["generation"]["signal"]["events_selected"], rel=0.3)
    assert 0 < weighted["effective_fraction"] < 1 and reports["scale_down"]["btag"] == []
    assert abs(median["scale_down"] / median["nominal"] - 1) < 0.1 and median["scale_down"] != median["nominal"]
    assert "| scale_down | m_bb | signal | — |" in text and "effective fraction" in text
    fig = variations_figure("higgs", reports, shards)
    assert_readable(fig)
    plt.close(fig)
