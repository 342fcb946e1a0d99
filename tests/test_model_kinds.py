"""The model-kind registry: a kind registered from outside the package trains, saves, loads and
scores through the pipeline's own steps with no other change; what the rules need (GPU, ONNX) is
the kind's answer, not a list of names."""

import json

import numpy as np
import pytest

from hepml.core.datasets import columns
from hepml.core.atomic import load_npz, read_json, write_json
from hepml.core.store import write_events
from hepml.core.training_data import TrainingData
from hepml.pipeline.kinds.bdt import BdtKind
from hepml.pipeline.kinds.observable import ObservableKind
from hepml.pipeline.kinds.registry import KINDS, LoadedModel, ModelKind, ModelSpec, get_kind, register
from hepml.pipeline.steps import score_cell, train_cell


class NearestMeanKind(ModelKind):
    """A toy kind: the score is the distance to the background mean minus that to the signal mean."""

    name = "nearest_mean_test"

    def train(self, spec, data, seed, threads=1, progress=True, resident_gb=None, cuda_graph=False):
        means = {c: data.x[data.y == c].mean(axis=0).tolist() for c in (0, 1)}
        return {"kind": self.name, "means": means}, {"classes": 2}

    def save(self, spec, model, inputs, path):
        write_json(path, {**model, "inputs": inputs})

    def load(self, path, blob):
        sig, bkg = (np.asarray(blob["means"][c]) for c in ("1", "0"))
        return LoadedModel(self.name, blob["inputs"],
                           lambda x: np.linalg.norm(x - bkg, axis=1) - np.linalg.norm(x - sig, axis=1))


@pytest.fixture(scope="module")
def toy_kind():
    kind = register(NearestMeanKind())
    yield kind
    del KINDS[kind.name]


def test_the_built_in_kinds_and_what_they_say_of_themselves():
    assert {"bdt", "observable", "mlp", "cnn"} <= set(KINDS)
    assert [k for k in ("bdt", "observable", "mlp", "cnn") if KINDS[k].is_network] == ["mlp", "cnn"]
    assert ModelSpec("mlp", {}).is_network and not ModelSpec("bdt", {}).is_network
    assert ModelSpec("observable", {"column": "b"}).model_kind.model_inputs(ModelSpec("observable", {"column": "b"}),
                                                                           ["a", "b"]) == ["b"]
    with pytest.raises(ValueError, match=r"unknown model kind 'svm'; expected one of \("):
        ModelSpec("svm", {})
    with pytest.raises(ValueError, match="registered twice"):
        register(KINDS["bdt"])
    assert get_kind("cnn") is KINDS["cnn"]


def test_a_new_kind_runs_through_the_pipeline_steps_unchanged(tmp_path, toy_kind):
    rng = np.random.default_rng(0)
    for part, n in (("train", 600), ("val", 300)):
        y = rng.integers(0, 2, n).astype(np.int32)
        write_events(tmp_path / f"{part}.root", {c: (y if c == "label" else (rng.normal(size=n) + y).astype(np.float32))
                                                  for c in columns("susy")})
    spec = ModelSpec(toy_kind.name, {})
    assert not spec.is_network
    model, history = tmp_path / "s0.model", tmp_path / "s0.history.json"
    train_cell("susy", "low", spec, "all", tmp_path / "train.root", tmp_path / "val.root", [0], [model], [history],
               progress=False)
    assert json.loads(model.read_text())["kind"] == toy_kind.name and read_json(history)["classes"] == 2
    score_cell("susy", "low", [model], [history], tmp_path / "val.root", tmp_path / "val.root", [tmp_path / "s.npz"])
    scores = load_npz(tmp_path / "s.npz")
    from hepml.core.roc import auc

    assert auc(scores["val_labels"], scores["val_scores"]) > 0.75


def test_an_observable_turns_to_the_signal_side_and_a_bdt_refuses_proportions(tmp_path):
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 500).astype(np.float32)
    lower_for_signal = (rng.normal(size=500) - 2 * y)[:, None].astype(np.float32)
    kind, spec = ObservableKind(), ModelSpec("observable", {"column": "obs_x"})
    model, history = kind.train(spec, TrainingData(lower_for_signal, y, lower_for_signal, y), seed=0)
    assert history == {"sign": -1.0} and kind.model_inputs(spec, ["obs_a", "obs_x"]) == ["obs_x"]
    kind.save(spec, model, ["obs_x"], tmp_path / "o.model")
    loaded = kind.load(tmp_path / "o.model", read_json(tmp_path / "o.model"))
    assert np.array_equal(loaded.predict(np.array([[1.0], [3.0]], np.float32)), [-1.0, -3.0])
    proportions = TrainingData(lower_for_signal, y, lower_for_signal, y, loss="llp")
    with pytest.raises(ValueError, match="a BDT cannot learn from label proportions"):
        BdtKind().train(ModelSpec("bdt", {}), proportions, seed=0)
