"""Device-resident mini-batch training with early stopping, for every network in hepml.

The whole training split lives on the device as one contiguous tensor; a batch
is an index slice of a per-epoch permutation, so there is no DataLoader, no
per-batch host copy and no host synchronisation inside an epoch.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, fields
from typing import Callable, Iterable

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from .cuda_graph import GraphStep, cuda_graph_backend, lr_as_tensors, set_lr
from .roc import auc


@dataclass(frozen=True)
class Recipe:
    """Optimiser, schedule and stopping rule of a training (the ``recipe`` definition of the
    config schema, which holds the defaults; ``fast`` and ``paper`` are configured presets)."""

    optimizer: str                # adamw | sgd
    lr: float
    weight_decay: float
    batch_size: int
    max_epochs: int
    patience: int                 # epochs without enough improvement before stopping
    min_rel_improvement: float    # relative decrease of the validation loss that counts
    schedule: str                 # cosine | paper | none
    lr_decay: float               # paper: lr divided by this after every batch
    lr_min: float
    momentum_start: float         # paper: rises linearly ...
    momentum_end: float           # ... to this ...
    momentum_epochs: int          # ... over this many epochs
    init: str                     # default | paper

    @classmethod
    def from_dict(cls, d: dict) -> "Recipe":
        """A recipe from a complete config section (as validated, defaults filled in)."""
        known = {f.name for f in fields(cls)}
        unknown, missing = set(d) - known, known - set(d)
        if unknown:
            raise ValueError(f"unknown training recipe keys {sorted(unknown)}; known: {sorted(known)}")
        if missing:
            raise ValueError(f"training recipe misses {sorted(missing)} (validate the config first)")
        return cls(**d)

    @classmethod
    def with_defaults(cls, **overrides) -> "Recipe":
        """The schema's default recipe with ``overrides`` (for use outside the workflow)."""
        from .config import definition_defaults

        return cls.from_dict({**definition_defaults("recipe"), **overrides})


@dataclass
class History:
    epochs: list = field(default_factory=list)

    def log(self, **row) -> None:
        self.epochs.append(row)


def _optimizer_for(parameters, recipe: Recipe, capturable: bool = False) -> torch.optim.Optimizer:
    if recipe.optimizer == "adamw":
        return torch.optim.AdamW(parameters, lr=recipe.lr, weight_decay=recipe.weight_decay, capturable=capturable)
    if recipe.optimizer == "sgd":
        return torch.optim.SGD(parameters, lr=recipe.lr, momentum=recipe.momentum_start,
                               weight_decay=recipe.weight_decay)
    raise ValueError(f"unknown optimizer {recipe.optimizer!r}")


def _optimizer(model: nn.Module, recipe: Recipe, capturable: bool = False) -> torch.optim.Optimizer:
    return _optimizer_for(model.parameters(), recipe, capturable)


def _set_schedule(opt: torch.optim.Optimizer, recipe: Recipe, epoch: int, step: int, steps_per_epoch: int) -> None:
    """Learning rate (and, for the paper recipe, momentum) at a given step."""
    if recipe.schedule == "none":
        return
    if recipe.schedule == "cosine":
        total = recipe.max_epochs * steps_per_epoch
        lr = recipe.lr_min + 0.5 * (recipe.lr - recipe.lr_min) * (1 + math.cos(math.pi * min(step / total, 1.0)))
        for g in opt.param_groups:
            set_lr(g, lr)
        return
    if recipe.schedule == "paper":
        lr = max(recipe.lr / recipe.lr_decay**step, recipe.lr_min)
        frac = min(epoch / max(recipe.momentum_epochs, 1), 1.0)
        momentum = recipe.momentum_start + frac * (recipe.momentum_end - recipe.momentum_start)
        for g in opt.param_groups:
            set_lr(g, lr)
            if "momentum" in g:
                g["momentum"] = momentum
        return
    raise ValueError(f"unknown schedule {recipe.schedule!r}")


