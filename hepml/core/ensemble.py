"""Train the seeds of one cell together: a vectorised ensemble of identical networks.

Small networks leave a GPU (and the vector units of a CPU) mostly idle; stacking E networks'
parameters (``torch.func.stack_module_state``) and running them with ``vmap`` does E trainings
for little more than the cost of one. Each member is exactly what :func:`hepml.core.training.fit`
would train alone with the same seed:

* its own initialisation (built after ``seed_everything(seed)``),
* its own batch order (a generator seeded with its seed, one permutation per epoch),
* its own early stopping (a member that stops keeps its best weights; the others go on),

so a member agrees with the same seed trained alone up to floating-point summation order
(``tests/test_ensemble.py``). The learning-rate schedule depends only on the step, the same for
every member. On CUDA the step runs as one CUDA graph when ``cuda_graph`` is set (launch-bound
small batches, e.g. the paper recipe's batch of 100; :mod:`hepml.core.cuda_graph`).
"""

from __future__ import annotations

import copy
import math
from typing import Callable, NamedTuple

import numpy as np
import torch
from torch import nn
from torch.func import functional_call, stack_module_state, vmap
from tqdm.auto import tqdm

from .cuda_graph import GraphStep, lr_as_tensors
from .device import seed_everything
from .roc import auc as roc_auc
from .training import History, Recipe, _optimizer_for, _set_schedule, stalled


