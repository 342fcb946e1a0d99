"""Neural-network architectures: the Baldi et al. tanh MLP and its initialisation."""

from __future__ import annotations

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
