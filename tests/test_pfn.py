"""The Particle Flow Network and its inputs: particle arrays against hand-built jets, the network's
invariance under particle order and padding, learning a multiplicity difference, a saved model and
its ONNX export scoring as the trained one, ensemble members equal to their seeds alone."""

import dataclasses

import awkward as ak
import numpy as np
import torch

from hepml.core.atomic import load_npz
from hepml.core.training import Recipe
from hepml.jets.particles import particle_arrays
from hepml.jets.pfn import ParticleFlowNetwork, particle_statistics
from hepml.pipeline.models import ModelSpec, TrainingData, load_model, predict_network, save_model, train_model
from tests.test_jets import random_jets

PFN = {"phi": [16, 16, 8], "f": [16], "dropout": 0.0, "device": "cpu"}
RECIPE = dataclasses.asdict(Recipe.with_defaults(max_epochs=6, batch_size=64, lr=0.003))


def jets(particles: list[list[tuple[float, float, float]]]):
    return ak.Array([[{"pt": p, "y": y, "phi": f, "pid": 211} for p, y, f in jet] for jet in particles])


def test_particle_arrays_hardest_first_relative_to_the_centroid_padded_and_truncated():
    c = jets([[(10, 0.1, 0.0), (30, 0.0, 0.2), (20, -0.1, 0.1)],
              [(5, 0.0, 0.0), (4, 0.1, 0.0), (3, 0.0, 0.1), (2, 0.2, 0.2), (1, -0.2, 0.0)]])
    out = particle_arrays(c, max_particles=4)
    assert out.shape == (2, 4, 3) and out.dtype == np.float32
    y_c, phi_c = (10 * 0.1 + 20 * -0.1) / 60, (30 * 0.2 + 20 * 0.1) / 60      # the pT-weighted centroid
    expected = [[30 / 60, 0.0 - y_c, 0.2 - phi_c], [20 / 60, -0.1 - y_c, 0.1 - phi_c], [10 / 60, 0.1 - y_c, 0.0 - phi_c],
                [0, 0, 0]]
    assert np.allclose(out[0], expected, atol=1e-7)
    # the second jet keeps its 4 hardest of 5; z stays the fraction of the whole jet's pT
    assert np.allclose(out[1, :, 0], [5 / 15, 4 / 15, 3 / 15, 2 / 15], atol=1e-7)
    full = particle_arrays(c, max_particles=5)
    assert np.allclose((full[..., 0:1] * full[..., 1:]).sum(axis=1), 0, atol=1e-7)   # centred: sum z * position = 0


def _net(seed=0):
    torch.manual_seed(seed)
    return ParticleFlowNetwork(3, np.zeros(3), np.ones(3), [8, 8], [8]).eval()


def test_the_network_ignores_particle_order_and_padding():
    x = particle_arrays(random_jets(20, seed=1), max_particles=40)
    net = _net()
    with torch.no_grad():
        out = net(torch.from_numpy(x))
        order = np.random.default_rng(0).permutation(40)
        shuffled = net(torch.from_numpy(np.ascontiguousarray(x[:, order])))
        padded = net(torch.from_numpy(np.concatenate([x, np.zeros((20, 25, 3), np.float32)], axis=1)))
    assert torch.allclose(out, shuffled, atol=1e-5) and torch.allclose(out, padded, atol=1e-5)
    mean, std = particle_statistics(x, chunk=7)
    real = x[x[..., 0] > 0]
    assert np.allclose(mean, real.mean(0), atol=1e-6) and np.allclose(std, real.std(0), atol=1e-5)


def _toy(n, seed):
    """Quark-like jets (label 1) with fewer particles than gluon-like ones (label 0)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    counts = np.where(labels == 1, rng.poisson(12, n), rng.poisson(24, n)) + 2
    particles = [[(rng.exponential(10), rng.normal(0, 0.1), rng.normal(0, 0.1)) for _ in range(k)] for k in counts]
    return particle_arrays(jets(particles), max_particles=48), labels.astype(np.float32)


def test_a_pfn_learns_multiplicity_and_scores_the_same_after_saving_and_as_onnx(tmp_path):
    import onnxruntime

    from hepml.core.roc import auc

    x, y = _toy(1500, 0)
    xv, yv = _toy(600, 1)
    spec = ModelSpec("pfn", PFN, RECIPE)
    assert spec.is_network
    model, history = train_model(spec, TrainingData(x, y, xv, yv, val_truth=yv), seed=0, progress=False)
    scores = predict_network(model, xv, spec)
    assert auc(yv, scores) > 0.9, auc(yv, scores)
    save_model(spec, model, ["particles"], tmp_path / "m.model")
    loaded = load_model(tmp_path / "m.model")
    assert loaded.kind == "pfn" and loaded.inputs == ["particles"]
    assert np.array_equal(loaded.predict(xv), scores)
    spec.model_kind.export(model, xv, ["particles"], tmp_path / "m.onnx", {"kind": "pfn"})
    onnx_scores = onnxruntime.InferenceSession(str(tmp_path / "m.onnx")).run(None, {"inputs": xv})[0]
    assert np.max(np.abs(onnx_scores - scores)) < 1e-5


def test_each_pfn_ensemble_member_is_its_seed_trained_alone():
    from hepml.pipeline.models import can_train_together, train_ensemble

    x, y = _toy(400, 2)
    data = TrainingData(x, y, x[:100], y[:100], val_truth=y[:100])
    spec = ModelSpec("pfn", PFN, {**RECIPE, "max_epochs": 2})
    assert can_train_together(spec, [data, data])
    together = train_ensemble(spec, data, [0, 1], progress=False)
    for seed, (model, _) in zip([0, 1], together):
        alone, _ = train_model(spec, data, seed, progress=False)
        assert np.allclose(predict_network(model, x, spec), predict_network(alone, x, spec), atol=1e-5)


def test_the_jet_features_hold_the_particle_arrays(tmp_path):
    from hepml.jets.features import make_features
    from hepml.jets.store import read_jets, write_jets

    c = random_jets(60, seed=5)
    pt = ak.to_numpy(ak.sum(c.pt, axis=1))
    write_jets(tmp_path / "jets.root", {"label": np.arange(60) % 2, "jet_pt": pt, "jet_y": np.zeros(60),
                                       "jet_phi": np.zeros(60), "jet_m": pt / 10, "constituents": c})
    make_features(tmp_path / "jets.root", tmp_path / "f.npz", {"npix": 9, "half_width": 0.4, "channels": 1,
                                                               "steps": ["center"]}, chunk=7)
    stored = read_jets(tmp_path / "jets.root")["constituents"]
    assert np.array_equal(load_npz(tmp_path / "f.npz")["particles"], particle_arrays(stored))
