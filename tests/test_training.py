"""Training: every model kind behind the pipeline's interface learns a toy, saves and loads to the
same scores, and is reproducible on the CPU; the paper's schedule; the BDT."""

import dataclasses

import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

from hepml.core.bdt import predict_bdt, train_bdt
from hepml.core.training import Recipe, _optimizer, _set_schedule
from hepml.pipeline.models import ModelSpec, TrainingData, load_model, save_model, train_model
from tests.helpers import default_config

RECIPE = dataclasses.asdict(Recipe.with_defaults(batch_size=128, max_epochs=8, lr=3e-3, patience=3))
NETWORK = {"layers": 2, "width": 32, "activation": "tanh", "dropout": 0.0, "device": "auto"}


def toy(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 5)).astype(np.float32) * 10 + 50   # unstandardised inputs
    x[:, 0] += 15 * y
    x[:, 1] += 10 * y * (x[:, 2] > 50)
    return x, y


def data(n=4000, n_val=4000):
    (x, y), (xv, yv) = toy(n), toy(n_val, seed=1)
    return TrainingData(x, y.astype(np.float32), xv, yv.astype(np.float32), val_truth=yv)


def test_network_learns_toy_and_standardises_with_train_statistics():
    d = data()
    model, history = train_model(ModelSpec("mlp", NETWORK, RECIPE), d, seed=0, progress=False)
    assert np.allclose(model.standardize.mean.numpy(), d.x.mean(axis=0), rtol=1e-5)
    # device "auto": the GPU where there is one (the suite runs on GPU machines too)
    assert history["epochs"][-1]["val_auc"] > 0.85 and history["device"] == ("cuda" if torch.cuda.is_available()
                                                                              else "cpu")
    assert "seconds" not in history["epochs"][0]  # no wall-clock in a reproducible output


@pytest.mark.parametrize("kind, config", [("mlp", NETWORK), ("bdt", None), ("observable", {"column": "x0"})])
def test_every_kind_saves_and_loads_to_the_same_scores(tmp_path, kind, config):
    d = data(2000, 1000)
    spec = ModelSpec(kind, config or {**default_config()["bdt"], "n_estimators": 30},
                     RECIPE if kind == "mlp" else None)
    if kind == "observable":
        d = dataclasses.replace(d, x=d.x[:, :1], x_val=d.x_val[:, :1])
    model, _ = train_model(spec, d, seed=0, progress=False)
    names = ["x0"] if kind == "observable" else list("abcde")
    save_model(spec, model, names, tmp_path / "m.model")
    loaded = load_model(tmp_path / "m.model")
    assert loaded.inputs == names and loaded.kind == kind
    scores = loaded.predict(d.x_val)
    assert scores.dtype == np.float64 and roc_auc_score(d.val_truth, scores) > 0.8
    assert np.array_equal(load_model(tmp_path / "m.model").predict(d.x_val), scores)


def test_an_observable_is_oriented_on_the_training_set():
    d = data(2000, 1000)
    flipped = dataclasses.replace(d, x=-d.x[:, :1], x_val=-d.x_val[:, :1])
    model, history = train_model(ModelSpec("observable", {"column": "x0"}), flipped, seed=0)
    assert history["sign"] == -1.0 and model["sign"] == -1.0


def test_same_seed_same_weights_on_cpu():
    d = data(1000, 500)
    spec = ModelSpec("mlp", {**NETWORK, "width": 16, "device": "cpu"}, {**RECIPE, "batch_size": 64, "max_epochs": 2})
    a, _ = train_model(spec, d, seed=3, progress=False)
    b, _ = train_model(spec, d, seed=3, progress=False)
    c, _ = train_model(spec, d, seed=4, progress=False)
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)


def test_a_bdt_cannot_learn_from_label_proportions():
    d = dataclasses.replace(data(200, 100), loss="llp")
    with pytest.raises(ValueError, match="cannot learn from label proportions"):
        train_model(ModelSpec("bdt", default_config()["bdt"]), d, seed=0)


