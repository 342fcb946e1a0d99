"""Weak supervision: exact mixtures, no truth labels in weak training, and the toy with known densities."""

import dataclasses

import numpy as np
import pytest

from hepml.core.roc import auc
from hepml.core.training import Recipe
from hepml.pipeline.models import ModelSpec, TrainingData, predict_network, train_model
from hepml.weak.methods import weak_training_data
from hepml.weak.mixtures import WeakSample, build_weak_sample, mixture_indices, mixtures_of


def toy(n, seed):
    """Two Gaussians: signal shifted and wider than background, in 2D."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 2)).astype(np.float32)
    x[:, 0] += 1.5 * y
    x[:, 1] *= 1 + 0.5 * y
    return x, y


RECIPE = dataclasses.asdict(Recipe.with_defaults(batch_size=256, max_epochs=15, lr=3e-3, patience=3))
ONE_EPOCH = dataclasses.asdict(Recipe.with_defaults(max_epochs=1))


def network(width, recipe=RECIPE, layers=2):
    return ModelSpec("mlp", {"layers": layers, "width": width, "activation": "relu", "dropout": 0.0, "device": "cpu"}, recipe)


def truth_auc(spec, model, x, labels):
    return auc(labels, predict_network(model, x, spec))


def test_mixtures_have_exact_fractions_and_are_disjoint():
    labels = np.r_[np.ones(3000), np.zeros(5000)].astype(int)
    parts = mixture_indices(labels, [0.8, 0.3, 0.55], seed=1, size=1000)
    assert [len(p) for p in parts] == [1000, 1000, 1000]
    assert [labels[p].sum() for p in parts] == [800, 300, 550]
    assert len(np.unique(np.concatenate(parts))) == 3000
    again = mixture_indices(labels, [0.8, 0.3, 0.55], seed=1, size=1000)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again))


def test_mixtures_that_do_not_fit_the_pools_are_an_error():
    labels = np.r_[np.ones(1000), np.zeros(1000)].astype(int)
    parts = mixture_indices(labels, [0.8, 0.2], seed=0, size=1000)
    assert [len(p) for p in parts] == [1000, 1000] and labels[parts[0]].sum() == 800
    with pytest.raises(ValueError, match="not enough events .* \\(1000 signal, 1000 background available\\)"):
        mixture_indices(labels, [0.8, 0.2], seed=0, size=1500)


def test_weak_training_cannot_see_truth_labels():
    x, y = toy(4000, 0)
    sample = build_weak_sample(x, y, [0.8, 0.2], seed=0, size=1500)
    assert {f.name for f in dataclasses.fields(WeakSample)} == {"x", "mixture", "fraction"}
    # the mixture index is not the truth: within a mixture both classes are present
    assert set(np.unique(sample.fraction)) == {np.float32(0.8), np.float32(0.2)}
    with pytest.raises(TypeError, match="WeakSample"):
        weak_training_data("cwola", (x, y), (x, y))
    # same mixtures, truth scrambled afterwards: the trained model is identical
    spec = network(8, ONE_EPOCH, layers=1)
    a, _ = train_model(spec, weak_training_data("llp", sample, sample), seed=0, progress=False)
    y[:] = 0
    b, _ = train_model(spec, weak_training_data("llp", sample, sample), seed=0, progress=False)
    assert all(np.array_equal(p.detach().numpy(), q.detach().numpy()) for p, q in zip(a.parameters(), b.parameters()))


def test_every_point_of_a_scan_has_the_same_mixture_size():
    x, y = toy(4000, 0)
    sizes = {f2: len(mixtures_of(x, y, [0.8, f2], 0, 0.25, "train.npz").x) for f2 in (0.1, 0.4, 0.7)}
    assert set(sizes.values()) == {2 * 1000}
    with pytest.raises(ValueError, match="train.npz: not enough events .* lower weak.mixture_fraction"):
        mixtures_of(x, y, [0.8, 0.7], 0, 0.5, "train.npz")


@pytest.fixture(scope="module")
def toy_results():
    x, y = toy(40000, 1)
    xv, yv = toy(10000, 2)
    xt, yt = toy(20000, 3)
    spec = network(32)
    supervised = TrainingData(x, y.astype(np.float32), xv, yv.astype(np.float32), val_truth=yv)
    sup, _ = train_model(spec, supervised, 0, progress=False)
    out = {"supervised": truth_auc(spec, sup, xt, yt)}
    for f2 in (0.2, 0.75):
        train = build_weak_sample(x, y, [0.8, f2], 1, size=10_000)
        val = build_weak_sample(xv, yv, [0.8, f2], 2, size=2_500)
        for method in ("cwola", "llp"):
            model, _ = train_model(spec, weak_training_data(method, train, val), 0, progress=False)
            out[method, f2] = truth_auc(spec, model, xt, yt)
    return out


@pytest.mark.parametrize("method", ["cwola", "llp"])
def test_weak_methods_match_supervised_at_large_separation(toy_results, method):
    assert toy_results["supervised"] > 0.85
    assert abs(toy_results[method, 0.2] - toy_results["supervised"]) < 0.02


@pytest.mark.parametrize("method", ["cwola", "llp"])
def test_weak_methods_degrade_as_fractions_approach(toy_results, method):
    assert toy_results[method, 0.75] < toy_results[method, 0.2] - 0.02


@pytest.mark.parametrize("method", ["cwola", "llp"])
def test_weak_training_is_blind_to_the_truth_within_each_mixture(monkeypatch, method):
    """End to end from the pipeline's entry (events and their truth in, a model out): with the same
    events in each mixture, relabelling which of them are signal (the same count per mixture)
    leaves the trained model bit for bit the same; a supervised model on the same relabelling
    changes, so the comparison can fail."""
    from hepml.pipeline import steps
    from hepml.weak import mixtures

    x, y = toy(4000, 0)
    xv, yv = toy(2000, 1)
    chosen = {}
    real = mixtures.mixture_indices

    def same_events(labels, fractions, seed, size):  # the first composition, whatever the labels say later
        return chosen.setdefault((seed, len(labels)), real(labels, fractions, seed, size))

    monkeypatch.setattr(mixtures, "mixture_indices", same_events)
    spec = network(8, dataclasses.asdict(Recipe.with_defaults(max_epochs=3, batch_size=128)), layers=1)
    task, config = f"{method}_0.8_0.2", {"mixture_fraction": 0.25}

    def weak_model(labels, val_labels):
        data = steps.training_data(task, x, labels, xv, val_labels, 0, config, ("train", "val"))
        return train_model(spec, data, seed=0, progress=False)[0]

    a = weak_model(y, yv)
    y2, yv2, rng = y.copy(), yv.copy(), np.random.default_rng(5)
    for (_, n), parts in chosen.items():
        labels = y2 if n == len(y) else yv2
        for p in parts:
            labels[p] = rng.permutation(labels[p])
    assert (y2 != y).sum() > 500 and (yv2 != yv).sum() > 200
    b = weak_model(y2, yv2)
    assert all(torch_equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    supervised = [train_model(spec, TrainingData(x, lab.astype(np.float32), xv, vl.astype(np.float32), val_truth=vl),
                              seed=0, progress=False)[0] for lab, vl in ((y, yv), (y2, yv2))]
    assert not all(torch_equal(p, q) for p, q in zip(*(m.parameters() for m in supervised)))


def torch_equal(p, q) -> bool:
    return np.array_equal(p.detach().numpy(), q.detach().numpy())
