"""The CUDA-graph training path: what runs on any machine here, the graph itself where CUDA is.

A captured step reads its learning rate from a tensor updated in place; on the CPU that tensor
learning rate must give the trajectory a float gives. On a CPU the ``cuda_graph`` flag must change
nothing. Where CUDA is present, a graph-replayed training must end on the eager loop's weights
(on an H100 and an H200 the difference was 0.0, benchmarks/results/gpu_check_h100.json and
gpu_check_h200.json).
"""

from __future__ import annotations

import copy

import pytest
import torch

from hepml.core.cuda_graph import lr_as_tensors, set_lr
from hepml.core.ensemble import fit_ensemble
from hepml.core.nets import Classifier, mlp
from hepml.core.training import Recipe, _optimizer, _set_schedule, fit

PAPER = dict(optimizer="sgd", lr=0.05, batch_size=50, schedule="paper", init="paper", momentum_epochs=2,
             lr_decay=1.001)


def _data(n, seed, device="cpu"):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 6, generator=g)
    y = (x[:, 0] - x[:, 1] * x[:, 2] + 0.3 * torch.randn(n, generator=g) > 0).float()
    return x.to(device), y.to(device)


def _model(device="cpu"):
    torch.manual_seed(0)
    return Classifier(mlp(6, 2, 16), torch.zeros(6).numpy(), torch.ones(6).numpy()).to(device)


@pytest.mark.parametrize("overrides", [PAPER, dict(schedule="cosine", max_epochs=3)], ids=["sgd-paper", "adamw-cosine"])
def test_a_tensor_learning_rate_takes_the_float_trajectory(overrides):
    recipe = Recipe.with_defaults(**overrides)
    x, y = _data(400, 0)
    models = [_model(), _model()]
    opts = [_optimizer(m, recipe) for m in models]
    lr_as_tensors(opts[1], torch.device("cpu"))
    assert isinstance(opts[1].param_groups[0]["lr"], torch.Tensor)
    step = 0
    for epoch in range(3):
        for start in range(0, 400, recipe.batch_size):
            for model, opt in zip(models, opts):
                _set_schedule(opt, recipe, epoch, step, 400 // recipe.batch_size)
                opt.zero_grad()
                loss = torch.nn.functional.binary_cross_entropy_with_logits(
                    model(x[start:start + recipe.batch_size]).squeeze(-1), y[start:start + recipe.batch_size])
                loss.backward()
                opt.step()
            step += 1
    assert float(opts[1].param_groups[0]["lr"].detach()) == pytest.approx(opts[0].param_groups[0]["lr"], rel=1e-6)
    assert float(opts[0].param_groups[0]["lr"]) < recipe.lr        # the schedule did move it
    for a, b in zip(models[0].parameters(), models[1].parameters()):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_set_lr_updates_a_tensor_in_place():
    g = {"lr": torch.tensor(0.1)}
    held = g["lr"]
    set_lr(g, 0.02)
    assert g["lr"] is held and float(held) == pytest.approx(0.02)
    g = {"lr": 0.1}
    set_lr(g, 0.02)
    assert g["lr"] == 0.02


def test_the_graph_flag_changes_nothing_on_a_cpu():
    recipe = Recipe.with_defaults(**PAPER, max_epochs=2)
    x, y = _data(600, 0)
    xv, yv = _data(200, 1)
    states = []
    for graph in (False, True):
        model = _model()
        fit(model, x, y, xv, yv, recipe, seed=0, progress=False, cuda_graph=graph)
        states.append(copy.deepcopy(model.state_dict()))
    for k in states[0]:
        assert torch.equal(states[0][k], states[1][k]), k


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device (run on the GPU machine)")
@pytest.mark.parametrize("overrides", [PAPER, {}], ids=["paper", "fast"])
def test_graph_replay_ends_on_the_eager_weights_on_cuda(overrides):
    recipe = Recipe.with_defaults(**overrides, max_epochs=2)
    device = torch.device("cuda")
    x, y = _data(2000, 0, device)
    xv, yv = _data(500, 1, device)
    states = []
    for graph in (False, True):
        model = _model(device)
        fit(model, x, y, xv, yv, recipe, seed=0, progress=False, cuda_graph=graph)
        states.append(copy.deepcopy(model.state_dict()))
    for k in states[0]:
        torch.testing.assert_close(states[0][k], states[1][k], rtol=1e-5, atol=1e-6)
    members = [fit_ensemble(lambda: _model(device), [0, 1], x, y, xv, yv, recipe, progress=False, cuda_graph=graph)
               for graph in (False, True)]
    for (a, _), (b, _) in zip(*members):
        for k, v in a.state_dict().items():
            torch.testing.assert_close(v, b.state_dict()[k], rtol=1e-5, atol=1e-6)
