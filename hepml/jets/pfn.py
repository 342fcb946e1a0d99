"""Particle Flow Network (Komiske, Metodiev, Thaler, JHEP 01 (2019) 121), the Deep Sets network
EnergyFlow ships: a per-particle network Phi maps each particle to a latent vector, the vectors
are summed over the jet's particles (so the output cannot depend on their order), and a network
F maps the sum to one logit. The inputs are :mod:`hepml.jets.particles` arrays: per particle the
pT fraction and the position relative to the jet's centroid, zero rows padding (masked out of
the sum). Its model kind (training, saving, ONNX) is ``hepml.pipeline.kinds.pfn``.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..core.nets import Standardize


def particle_statistics(x: np.ndarray, chunk: int = 50_000) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std of each per-particle feature over the real particles (z > 0) of ``x``,
    summed chunk by chunk (``x`` may be a memory-mapped array larger than memory)."""
    n, total, squares = 0, np.zeros(x.shape[-1]), np.zeros(x.shape[-1])
    for start in range(0, len(x), chunk):
        part = np.asarray(x[start : start + chunk], dtype=np.float64)
        real = part[part[..., 0] > 0]
        n, total, squares = n + len(real), total + real.sum(0), squares + (real**2).sum(0)
    mean = total / max(n, 1)
    return mean, np.sqrt(np.maximum(squares / max(n, 1) - mean**2, 0))


def _relu_layers(widths: list[int]) -> list[nn.Module]:
    """Linear + ReLU from each width to the next."""
    return [m for w_in, w_out in zip(widths, widths[1:]) for m in (nn.Linear(w_in, w_out), nn.ReLU())]


class ParticleFlowNetwork(nn.Module):
    """Phi on each particle, a masked sum over particles, F on the sum: one logit per jet."""

    def __init__(self, features: int, mean, std, phi: list[int], f: list[int], dropout: float = 0.0):
        super().__init__()
        self.standardize = Standardize(mean, std, min_std=1e-6)
        self.phi = nn.Sequential(*_relu_layers([features, *phi]))
        self.f = nn.Sequential(*_relu_layers([phi[-1], *f]), nn.Dropout(dropout), nn.Linear(f[-1], 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        real = (x[..., :1] > 0).to(x.dtype)            # padding rows have z = 0
        latent = (self.phi(self.standardize(x)) * real).sum(dim=-2)
        return self.f(latent).squeeze(-1)
