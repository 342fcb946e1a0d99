"""A Komiske-style convolutional quark/gluon tagger."""

from __future__ import annotations

import torch
from torch import nn

from ..core.nets import Standardize

DEFAULT = {"filters": [32, 32, 32], "kernels": [5, 3, 3], "dense": 128, "dropout": 0.25}
KOMISKE = {"filters": [64, 64, 64], "kernels": [8, 4, 4], "dense": 128, "dropout": 0.25}


class JetCNN(nn.Module):
    """Conv(ReLU) + 2x2 max-pool blocks, a dense layer with dropout, and one logit."""

    @classmethod
    def for_images(cls, images, cfg: dict | None = None) -> "JetCNN":
        """A network for (jets, channels, npix, npix) images, standardised with their per-pixel
        mean and std; architecture from ``cfg`` over :data:`DEFAULT`."""
        c = {**DEFAULT, **(cfg or {})}
        return cls(images.shape[1], images.shape[2], images.mean(axis=0), images.std(axis=0),
                   c["filters"], c["kernels"], c["dense"], c["dropout"])

    def __init__(self, channels: int, npix: int, mean, std, filters=(32, 32, 32), kernels=(5, 3, 3),
                 dense: int = 128, dropout: float = 0.25):
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

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(self.standardize(x))).squeeze(-1)
