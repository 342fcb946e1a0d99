"""config/paper.yaml trains the authors' networks (github uci-igb/higgs-susy): layer count, widths,
activations, initialisation scales, weight decay and stopping rule, per dataset."""

from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from torch import nn

from hepml.core.config import SCHEMA, validate_config
from hepml.core.records import Cell
from hepml.pipeline.cells import model_spec
from hepml.pipeline.models import build_network

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def paper():
    return validate_config(yaml.safe_load((ROOT / "config/paper.yaml").read_text()), SCHEMA, ROOT)


def _network(config, dataset, model, n_inputs=28, seed=0):
    spec = model_spec(config, Cell("benchmark", dataset, "uci", "complete", model, "all"))
    torch.manual_seed(seed)
    x = np.random.default_rng(seed).normal(size=(500, n_inputs)).astype(np.float32)
    return spec, build_network(spec, x).net


@pytest.mark.parametrize("model, hidden", [("deep", 4), ("shallow", 1), ("deep5", 5)])
def test_paper_networks_have_the_authors_layers_and_tanh(paper, model, hidden):
    _, net = _network(paper, "higgs", model)
    linears = [m for m in net if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(28, 300)] + [(300, 300)] * (hidden - 1) + [(300, 1)]
    # every hidden layer is followed by a tanh, the output is one logit (the sigmoid is in the loss)
    kinds = [type(m) for m in net]
    assert kinds == [nn.Linear, nn.Tanh] * hidden + [nn.Linear]


def test_paper_initialisation_scales(paper):
    """N(0, 0.1) for the first layer, N(0, 0.05) for hidden layers, N(0, 0.001) for the output; zero biases."""
    _, net = _network(paper, "higgs", "deep")
    linears = [m for m in net if isinstance(m, nn.Linear)]
    for layer, std in zip(linears, [0.1, 0.05, 0.05, 0.05, 0.001]):
        w = layer.weight.detach().numpy().ravel()
        # the sample std of n normal draws has a relative spread 1/sqrt(2n): 5 sigma
        assert np.std(w) == pytest.approx(std, rel=5 / np.sqrt(2 * w.size)), layer
        assert abs(np.mean(w)) < 5 * std / np.sqrt(w.size)
        assert torch.all(layer.bias == 0)


@pytest.mark.parametrize("dataset, decay", [("higgs", 1.0000002), ("susy", 1.0000003)])
def test_paper_recipe_per_dataset(paper, dataset, decay):
    spec, _ = _network(paper, dataset, "deep", n_inputs=18)
    r = spec.recipe
    assert (r["optimizer"], r["lr"], r["batch_size"], r["weight_decay"]) == ("sgd", 0.05, 100, 1e-5)
    assert (r["patience"], r["min_rel_improvement"], r["max_epochs"]) == (10, 1e-5, 200)
    assert (r["momentum_start"], r["momentum_end"], r["momentum_epochs"]) == (0.9, 0.99, 200)
    assert r["lr_decay"] == decay and r["init"] == "paper" and r["schedule"] == "paper"


def test_susy_dropout_variant_drops_the_top_hidden_layer_only(paper):
    _, net = _network(paper, "susy", "deep_dropout", n_inputs=18)
    kinds = [type(m) for m in net]
    assert kinds == [nn.Linear, nn.Tanh] * 4 + [nn.Dropout, nn.Linear]
    assert net[-2].p == 0.5


def test_the_offline_default_keeps_the_design_cards_five_by_300(paper):
    from hepml.core.config import property_default

    assert property_default("networks", "deep") == {"layers": 5, "width": 300}
