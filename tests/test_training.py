import numpy as np
import pytest
import torch
from sklearn.metrics import roc_auc_score

from hepml.bdt import predict_bdt, train_bdt
from hepml.tabular import load_network, predict_network, save_network, train_network
from hepml.training import Recipe, _optimizer, _set_schedule
from tests.helpers import default_config

FAST = Recipe.with_defaults(batch_size=128, max_epochs=8, lr=3e-3, patience=3)


def toy(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 5)).astype(np.float32) * 10 + 50   # unstandardised inputs
    x[:, 0] += 15 * y
    x[:, 1] += 10 * y * (x[:, 2] > 50)
    return x, y.astype(np.float32)


def test_network_learns_toy_and_standardises_with_train_statistics():
    x, y = toy()
    xv, yv = toy(seed=1)
    model, history = train_network(x, y, xv, yv, 2, 32, FAST, seed=0, progress=False)
    assert np.allclose(model.standardize.mean.numpy(), x.mean(axis=0), rtol=1e-5)
    assert roc_auc_score(yv, predict_network(model, xv)) > 0.85
    assert history["epochs"][-1]["val_auc"] > 0.85 and history["device"] == "cpu"


def test_same_seed_same_weights_on_cpu():
    x, y = toy(1000)
    xv, yv = toy(500, seed=1)
    a, _ = train_network(x, y, xv, yv, 2, 16, Recipe.with_defaults(batch_size=64, max_epochs=2), seed=3, progress=False)
    b, _ = train_network(x, y, xv, yv, 2, 16, Recipe.with_defaults(batch_size=64, max_epochs=2), seed=3, progress=False)
    c, _ = train_network(x, y, xv, yv, 2, 16, Recipe.with_defaults(batch_size=64, max_epochs=2), seed=4, progress=False)
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)


def test_save_load_roundtrip(tmp_path):
    x, y = toy(500)
    model, _ = train_network(x, y, x, y, 1, 8, Recipe.with_defaults(max_epochs=1), seed=0, progress=False)
    save_network(model, {"layers": 1, "width": 8, "dropout": 0.0}, list("abcde"), tmp_path / "m.pt")
    loaded, columns = load_network(tmp_path / "m.pt")
    assert columns == list("abcde")
    assert np.array_equal(predict_network(model, x), predict_network(loaded, x))


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


def test_unknown_recipe_key_is_named():
    with pytest.raises(ValueError, match="unknown training recipe keys \\['lr_typo'\\]"):
        Recipe.from_dict({"lr_typo": 1})


def test_bdt_learns_toy():
    x, y = toy()
    xv, yv = toy(seed=1)
    booster, history = train_bdt(x, y, xv, yv, {**default_config()["bdt"], "n_estimators": 50}, seed=0, threads=1)
    assert roc_auc_score(yv, predict_bdt(booster, xv)) > 0.85
    assert len(history["val_auc"]) >= 1
