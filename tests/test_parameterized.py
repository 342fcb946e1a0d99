"""Parameterized networks: the mass input matters, and at a held-out mass one network trained on
its neighbours beats a network trained at a neighbouring mass (a toy whose best cut moves with
the mass); the sample's mass column and the event selections of tasks and evaluations."""

import dataclasses

import numpy as np
import pytest

from hepml.core.roc import auc
from hepml.core.store import read_events, write_events
from hepml.core.training import Recipe
from hepml.parameterized.masses import draw_background_masses, higgs_masses, mass_of, select, training_masses
from hepml.parameterized.sample import merge_parameterized
from hepml.pipeline.models import ModelSpec, TrainingData, predict_network, train_model
from hepml.pipeline.steps import evaluation_inputs, training_data

MASSES = [1.0, 2.0, 3.0, 4.0, 5.0]
TRAIN_ON = [1.0, 2.0, 4.0, 5.0]   # 3 is held out
RECIPE = dataclasses.asdict(Recipe.with_defaults(max_epochs=25, batch_size=256, lr=3e-3, patience=5))
NET = {"layers": 3, "width": 64, "activation": "relu", "dropout": 0.0, "device": "cpu"}


def toy(n_per_mass=3000, seed=0):
    """Signal at mass m peaks at x = m; background is flat in x: the best cut moves with the mass.
    Columns: x, a nuisance input, and the mass (background: drawn from the training masses, as the
    merged sample does)."""
    rng = np.random.default_rng(seed)
    xs, ys, ms = [], [], []
    for m in MASSES:
        xs.append(np.c_[rng.normal(m, 0.3, n_per_mass), rng.normal(0, 1, n_per_mass)])
        ys.append(np.ones(n_per_mass))
        ms.append(np.full(n_per_mass, m))
    nb = n_per_mass * len(MASSES)
    xs.append(np.c_[rng.uniform(0, 6, nb), rng.normal(0, 1, nb)])
    ys.append(np.zeros(nb))
    ms.append(rng.choice(TRAIN_ON, nb))
    x, y, mass = np.concatenate(xs), np.concatenate(ys).astype(np.int32), np.concatenate(ms)
    return np.c_[x, mass].astype(np.float32), y, mass


@pytest.fixture(scope="module")
def trained():
    (x, y, mass), (xv, yv, mv) = toy(), toy(1000, 1)
    param = training_data("param", x, y, xv, yv, 0, {"training_masses": TRAIN_ON}, ("t", "v"), mass, mv)
    spec = ModelSpec("mlp", NET, RECIPE)
    param_net, _ = train_model(spec, param, seed=0, progress=False)
    dedicated = training_data("m2", x[:, :2], y, xv[:, :2], yv, 0, {}, ("t", "v"), mass, mv)
    dedicated_net, _ = train_model(spec, dedicated, seed=0, progress=False)
    return spec, param_net, dedicated_net


def test_the_mass_input_changes_the_score(trained):
    spec, param_net, _ = trained
    event = np.array([[3.0, 0.0, 3.0], [3.0, 0.0, 5.0]], dtype=np.float32)   # x at 3, mass input 3 vs 5
    scores = predict_network(param_net, event, spec)
    assert scores[0] > scores[1] + 0.2


def test_at_a_held_out_mass_the_parameterized_network_beats_a_neighbours_network(trained):
    spec, param_net, dedicated_net = trained
    x, y, mass = toy(1500, 2)
    xe, ye = select(x, y, mass, [3.0], set_mass=3.0, mass_column=2)
    assert set(np.unique(xe[:, 2])) == {3.0} and (ye == 1).sum() == 1500   # signal at 3, every background event
    param_auc = auc(ye, predict_network(param_net, xe, spec))
    neighbour_auc = auc(ye, predict_network(dedicated_net, xe[:, :2], spec))
    assert param_auc > 0.85 and param_auc > neighbour_auc + 0.05, (param_auc, neighbour_auc)


def test_tasks_and_evaluations_select_their_signal_and_every_background_event():
    x, y, mass = toy(100)
    xs, ys = select(x, y, mass, [2.0, 4.0])
    assert np.all(np.isin(xs[ys == 1, 2], [2.0, 4.0])) and (ys == 0).sum() == (y == 0).sum()
    xe, ye = select(x, y, mass, [5.0], set_mass=5.0, mass_column=2)
    assert np.all(xe[:, 2] == 5.0) and (ye == 1).sum() == 100
    with pytest.raises(ValueError, match="unknown evaluation"):
        evaluation_inputs("hpar", "complete_mass", x, y, None, "m5")
    data = training_data("m4", x, y, x, y, 0, {}, ("t", "v"), mass, mass)
    assert isinstance(data, TrainingData) and data.y.sum() == 100
    with pytest.raises(ValueError, match="unknown task"):
        training_data("heavy", x, y, x, y, 0, {}, ("t", "v"), mass, mass)
    assert mass_of("m425") == 425.0 and mass_of("test") is None


def test_the_grid_follows_the_documented_mass_rule():
    cfg = {"masses": [325, 375, 425], "held_out": [375], "hpm_gap": 100}
    assert higgs_masses(425, cfg, 125) == {"H0": 425.0, "Hpm": 325.0, "h": 125.0}   # the benchmark point
    assert training_masses(cfg) == [325.0, 425.0]


def test_merged_sample_has_signal_masses_and_background_drawn_like_the_training_signal(tmp_path):
    def shard(name, label, n):
        path = tmp_path / f"{name}.root"
        write_events(path, {"label": np.full(n, label, np.int32), "x": np.arange(n, dtype=np.float32)})
        return path

    signal = {325.0: [shard("s325", 1, 300)], 375.0: [shard("s375", 1, 300)], 425.0: [shard("s425", 1, 900)]}
    background = [shard("b0", 0, 4000), shard("b1", 0, 4000)]
    n = merge_parameterized(signal, background, tmp_path / "hpar.root", seed=3, training_masses=[325.0, 425.0],
                            signal_events={325.0: 300, 425.0: 900}, chunk=2500)
    d = read_events(tmp_path / "hpar.root")
    assert n == 9500 and len(d["mass"]) == 9500
    sig_mass = d["mass"][d["label"] == 1]
    assert {m: int((sig_mass == m).sum()) for m in (325.0, 375.0, 425.0)} == {325.0: 300, 375.0: 300, 425.0: 900}
    bkg_mass = d["mass"][d["label"] == 0]
    assert set(np.unique(bkg_mass)) == {325.0, 425.0}   # never a held-out mass
    assert np.mean(bkg_mass == 425.0) == pytest.approx(0.75, abs=0.03)   # in proportion to the signal events
    rng = np.random.default_rng(0)
    assert set(draw_background_masses(100, [1.0, 2.0], [0, 1], rng)) == {2.0}
