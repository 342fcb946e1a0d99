"""Vectorised ensembles: every member is the network its seed trains alone (same initialisation,
batch order and early stopping), up to floating-point summation order."""

import dataclasses
import json

import numpy as np
import pytest
import torch

from hepml.core.device import seed_everything
from hepml.core.ensemble import fit_ensemble
from hepml.core.nets import Classifier, mlp
from hepml.core.roc import auc
from hepml.core.training import Recipe, fit
from hepml.pipeline.models import ModelSpec, TrainingData, build_network, can_train_together, train_ensemble

SEEDS = [0, 1, 2, 3]


def toy(n=12000, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(np.float32)
    x = rng.normal(size=(n, 6)).astype(np.float32) * 3 + 10
    x[:, 0] += 2 * y
    x[:, 1] += 3 * y * (x[:, 2] > 10)
    return x, y


@pytest.fixture(scope="module")
def trained():
    (x, y), (xv, yv) = toy(), toy(600, 1)   # a small validation set: members stop at different epochs
    recipe = Recipe.with_defaults(max_epochs=15, batch_size=200, patience=2, min_rel_improvement=0.005, lr=0.003)
    t = torch.as_tensor

    def build():
        return Classifier(mlp(6, 2, 32), x.mean(0), x.std(0))

    members = fit_ensemble(build, SEEDS, t(x), t(y), t(xv), t(yv), recipe, progress=False)
    alone = []
    for seed in SEEDS:
        seed_everything(seed)
        model = build()
        history = fit(model, t(x), t(y), t(xv), t(yv), recipe, seed=seed, progress=False)
        alone.append((model, history))
    return members, alone, (xv, yv)


def test_each_member_is_its_seed_trained_alone(trained):
    members, alone, (xv, yv) = trained
    for (m, hm), (a, ha) in zip(members, alone):
        with torch.no_grad():
            auc_m, auc_a = auc(yv, m(torch.as_tensor(xv)).numpy()), auc(yv, a(torch.as_tensor(xv)).numpy())
        assert abs(auc_m - auc_a) < 0.005
        assert hm.best_epoch == ha.best_epoch and len(hm.epochs) == len(ha.epochs)   # its own early stopping
        for k, v in a.state_dict().items():
            assert torch.allclose(m.state_dict()[k], v, atol=1e-4), k
        assert [e["val_loss"] for e in hm.epochs] == pytest.approx([e["val_loss"] for e in ha.epochs], rel=1e-4)


def test_members_differ_and_stop_on_their_own(trained):
    members, alone, _ = trained
    w = [m.net[0].weight.detach() for m, _ in members]
    assert not torch.allclose(w[0], w[1])
    stops = [len(h.epochs) for _, h in members]
    assert stops == [len(h.epochs) for _, h in alone] and len(set(stops)) > 1, stops


def test_what_trains_together():
    x, y = toy(200)
    d = TrainingData(x, y, x, y)
    recipe = dataclasses.asdict(Recipe.with_defaults())
    net = {"layers": 1, "width": 4, "activation": "tanh", "dropout": 0.0, "device": "cpu"}
    assert can_train_together(ModelSpec("mlp", net, recipe), [d, d])
    assert not can_train_together(ModelSpec("mlp", net, recipe), [d])
    assert not can_train_together(ModelSpec("mlp", {**net, "dropout": 0.5}, recipe), [d, d])
    assert not can_train_together(ModelSpec("mlp", net, recipe), [d, dataclasses.replace(d, x=x.copy())])
    assert not can_train_together(ModelSpec("mlp", net, recipe), [dataclasses.replace(d, loss="llp")] * 2)
    assert not can_train_together(ModelSpec("bdt", {}), [d, d])


def test_a_cnn_ensemble_without_dropout():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 600).astype(np.float32)
    images = rng.random((600, 1, 8, 8)).astype(np.float32)
    images[:, 0, 4, 4] += 2 * y
    cnn = {"filters": [4], "kernels": [3], "dense": 8, "dropout": 0.0, "device": "cpu"}
    spec = ModelSpec("cnn", cnn, dataclasses.asdict(Recipe.with_defaults(max_epochs=3, batch_size=50)))
    d = TrainingData(images, y, images, y, val_truth=y)
    out = train_ensemble(spec, d, [0, 1], progress=False)
    assert len(out) == 2 and all(h["ensemble"] == 2 for _, h in out)
    seed_everything(0)
    fresh = build_network(spec, images)
    assert set(fresh.state_dict()) == set(out[0][0].state_dict())


def test_each_cnn_member_is_its_seed_trained_alone():
    """The member-equals-seed property for the CNN (the MLP's is above): same initialisation, batch
    order and early stopping; weights equal up to summation order (the member runs NCHW inside vmap,
    the lone network channels-last)."""
    from hepml.pipeline.models import train_model

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 800).astype(np.float32)
    images = rng.random((800, 1, 8, 8)).astype(np.float32)
    images[:, 0, 4, 4] += 2 * y
    images[:, 0, 2, 5] += y * images[:, 0, 5, 2]
    cnn = {"filters": [4, 4], "kernels": [3, 3], "dense": 8, "dropout": 0.0, "device": "cpu"}
    spec = ModelSpec("cnn", cnn, dataclasses.asdict(Recipe.with_defaults(max_epochs=4, batch_size=64, lr=3e-3)))
    d = TrainingData(images, y, images[:300], y[:300], val_truth=y[:300])
    members = train_ensemble(spec, d, [0, 1], progress=False)
    for seed, (member, history) in zip((0, 1), members):
        alone, alone_history = train_model(spec, d, seed, progress=False)
        assert history["best_epoch"] == alone_history["best_epoch"]
        for k, v in alone.state_dict().items():
            assert torch.allclose(member.state_dict()[k], v, atol=1e-4), (seed, k)
    assert not torch.allclose(members[0][0].state_dict()["head.1.weight"], members[1][0].state_dict()["head.1.weight"])