def test_paper_schedule_decays_lr_and_raises_momentum():
    net = torch.nn.Linear(2, 1)
    r = Recipe.with_defaults(optimizer="sgd", schedule="paper", lr=0.05, lr_decay=1.0000002, lr_min=1e-6,
                             momentum_epochs=200)
    opt = _optimizer(net, r)
    _set_schedule(opt, r, epoch=0, step=0, steps_per_epoch=10)
    assert opt.param_groups[0]["lr"] == 0.05 and opt.param_groups[0]["momentum"] == 0.9
    _set_schedule(opt, r, epoch=100, step=1_000_000, steps_per_epoch=10)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.05 / 1.0000002**1_000_000)
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.945)
    _set_schedule(opt, r, epoch=500, step=10**9, steps_per_epoch=10)
    assert opt.param_groups[0]["lr"] == 1e-6 and opt.param_groups[0]["momentum"] == pytest.approx(0.99)


def test_recipes_are_complete_or_refused():
    with pytest.raises(ValueError, match="unknown training recipe keys \\['lr_typo'\\]"):
        Recipe.from_dict({**RECIPE, "lr_typo": 1})
    with pytest.raises(ValueError, match="misses \\['patience'\\]"):
        Recipe.from_dict({k: v for k, v in RECIPE.items() if k != "patience"})


def test_bdt_learns_toy():
    (x, y), (xv, yv) = toy(), toy(seed=1)
    booster, history = train_bdt(x, y, xv, yv, {**default_config()["bdt"], "n_estimators": 50}, seed=0, threads=1)
    assert roc_auc_score(yv, predict_bdt(booster, xv)) > 0.85
    assert len(history["val_auc"]) >= 1


def test_inputs_larger_than_the_device_budget_train_in_chunks():
    """An out-of-core training set (read in chunks) learns like a resident one; with one chunk
    holding everything it is the resident training exactly."""
    from hepml.core.training import fit, predict_logits, resident

    (x, y), (xv, yv) = toy(3000), toy(1000, seed=1)
    spec = ModelSpec("mlp", NETWORK, RECIPE)
    recipe = Recipe.from_dict({**RECIPE, "max_epochs": 4})
    histories, states = [], []
    for chunk, budget in ((1000, 3 * 1000 * 4 * 5 / 3), (3000, 1e12)):
        torch.manual_seed(0)
        from hepml.pipeline.models import build_network

        model = build_network(spec, x)
        x_in = resident(x, "cpu", budget)
        assert isinstance(x_in, np.ndarray) == (budget < 1e12)
        h = fit(model, x_in if isinstance(x_in, np.ndarray) else x, torch.as_tensor(y, dtype=torch.float32),
                xv, torch.as_tensor(yv, dtype=torch.float32), recipe, seed=0, progress=False, chunk=chunk)
        histories.append(h)
        states.append(model.state_dict())
        assert roc_auc_score(yv, predict_logits(model, xv).numpy()) > 0.85
    resident_model = build_network(spec, x)
    torch.manual_seed(0)
    resident_model = build_network(spec, x)
    fit(resident_model, torch.as_tensor(x), torch.as_tensor(y, dtype=torch.float32), torch.as_tensor(xv),
        torch.as_tensor(yv, dtype=torch.float32), recipe, seed=0, progress=False)
    assert all(torch.equal(states[1][k], v) for k, v in resident_model.state_dict().items())


@pytest.mark.skipif(torch.cuda.is_available() and torch.cuda.device_count() > 98, reason="a machine with 99 GPUs")
def test_a_cuda_device_this_machine_lacks_names_the_config_key():
    from hepml.core.device import torch_device

    with pytest.raises(RuntimeError, match=r"device 'cuda:99' requested \(the model's config key `device`\) but this "
                                           r"machine has \d+ CUDA device\(s\); use device: auto, cpu or cuda:0"):
        torch_device("cuda:99")
