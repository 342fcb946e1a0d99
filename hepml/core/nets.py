"""Neural-network architectures: the Baldi et al. tanh MLP and its initialisation."""

from __future__ import annotations

import copy

import numpy as np
import torch
from torch import nn


def input_statistics(x, chunk_bytes: float = 2**30):
    """Mean and standard deviation over events (axis 0). Inputs larger than ``chunk_bytes`` (a
    memory-mapped image stack) are summed chunk by chunk in float64, never in memory whole."""
    if x.nbytes <= chunk_bytes:
        return x.mean(axis=0), x.std(axis=0)
    rows = max(1, int(chunk_bytes // max(x[:1].nbytes, 1)))
    total = np.zeros(x.shape[1:])
    squares = np.zeros(x.shape[1:])
    for i in range(0, len(x), rows):
        block = np.asarray(x[i : i + rows], dtype=np.float64)
        total += block.sum(axis=0)
        squares += (block**2).sum(axis=0)
    mean = total / len(x)
    return mean.astype(np.float32), np.sqrt(np.maximum(squares / len(x) - mean**2, 0)).astype(np.float32)


class Standardize(nn.Module):
    """Fixed affine input standardisation with statistics from the training split; ``std`` is
    floored at ``min_std`` so constant inputs (empty pixels) do not divide by zero."""

    def __init__(self, mean: torch.Tensor, std: torch.Tensor, min_std: float = 1e-12):
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.as_tensor(std, dtype=torch.float32).clamp_min(min_std))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


def mlp(n_inputs: int, layers: int, width: int, dropout: float = 0.0,
        activation: str = "tanh") -> nn.Sequential:
    """``layers`` hidden layers of ``width`` units, one logit output.

    ``dropout`` applies to the last hidden layer, as in the paper's SUSY variants.
    """
    act = {"tanh": nn.Tanh, "relu": nn.ReLU, "silu": nn.SiLU}[activation]
    modules: list[nn.Module] = []
    n_in = n_inputs
    for i in range(layers):
        modules += [nn.Linear(n_in, width), act()]
        if dropout and i == layers - 1:
            modules.append(nn.Dropout(dropout))
        n_in = width
    modules.append(nn.Linear(n_in, 1))
    return nn.Sequential(*modules)


@torch.no_grad()
def paper_init(model: nn.Sequential, first: float = 0.1, hidden: float = 0.05, output: float = 0.001) -> None:
    """Normal weights with the authors' standard deviations, zero biases."""
    linears = [m for m in model if isinstance(m, nn.Linear)]
    for i, layer in enumerate(linears):
        std = first if i == 0 else output if i == len(linears) - 1 else hidden
        layer.weight.normal_(0.0, std)
        layer.bias.zero_()


class Classifier(nn.Module):
    """Standardisation followed by a network that returns logits."""

    def __init__(self, net: nn.Module, mean, std):
        super().__init__()
        self.standardize = Standardize(mean, std)
        self.net = net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(self.standardize(x)).squeeze(-1)


class Embedded(nn.Module):
    """A classifier of some columns of a wider input, as a network of the whole width: the columns
    it does not read are zeroed after standardisation, and their first-layer weights, zero, get no
    gradient and stay zero. Networks of different feature sets of one architecture then have the
    same shapes and train as one vectorised stack (:mod:`hepml.core.ensemble`); :func:`extract`
    gives each back as the classifier of its own columns."""

    def __init__(self, model: Classifier, columns: list[int], width: int):
        super().__init__()
        index = torch.as_tensor(columns)
        mean, std = torch.zeros(width), torch.ones(width)
        mean[index], std[index] = model.standardize.mean, model.standardize.std
        self.standardize = Standardize(mean, std)
        keep = torch.zeros(width)
        keep[index] = 1.0
        self.register_buffer("keep", keep)
        self.net = copy.deepcopy(model.net)
        first = _first_linear(self.net)
        weight = torch.zeros(first.out_features, width)
        weight[:, index] = first.weight.detach()
        first.weight = nn.Parameter(weight)
        first.in_features = width

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(self.standardize(x) * self.keep).squeeze(-1)


def _first_linear(net: nn.Module) -> nn.Linear:
    first = next((m for m in net.modules() if isinstance(m, nn.Linear)), None)
    if first is None:
        raise ValueError("a network embedded in a wider input needs a linear first layer")
    return first


@torch.no_grad()
def extract(embedded: Embedded, columns: list[int], template: Classifier) -> Classifier:
    """``template`` (a classifier of ``columns``, built like the one embedded) with the embedded
    network's trained weights: its first layer restricted to its own columns."""
    index = torch.as_tensor(columns)
    state = {k: v.clone() for k, v in embedded.net.state_dict().items()}
    layer = _first_linear(embedded.net)
    first = next(k for k, m in embedded.net.named_modules() if m is layer)
    state[f"{first}.weight"] = state[f"{first}.weight"][:, index]
    template.net.load_state_dict(state)
    template.standardize.mean.copy_(embedded.standardize.mean[index])
    template.standardize.std.copy_(embedded.standardize.std[index])
    return template
