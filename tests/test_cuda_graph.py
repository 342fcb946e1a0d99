"""The CUDA-graph training path: its logic on any machine, the graph itself where CUDA is.

A captured step reads its learning rate from a tensor updated in place; on the CPU that tensor
learning rate must give the trajectory a float gives. GraphStep's own logic (undoing the warm-up,
replaying, running partial batches eagerly, capturing again when the momentum changes) runs on a
CPU with the CUDA graph swapped for ``eager_backend``. Where CUDA is present, a graph-replayed
training must end on the eager loop's weights (on an H100 and an H200 the difference was 0.0,
benchmarks/results/gpu_check_h100.json and gpu_check_h200.json).
"""

from __future__ import annotations

import copy

import pytest
import torch

from hepml.core.cuda_graph import WARMUP, eager_backend, lr_as_tensors, set_lr
from hepml.core.ensemble import fit_ensemble
from hepml.core.nets import Classifier, mlp
from hepml.core.training import Recipe, _optimizer, _set_schedule, fit, training_step

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


@pytest.mark.parametrize("overrides", [PAPER, dict(schedule="cosine")], ids=["sgd-paper", "adamw-cosine"])
def test_the_graph_step_logic_on_a_cpu(overrides):
    """GraphStep's own logic, with the CUDA graph swapped for :func:`eager_backend` (whose warm-up
    steps really change the weights and the optimizer state): the warm-up is undone, every replayed
    step equals the eager step bit for bit, an epoch's partial last batch runs eagerly, and a new
    momentum (the paper schedule raises it every epoch) captures again; AdamW captures once."""
    recipe = Recipe.with_defaults(**overrides)
    x, y = _data(430, 0)   # batches of 50 and a last one of 30
    loss = torch.nn.functional.binary_cross_entropy_with_logits
    models = [_model(), _model()]
    (opt_e, eager), (opt_g, graphed) = (training_step(m, x, y, recipe, lambda o, t: loss(o.squeeze(-1), t), use_graph=g,
                                                      backend=eager_backend) for m, g in zip(models, (False, True)))
    lr_as_tensors(opt_e, torch.device("cpu"))   # the same learning-rate arithmetic as the graphed step
    gen = torch.Generator().manual_seed(1)
    step, epochs, per_epoch = 0, 3, 9
    for epoch in range(epochs):
        for opt in (opt_e, opt_g):
            _set_schedule(opt, recipe, epoch, step, per_epoch)
        for idx in torch.randperm(430, generator=gen).split(recipe.batch_size if recipe.batch_size < 430 else 50):
            assert torch.equal(eager(idx), graphed(idx))
            step += 1
    for a, b in zip(models[0].parameters(), models[1].parameters()):
        assert torch.equal(a, b)
    momentum = recipe.optimizer == "sgd"
    assert graphed.graph.captures == (epochs if momentum else 1), graphed.graph.captures


def test_the_warm_up_is_undone_even_where_it_leaves_optimizer_state():
    """Without the undo, the WARMUP steps of each capture would be extra training steps."""
    recipe = Recipe.with_defaults(**PAPER)
    x, y = _data(200, 0)
    model = _model()
    before = copy.deepcopy(model.state_dict())
    _, graphed = training_step(model, x, y, recipe, lambda o, t: torch.nn.functional.binary_cross_entropy_with_logits(
        o.squeeze(-1), t), use_graph=True, backend=eager_backend)
    graphed.graph._capture()
    assert WARMUP >= 1 and all(torch.equal(v, model.state_dict()[k]) for k, v in before.items())
    assert all(not torch.is_tensor(v) or not v.any() for state in graphed.graph.opt.state.values() for v in state.values())


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