def training_step(model: nn.Module, x_train: torch.Tensor | np.ndarray, y_train: torch.Tensor, recipe: Recipe,
                  loss_fn: Callable, use_graph: bool, backend: Callable = cuda_graph_backend
                  ) -> tuple[torch.optim.Optimizer, Callable]:
    """The optimiser of :func:`fit` and its step ``step(idx)`` (index tensors into the resident
    training set) or ``step(xb, yb)`` (a batch read out of core), returning the batch loss. With
    ``use_graph`` full index batches replay one CUDA graph (``backend``; the tests pass
    :func:`~hepml.core.cuda_graph.eager_backend` to run the same logic on a CPU); ``step.graph`` is
    the :class:`~hepml.core.cuda_graph.GraphStep`."""
    device = _device_of(model)
    opt = _optimizer(model, recipe, capturable=use_graph and device.type == "cuda")
    if use_graph:
        lr_as_tensors(opt, device)

    def one_step(xb_or_idx, yb=None):
        xb, yb = (x_train[xb_or_idx], y_train[xb_or_idx]) if yb is None else (xb_or_idx, yb)
        loss = loss_fn(model(xb), yb)
        opt.zero_grad(set_to_none=not use_graph)
        loss.backward()
        opt.step()
        return loss.detach()

    if not use_graph:
        return opt, one_step
    graph = GraphStep(one_step, (recipe.batch_size,), device, opt, model.state_dict, model.load_state_dict, backend)

    def step(xb_or_idx, yb=None):
        return graph(xb_or_idx) if yb is None else one_step(xb_or_idx, yb)
    step.graph = graph
    return opt, step


def stalled(best_losses: list[float], recipe: Recipe) -> bool:
    """Early stopping: the best validation loss (one entry per epoch so far) has improved by less
    than ``min_rel_improvement`` over the last ``patience`` epochs."""
    if len(best_losses) <= recipe.patience:
        return False
    then, now = best_losses[-recipe.patience - 1], best_losses[-1]
    return now > then * (1 - recipe.min_rel_improvement) if then > 0 else now >= then


def shuffled_batches(n: int, batch_size: int, generator: torch.Generator, device) -> Iterable[torch.Tensor]:
    """Index tensors of a random permutation of ``range(n)``, ``batch_size`` at a time."""
    perm = torch.randperm(n, generator=generator).to(device)
    return perm.split(batch_size)


def resident(a: np.ndarray, device, resident_bytes: float) -> torch.Tensor | np.ndarray:
    """``a`` as a float32 tensor on ``device`` when it fits in ``resident_bytes``; else ``a`` itself
    (e.g. a memory-mapped image stack), which :func:`fit` and :func:`predict_logits` read in chunks."""
    if a.nbytes <= resident_bytes:
        return torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float32, device=device)
    return a


