"""A model is scored only as trained: its training history records its SHA-256 and scoring checks it,
so a changed leaf of a BDT or one flipped bit of a network's weights is an error naming the file;
damaged model, score and history files give one line naming the file, never a parser traceback."""

import numpy as np
import pytest

from hepml.core.atomic import load_npz, read_json
from hepml.pipeline.models import ModelSpec, load_model
from hepml.pipeline.steps import score_cell, train_cell, verified_onnx
from tests.helpers import default_config, susy_sample


@pytest.fixture(params=["bdt", "mlp"])
def trained(tmp_path, request):
    config = default_config()
    spec = (ModelSpec("bdt", {**config["bdt"], "n_estimators": 10, "device": "cpu"}) if request.param == "bdt" else
            ModelSpec("mlp", {"layers": 1, "width": 8, "activation": "tanh", "dropout": 0.0, "device": "cpu"},
                      {**config["recipes"]["fast"], "max_epochs": 2}))
    train, val = tmp_path / "train.root", tmp_path / "val.root"
    susy_sample(train, 600, 0)
    susy_sample(val, 300, 1)
    model, history, onnx = tmp_path / "s0.model", tmp_path / "s0.history.json", tmp_path / "s0.onnx"
    train_cell("susy", "low", spec, "all", train, val, [0], [model], [history], progress=False,
               onnx_paths=[onnx] if request.param == "mlp" else None)
    return tmp_path, model, history, val


def score(tmp_path, model, history, val):
    out = tmp_path / "scores.npz"
    score_cell("susy", "low", [model], [history], val, val, [out])
    return load_npz(out)


def test_an_unchanged_model_scores_and_a_changed_one_is_refused_naming_it(trained):
    tmp_path, model, history, val = trained
    assert len(read_json(history)["model_sha256"]) == 64
    before = score(tmp_path, model, history, val)["val_scores"]
    raw = bytearray(model.read_bytes())
    if raw[:1] == b"{":   # a BDT: change one leaf value's last digit
        text = raw.decode()
        i = text.index("leaf") + 12
        digit = next(j for j in range(i, len(text)) if text[j].isdigit())
        raw[digit] = ord("1") if text[digit] != "1" else ord("2")
    else:                 # a network: flip one bit near the end (the weights)
        raw[-200] ^= 0x01
    model.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=rf"^{model}: SHA-256 .* differs from .* recorded at training in {history}"):
        score(tmp_path, model, history, val)
    assert before.shape == (300,)


def test_damaged_files_are_one_line_naming_the_file(trained, tmp_path):
    _, model, history, _ = trained
    model.write_bytes(model.read_bytes()[: len(model.read_bytes()) // 2])
    with pytest.raises(ValueError, match=rf"^{model}: not (a readable model|valid JSON)") as err:
        load_model(model)
    assert "\n" not in str(err.value)
    history.write_text(history.read_text()[:-5])
    with pytest.raises(ValueError, match=rf"^{history}: not valid JSON"):
        read_json(history)
    scores = tmp_path / "x.npz"
    np.savez(scores, a=np.arange(10))
    scores.write_bytes(scores.read_bytes()[:-30])
    with pytest.raises(ValueError, match=rf"^{scores}: not a readable .npz file"):
        load_npz(scores)


def test_a_networks_onnx_export_is_checksummed_and_a_changed_one_refused(tmp_path):
    import onnx

    config = default_config()
    spec = ModelSpec("mlp", {"layers": 1, "width": 8, "activation": "tanh", "dropout": 0.0, "device": "cpu"},
                     {**config["recipes"]["fast"], "max_epochs": 2})
    train, val = tmp_path / "train.root", tmp_path / "val.root"
    susy_sample(train, 600, 0)
    susy_sample(val, 300, 1)
    model, history, export = tmp_path / "s0.model", tmp_path / "s0.history.json", tmp_path / "s0.onnx"
    train_cell("susy", "low", spec, "all", train, val, [0], [model], [history], progress=False, onnx_paths=[export])
    assert len(read_json(history)["onnx_sha256"]) == 64
    x = np.ones((3, 8), np.float32)
    before = verified_onnx(export, history).run(None, {"inputs": x})[0]
    graph = onnx.load(str(export))   # a changed weight: a still-valid graph that scores differently
    weights = next(t for t in graph.graph.initializer if t.dims and len(t.dims) == 2)
    values = onnx.numpy_helper.to_array(weights).copy()
    values.flat[0] += 1.0
    weights.CopyFrom(onnx.numpy_helper.from_array(values, weights.name))
    onnx.save(graph, str(export))
    with pytest.raises(ValueError, match=rf"^{export}: SHA-256 .* differs from .* recorded at training in {history}"):
        verified_onnx(export, history)
    assert before.shape == (3,)
