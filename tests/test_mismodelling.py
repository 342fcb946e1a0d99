"""Mis-modelling and weak supervision: the data's parameter reaches Pythia and does what the shower
says; simulation-trained and weak taggers on a toy whose optimum is known in closed form; the study's
cells, table and figure."""

import math

import numpy as np
import pytest

from hepml.core.records import Cell, MetricRecord, Roc
from hepml.core.roc import auc
from hepml.pipeline.cells import mismodelling_cells, mismodelling_sources, study_cells
from hepml.pipeline.models import TrainingData, predict_network, train_model
from hepml.weak.methods import weak_training_data
from hepml.weak.mismodelled_data import alt_source, alt_value, data_generation
from hepml.weak.mismodelling import mismodelling_table, observable_medians, point_of, rows
from hepml.weak.mixtures import build_weak_sample
from tests.helpers import default_config
from tests.test_weak import network


def phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


# --- a toy where the optimum is known -------------------------------------------------------------

SEPARATION = 2.0   # distance between the quark and gluon means, unit covariance: best AUC = Phi(d / sqrt 2)


def gaussians(n: int, angle: float, seed: int):
    """Quark (1) and gluon (0) jets as 2D unit Gaussians whose means differ by SEPARATION along the
    direction ``angle``: the simulation has angle 0, the mis-modelled data another angle."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    direction = np.array([math.cos(angle), math.sin(angle)])
    x = rng.normal(size=(n, 2)) + np.outer(y - 0.5, SEPARATION * direction)
    return x.astype(np.float32), y


@pytest.fixture(scope="module")
def toy():
    """AUC on the data's truth of a network trained on simulated truth and of CWoLa and LLP trained
    on the data's mixtures (0.8, 0.2), for data rotated by 0 and by 60 degrees."""
    spec = network(32)
    x, y = gaussians(40_000, 0.0, 1)
    xv, yv = gaussians(10_000, 0.0, 2)
    simulation, _ = train_model(spec, TrainingData(x, y.astype(np.float32), xv, yv.astype(np.float32), val_truth=yv),
                                0, progress=False)
    out = {}
    for degrees in (0, 60):
        angle = math.radians(degrees)
        xd, yd = gaussians(40_000, angle, 3)
        xdv, ydv = gaussians(10_000, angle, 4)
        xt, yt = gaussians(40_000, angle, 5)
        out["simulation", degrees] = auc(yt, predict_network(simulation, xt, spec))
        train = build_weak_sample(xd, yd, [0.8, 0.2], 1, size=10_000)
        val = build_weak_sample(xdv, ydv, [0.8, 0.2], 2, size=2_500)
        for method in ("cwola", "llp"):
            model, _ = train_model(spec, weak_training_data(method, train, val), 0, progress=False)
            out[method, degrees] = auc(yt, predict_network(model, xt, spec))
    return out


@pytest.mark.parametrize("degrees", [0, 60])
def test_a_simulation_trained_tagger_reaches_the_closed_form_auc_of_its_projection(toy, degrees):
    """Trained where the means differ along x, it ranks data jets by x: AUC = Phi(d cos(angle) / sqrt 2)."""
    expected = phi(SEPARATION * math.cos(math.radians(degrees)) / math.sqrt(2))
    assert toy["simulation", degrees] == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("method", ["cwola", "llp"])
def test_weak_learners_on_the_data_reach_the_data_optimum_and_overtake_when_mismodelled(toy, method):
    best = phi(SEPARATION / math.sqrt(2))   # the likelihood ratio of the data: 0.921
    assert toy[method, 0] == pytest.approx(best, abs=0.015)
    assert toy[method, 60] == pytest.approx(best, abs=0.015)
    assert toy["simulation", 0] >= toy[method, 0] - 0.01        # no mis-modelling: supervision is as good
    assert toy[method, 60] > toy["simulation", 60] + 0.1          # strong mis-modelling: weak wins (0.92 vs 0.76)


# --- the parameter reaches Pythia -----------------------------------------------------------------

def test_a_pythia_parameter_outside_its_range_or_unknown_stops_generation():
    from hepml.core.pythia import default_parameter, make_pythia

    assert default_parameter("TimeShower:alphaSvalue") == 0.1365   # the Monash tune (Pythia 8 manual)
    with pytest.raises(ValueError, match="TimeShower:alphaSvalue: 0.9 is outside its allowed range"):
        make_pythia(["Beams:eCM = 14000", "HardQCD:all = on"], 1, {"TimeShower:alphaSvalue": 0.9})
    with pytest.raises(ValueError, match="'TimeShower:alphaSvalu' is not a real-valued Pythia parameter"):
        make_pythia(["Beams:eCM = 14000", "HardQCD:all = on"], 1, {"TimeShower:alphaSvalu": 0.12})
    with pytest.raises(ValueError, match="'Tune:pp' is not a real-valued"):
        default_parameter("Tune:pp")


