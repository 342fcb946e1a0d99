"""A Komiske-style convolutional quark/gluon tagger."""

from __future__ import annotations

import torch
from torch import nn

from ..core.nets import Standardize, input_statistics

class JetCNN(nn.Module):
    """Conv(ReLU) + 2x2 max-pool blocks, a dense layer with dropout, and one logit."""

    @classmethod
    def for_images(cls, images, cfg: dict) -> "JetCNN":
        """A network for (jets, channels, npix, npix) images, standardised with their per-pixel
        mean and std; architecture from ``cfg`` (the ``cnn`` config section)."""
        mean, std = input_statistics(images)
        return cls(images.shape[1], images.shape[2], mean, std, cfg["filters"], cfg["kernels"], cfg["dense"],
                   cfg["dropout"])

    def __init__(self, channels: int, npix: int, mean, std, filters, kernels, dense: int, dropout: float):
        super().__init__()
        if len(filters) != len(kernels):
            raise ValueError("cnn: 'filters' and 'kernels' must have the same length")
        self.standardize = Standardize(mean, std, min_std=1e-6)
        layers: list[nn.Module] = []
        c_in, size = channels, npix
        for f, k in zip(filters, kernels):
            layers += [nn.Conv2d(c_in, f, k, padding="same"), nn.ReLU(), nn.MaxPool2d(2)]
            c_in, size = f, size // 2
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(c_in * size * size, dense), nn.ReLU(),
                                  nn.Dropout(dropout), nn.Linear(dense, 1))
        # Channels-last (NHWC) convolutions: oneDNN's fast layout on CPUs, tensor cores' on GPUs
        # (benchmarks/bench_cnn.py). The numbers are the same network's, only summed in another order.
        self.features.to(memory_format=torch.channels_last)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.standardize(x)
        try:
            x = x.contiguous(memory_format=torch.channels_last)
        except RuntimeError:  # inside torch.func.vmap (an ensemble of seeds), which keeps NCHW
            pass
        return self.head(self.features(x)).squeeze(-1)