def _member_losses(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of each member over its batch: (E, B) -> (E,)."""
    return nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction="none").mean(dim=1)


class Stack(NamedTuple):
    """E networks as one: stacked parameters and buffers, the optimiser over them, ``step(idx)``
    (one optimisation step of every member on its own index batch, ``idx`` of shape (E, B),
    returning the E losses; a replayed CUDA graph for full batches when built with ``use_graph``)
    and ``predict(params, buffers, x)`` (every member on the same inputs: (E, N) logits)."""

    params: dict
    buffers: dict
    opt: torch.optim.Optimizer
    step: Callable[[torch.Tensor], torch.Tensor]
    predict: Callable

    @classmethod
    def of(cls, members: list[nn.Module], x_train: torch.Tensor, y_train: torch.Tensor, recipe: Recipe,
           use_graph: bool) -> "Stack":
        device = x_train.device
        params, buffers = stack_module_state(members)
        params = {k: v.detach().requires_grad_() for k, v in params.items()}
        base = copy.deepcopy(members[0]).to("meta")

        def forward(p, b, x):
            return functional_call(base, (p, b), (x,))

        batched = vmap(forward, in_dims=(0, 0, 0), randomness="different")
        opt = _optimizer_for(list(params.values()), recipe, capturable=use_graph)
        if use_graph:
            lr_as_tensors(opt, device)

        def one_step(idx):
            losses = _member_losses(batched(params, buffers, x_train[idx]), y_train[idx])
            opt.zero_grad(set_to_none=not use_graph)
            losses.sum().backward()
            opt.step()
            return losses.detach()

        def state():
            return {k: v.detach().clone() for k, v in params.items()}

        def restore(saved):
            for k, v in params.items():
                v.data.copy_(saved[k])

        step = GraphStep(one_step, (len(members), recipe.batch_size), device, opt, state, restore) if use_graph \
            else one_step
        return cls(params, buffers, opt, step, vmap(forward, in_dims=(0, 0, None), randomness="different"))


def fit_ensemble(build: Callable[[], nn.Module], seeds: list[int], x_train: torch.Tensor, y_train: torch.Tensor,
                 x_val: torch.Tensor, y_val: torch.Tensor, recipe: Recipe, val_truth: np.ndarray | None = None,
                 threads: int | None = None, progress: bool = True, desc: str = "ensemble",
                 predict_batch: int = 65536, cuda_graph: bool = False) -> list[tuple[nn.Module, History]]:
    """Train one network per seed together; return each member (best weights restored) and its history."""
    members = []
    for seed in seeds:
        seed_everything(seed, threads)
        members.append(build().to(x_train.device))
    return fit_members(members, seeds, x_train, y_train, x_val, y_val, recipe, val_truth, progress, desc,
                       predict_batch, cuda_graph)


def fit_members(members: list[nn.Module], seeds: list[int], x_train: torch.Tensor, y_train: torch.Tensor,
                x_val: torch.Tensor, y_val: torch.Tensor, recipe: Recipe, val_truth: np.ndarray | None = None,
                progress: bool = True, desc: str = "ensemble", predict_batch: int = 65536,
                cuda_graph: bool = False) -> list[tuple[nn.Module, History]]:
    """Train ``members`` (networks of identical shapes, already initialised) together, member i
    drawing its batches in the order of ``seeds[i]``; return each (best weights restored) and its
    history. Members may be :class:`hepml.core.nets.Embedded` networks of different feature sets."""
    device = x_train.device
    use_graph = cuda_graph and device.type == "cuda"
    stack = Stack.of(members, x_train, y_train, recipe, use_graph)
    params, buffers, opt = stack.params, stack.buffers, stack.opt
    generators = [torch.Generator().manual_seed(int(s)) for s in seeds]
    e, n = len(seeds), len(x_train)
    histories = [History() for _ in seeds]
    best_loss = [math.inf] * e
    best_state: list[dict | None] = [None] * e
    best_epoch = [-1] * e
    reference: list[list[float]] = [[] for _ in seeds]
    active = [True] * e
    truth = val_truth if val_truth is not None else y_val.cpu().numpy()
    binary = set(np.unique(truth).tolist()) == {0, 1}
    step = 0
    bar = tqdm(range(recipe.max_epochs), desc=desc, disable=not progress, leave=False)
    for epoch in bar:
        perms = torch.stack([torch.randperm(n, generator=g) for g in generators]).to(device)
        batches = list(perms.split(recipe.batch_size, dim=1))
        totals = torch.zeros(e, device=device)
        for idx in batches:
            _set_schedule(opt, recipe, epoch, step, len(batches))
            totals += stack.step(idx)
            step += 1
        with torch.no_grad():
            logits = torch.cat([stack.predict(params, buffers, x_val[i : i + predict_batch])
                                for i in range(0, len(x_val), predict_batch)], dim=1)
            val_losses = nn.functional.binary_cross_entropy_with_logits(
                logits, y_val.expand_as(logits), reduction="none").mean(dim=1).tolist()
        train_losses = (totals / len(batches)).tolist()
        scores = logits.float().cpu().numpy()
        for m in range(e):
            if not active[m]:
                continue
            val_auc = roc_auc(truth, scores[m]) if binary else float("nan")
            histories[m].log(epoch=epoch, train_loss=train_losses[m], val_loss=val_losses[m], val_auc=val_auc,
                             events=n)
            if val_losses[m] < best_loss[m]:
                best_loss[m], best_epoch[m] = val_losses[m], epoch
                best_state[m] = {k: v[m].detach().clone() for k, v in params.items()}
            reference[m].append(best_loss[m])
            if stalled(reference[m], recipe):
                active[m] = False
        aucs = [h.epochs[-1]["val_auc"] for h, a in zip(histories, active) if a and h.epochs]
        bar.set_postfix(active=sum(active), best_val_loss=f"{min(best_loss):.4f}",
                        val_auc=f"{np.mean(aucs):.4f}" if aucs else "-")   # a job's log shows the epochs as they end
        if not any(active):
            break
    bar.close()
    out = []
    for m, member in enumerate(members):
        state = dict(member.state_dict())
        if best_state[m] is not None:
            state.update(best_state[m])
        member.load_state_dict(state)
        histories[m].best_epoch = best_epoch[m]
        out.append((member, histories[m]))
    return out