def test_each_member_of_a_stack_of_feature_sets_is_its_cell_trained_alone():
    """The cells of three feature sets (column subsets of one sample) and their seeds train as one
    stack: each member equals its cell's seed trained alone (initialisation, batch order, early
    stopping; weights up to summation order), and comes back as a network of its own columns."""
    from hepml.pipeline.models import get_kind

    (x, y), (xv, yv) = toy(3000), toy(400, 1)
    recipe = dataclasses.asdict(Recipe.with_defaults(max_epochs=6, batch_size=100, patience=2,
                                                     min_rel_improvement=0.005, lr=0.003))
    spec = ModelSpec("mlp", {"layers": 2, "width": 16, "activation": "tanh", "dropout": 0.0, "device": "cpu"}, recipe)
    data = TrainingData(x, y, xv, yv, val_truth=yv)
    column_sets = [[0, 1, 2], [3, 4, 5], [0, 1, 2, 3, 4, 5]]
    kind = get_kind("mlp")
    assert kind.can_stack(spec, data) and not kind.can_stack(
        ModelSpec("mlp", {**spec.config, "dropout": 0.5}, recipe), data)
    stacked = kind.train_stack(spec, data, column_sets, [0, 1], progress=False)
    for columns, cell in zip(column_sets, stacked):
        alone = train_ensemble(spec, TrainingData(x[:, columns], y, xv[:, columns], yv, val_truth=yv), [0, 1],
                               progress=False)
        for (member, history), (single, single_history) in zip(cell, alone):
            assert member.net[0].weight.shape == (16, len(columns))
            assert history["best_epoch"] == single_history["best_epoch"]
            assert len(history["epochs"]) == len(single_history["epochs"]) and history["ensemble"] == 6
            for k, v in single.state_dict().items():
                assert torch.allclose(member.state_dict()[k], v, atol=1e-4), (columns, k)
    first, second = stacked[0][0][0].net[0].weight, stacked[1][0][0].net[0].weight
    assert not torch.allclose(first, second)   # the same seed on other columns is another network


@pytest.mark.parametrize("task", ["all", "n300"])
def test_a_stack_job_writes_each_cell_as_its_own_job_would(tmp_path, task):
    """train_cells (one job for the low, high and complete cells of a sample) writes per cell and
    seed the files train_cell writes for that cell alone: the same input names, training events,
    early stopping and weights up to rounding; a network with dropout falls back to cell by cell."""
    from hepml.pipeline.models import load_model
    from hepml.pipeline.steps import train_cell, train_cells
    from tests.helpers import susy_sample

    susy_sample(tmp_path / "train.root", 600, 0)
    susy_sample(tmp_path / "val.root", 200, 1)
    recipe = dataclasses.asdict(Recipe.with_defaults(max_epochs=3, batch_size=64))
    spec = ModelSpec("mlp", {"layers": 2, "width": 8, "activation": "tanh", "dropout": 0.0, "device": "cpu"}, recipe)
    fsets, seeds = ["low", "high", "complete"], [0, 1]
    out = lambda tag, ext: [tmp_path / f"{tag}_{f}_{s}.{ext}" for f in fsets for s in seeds]  # noqa: E731
    train_cells("susy", fsets, spec, task, tmp_path / "train.root", tmp_path / "val.root", seeds, out("stack", "model"),
                out("stack", "json"), onnx_paths=out("stack", "onnx"), progress=False)
    for f in fsets:
        paths = lambda tag, ext: [tmp_path / f"{tag}_{f}_{s}.{ext}" for s in seeds]  # noqa: E731
        train_cell("susy", f, spec, task, tmp_path / "train.root", tmp_path / "val.root", seeds, paths("alone", "model"),
                   paths("alone", "json"), onnx_paths=paths("alone", "onnx"), progress=False)
        for stacked, alone, hs, ha in zip(paths("stack", "model"), paths("alone", "model"), paths("stack", "json"),
                                          paths("alone", "json")):
            a, b = load_model(stacked), load_model(alone)
            assert a.inputs == b.inputs
            x = np.random.default_rng(2).normal(size=(50, len(a.inputs))).astype(np.float32)
            assert np.allclose(a.predict(x), b.predict(x), atol=1e-5)
            h_s, h_a = json.loads(hs.read_text()), json.loads(ha.read_text())
            assert h_s["train_events"] == h_a["train_events"] == (300 if task == "n300" else 600)
            assert h_s["best_epoch"] == h_a["best_epoch"] and h_s["ensemble"] == 6 and "onnx_sha256" in h_s
    dropout = ModelSpec("mlp", {**spec.config, "dropout": 0.5}, recipe)
    train_cells("susy", fsets, dropout, task, tmp_path / "train.root", tmp_path / "val.root", seeds,
                out("drop", "model"), out("drop", "json"), onnx_paths=out("drop", "onnx"), progress=False)
    assert all("ensemble" not in json.loads(p.read_text()) for p in out("drop", "json"))