def chunk_rows(a: np.ndarray, resident_bytes: float) -> int:
    """How many rows of ``a`` fit in ``resident_bytes`` (at least one)."""
    return max(1, int(resident_bytes // max(a[:1].nbytes, 1)))


def _device_of(model: nn.Module):
    return next(model.parameters()).device


@torch.no_grad()
def predict_logits(model: nn.Module, x: torch.Tensor | np.ndarray, batch_size: int = 65536) -> torch.Tensor:
    """Model logits over ``x`` in large batches, in eval mode. A numpy ``x`` (a memory-mapped
    array, say) is read and moved to the model's device one batch at a time."""
    was_training = model.training
    model.eval()
    if isinstance(x, np.ndarray):
        device = _device_of(model)
        out = torch.cat([model(torch.as_tensor(np.ascontiguousarray(x[i : i + batch_size]), dtype=torch.float32,
                                               device=device)) for i in range(0, len(x), batch_size)])
    else:
        out = torch.cat([model(x[i : i + batch_size]) for i in range(0, len(x), batch_size)])
    model.train(was_training)
    return out


def chunked_batches(x: np.ndarray, y: torch.Tensor, rows: int, batch_size: int, generator: torch.Generator, device):
    """(inputs, targets) batches of an out-of-core training set: the chunks of ``rows`` events in a
    random order, each loaded once onto the device and shuffled within. Memory: one chunk."""
    n = len(x)
    starts = list(range(0, n, rows))
    for c in torch.randperm(len(starts), generator=generator).tolist():
        a, b = starts[c], min(starts[c] + rows, n)
        xc = torch.as_tensor(np.ascontiguousarray(x[a:b]), dtype=torch.float32, device=device)
        yc = y[a:b].to(device)
        for idx in torch.randperm(b - a, generator=generator).to(device).split(batch_size):
            yield xc[idx], yc[idx]


def fit(
    model: nn.Module,
    x_train: torch.Tensor | np.ndarray,
    y_train: torch.Tensor,
    x_val: torch.Tensor,
    y_val: torch.Tensor,
    recipe: Recipe,
    seed: int = 0,
    loss_fn: Callable | None = None,
    batches: Callable[[int, torch.Generator], Iterable[torch.Tensor]] | None = None,
    val_labels: np.ndarray | None = None,
    val_loss_fn: Callable | None = None,
    progress: bool = True,
    desc: str = "train",
    chunk: int | None = None,
    cuda_graph: bool = False,
) -> History:
    """Train ``model`` in place; restore the weights of the best validation loss.

    ``loss_fn(logits, targets)`` defaults to binary cross-entropy with logits.
    ``batches(epoch, generator)`` yields index tensors; by default a fresh shuffle
    of the training set each epoch. ``val_labels`` (truth, for the validation AUC
    only) default to ``y_val``; the AUC is logged only when they are 0/1. ``val_loss_fn``
    (default ``loss_fn``) scores the whole validation set for early stopping.

    A numpy ``x_train`` (larger than the device may hold, see :func:`resident`) is read in
    chunks of ``chunk`` events (:func:`chunked_batches`); ``x_val`` likewise by
    :func:`predict_logits`. Peak memory is then about one chunk, whatever the sample.

    With ``cuda_graph`` on a CUDA device, full batches run as one replayed CUDA graph
    (:mod:`hepml.core.cuda_graph`), the same steps with one launch each.
    """
    out_of_core = isinstance(x_train, np.ndarray)
    if out_of_core and (batches is not None or not chunk):
        raise ValueError("an out-of-core training set needs the default batches and a chunk size")
    device = _device_of(model) if out_of_core else x_train.device
    loss_fn = loss_fn or nn.functional.binary_cross_entropy_with_logits
    val_loss_fn = val_loss_fn or loss_fn
    generator = torch.Generator().manual_seed(seed)
    if batches is None:
        def batches(epoch, gen):  # noqa: E306
            return shuffled_batches(len(x_train), recipe.batch_size, gen, device)
    use_graph = cuda_graph and device.type == "cuda" and not out_of_core and batches is None
    opt, train_step = training_step(model, x_train, y_train, recipe, loss_fn, use_graph)
    history = History()
    best_loss, best_state, best_epoch = math.inf, None, -1
    reference_losses: list[float] = []
    truth = val_labels if val_labels is not None else y_val.cpu().numpy()
    step = 0
    bar = tqdm(range(recipe.max_epochs), desc=desc, disable=not progress, leave=False)
    for epoch in bar:
        model.train()
        total = torch.zeros((), device=device)
        n_batches = 0
        if out_of_core:
            steps_per_epoch = sum(math.ceil(min(chunk, len(x_train) - a) / recipe.batch_size)
                                  for a in range(0, len(x_train), chunk))
            batch_iter = chunked_batches(x_train, y_train, chunk, recipe.batch_size, generator, device)
        else:
            index_batches = list(batches(epoch, generator))
            steps_per_epoch = len(index_batches)
            batch_iter = ((idx, None) for idx in index_batches)
        for xb, yb in batch_iter:
            _set_schedule(opt, recipe, epoch, step, steps_per_epoch)
            loss = train_step(xb, yb)
            total += loss
            n_batches += 1
            step += 1
        val_logits = predict_logits(model, x_val)
        val_loss = float(val_loss_fn(val_logits, y_val))
        binary = set(np.unique(truth).tolist()) == {0, 1}
        val_auc = auc(truth, val_logits.float().cpu().numpy()) if binary else float("nan")
        history.log(epoch=epoch, train_loss=float(total) / max(n_batches, 1), val_loss=val_loss,
                    val_auc=val_auc, events=len(x_train))
        bar.set_postfix(val_loss=f"{val_loss:.4f}", val_auc=f"{val_auc:.4f}")
        if val_loss < best_loss:
            best_loss, best_epoch = val_loss, epoch
            best_state = copy.deepcopy(model.state_dict())
        reference_losses.append(best_loss)
        if stalled(reference_losses, recipe):
            break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    history.best_epoch = best_epoch
    return history