def test_a_stronger_final_state_shower_gives_more_particles_in_gluon_jets(tmp_path):
    """The data's generation is the simulation's with one parameter changed, and the jets show it:
    a larger alpha_s in the final-state shower radiates more, so gluon jets hold more particles."""
    from hepml.jets.generation import generate_jet_shard
    from hepml.jets.observables import jet_observables
    from hepml.jets.store import read_jets

    nominal = default_config()["jets"]["generation"]
    data = data_generation(nominal, "TimeShower:alphaSvalue", 0.2)
    assert data["parameters"] == {"TimeShower:alphaSvalue": 0.2} and nominal["parameters"] == {}
    assert {k: v for k, v in data.items() if k != "parameters"} == {k: v for k, v in nominal.items() if k != "parameters"}
    multiplicity = {}
    for name, cfg in (("nominal", nominal), ("data", data)):
        record = generate_jet_shard("gluon", 0, 2500, 7, cfg, tmp_path / f"{name}.root", tmp_path / f"{name}.json",
                                    progress=False)
        assert record["parameters"] == cfg["parameters"]
        multiplicity[name] = jet_observables(read_jets(tmp_path / f"{name}.root"))["multiplicity"]
    assert min(len(m) for m in multiplicity.values()) > 300
    assert np.mean(multiplicity["data"]) > 1.1 * np.mean(multiplicity["nominal"])


# --- the study's cells, names, table ----------------------------------------------------------------

def test_data_sample_names_round_trip_and_stay_plain_decimals():
    assert alt_source(0.15) == "alt_0.15" and alt_value("alt_0.15") == 0.15
    assert alt_source(1e-05) == "alt_0.00001"
    assert alt_value("pythia") is None and alt_value("alt_") is None and alt_value("alt_1e-5") is None


def test_the_study_scores_simulation_taggers_on_each_data_sample_and_trains_weak_learners_there():
    cfg = default_config()
    cfg["mismodelling"]["values"] = [0.12, 0.2]
    assert mismodelling_sources(cfg) == ["alt_0.12", "alt_0.2"]
    cells = mismodelling_cells(cfg)
    assert cells == study_cells(cfg, "mismodelling", "qg", "pythia")
    points = {point_of(c) for c in cells}
    assert len(points) == len(cells)   # every cell is one tagger at one value
    sim = [c for c in cells if point_of(c).trained_on == "simulation"]
    assert {(c.study, c.model, c.source) for c in sim} == {("weak", "dense", "pythia"), ("jets", "cnn", "pythia"),
                                                            ("jets", "bdt", "pythia")}
    assert sorted({c.evaluation for c in sim}) == ["alt_0.12", "alt_0.2", "test"]
    weak = [c for c in cells if point_of(c).trained_on == "mixtures"]
    assert {(c.source, c.task, c.evaluation) for c in weak} == {
        (s, f"{m}_0.8_0.2", "test") for s in ("pythia", "alt_0.12", "alt_0.2") for m in ("cwola", "llp")}
    truth = [c for c in cells if point_of(c).trained_on == "truth"]
    assert {(c.source, c.task) for c in truth} == {("alt_0.12", "supervised"), ("alt_0.2", "supervised")}
    for off in ({"mismodelling": {"enabled": False}}, {"jets": {"source": "energyflow"}}):
        other = default_config()
        for section, values in off.items():
            other[section].update(values)
        assert mismodelling_cells(other) == [] and mismodelling_sources(other) == []


def record(cell: Cell, seed: int, value: float) -> MetricRecord:
    return MetricRecord(cell, seed, value, 1000, 500, 10.0, Roc([0.0, 1.0], [0.0, 1.0]))


def test_the_table_puts_each_tagger_beside_the_simulation_trained_network_of_the_same_inputs():
    cfg = default_config()
    cfg["mismodelling"]["values"] = [0.2]
    cells = mismodelling_cells(cfg)
    aucs = {}
    for i, c in enumerate(cells):
        aucs[c] = 0.70 + 0.01 * i
    records = [record(c, s, aucs[c] + 0.002 * s) for c in cells for s in (1, 2)]
    table = mismodelling_table(records, "t", "TimeShower:alphaSvalue", None)
    out = table.csv_rows()
    assert [r["value"] for r in out] == [0.1365] * 5 + [0.2] * 6   # the nominal point first
    by_point = {(r["value"], r["tagger"], r["trained_on"]): r for r in out}
    dense_sim = next(c for c in cells if c.study == "weak" and c.task == "supervised" and c.evaluation == "alt_0.2")
    cwola = next(c for c in cells if c.task.startswith("cwola") and c.source == "alt_0.2")
    row = by_point[0.2, "cwola", "data mixtures"]
    assert row["auc"] == pytest.approx(aucs[cwola] + 0.003)
    assert row["auc_minus_simulation_network"] == pytest.approx(aucs[cwola] - aucs[dense_sim])
    assert by_point[0.2, "dense", "simulation truth"]["auc_minus_simulation_network"] is None
    assert "0.1365 (nominal)" in table.markdown()
    assert [r.point.value for r in rows(records)][:1] == [None]


def test_the_observable_medians_separate_flavours():
    labels = np.r_[np.ones(5), np.zeros(5)]
    data = {"pythia": {"labels": labels, "obs_multiplicity": np.r_[np.arange(5), 10 + np.arange(5)]}}
    assert observable_medians(data, ["multiplicity"]) == {"pythia": {"quark": {"multiplicity": 2.0},
                                                                     "gluon": {"multiplicity": 12.0}}}

