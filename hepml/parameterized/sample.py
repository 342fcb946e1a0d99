"""The parameterized study's sample: signal shards at every mass of the grid and the HIGGS-like
background shards, merged and shuffled with a ``mass`` column (see :mod:`.masses`)."""

from __future__ import annotations

import os

import numpy as np

from ..core.splits import merge_shuffled
from .masses import draw_background_masses


def merge_parameterized(signal: dict[float, list], background: list, output: str | os.PathLike, seed: int,
                        training_masses: list[float], signal_events: dict[float, int], chunk: int = 1_000_000) -> int:
    """Merge ``signal`` ({mass: shard files}) and ``background`` shard files into ``output``.

    Background masses are drawn from ``training_masses`` in proportion to ``signal_events``
    (selected signal events per mass), with their own generator seeded from ``seed``.
    """
    rng = np.random.default_rng([seed, 1])
    weights = [signal_events[m] for m in training_masses]
    inputs, add = [], []
    for mass, files in sorted(signal.items()):
        for f in files:
            inputs.append(f)
            add.append(lambda d, m=mass: {"mass": np.full(len(d["label"]), m, dtype=np.float64)})
    for f in background:
        inputs.append(f)
        add.append(lambda d: {"mass": draw_background_masses(len(d["label"]), training_masses, weights, rng)})
    return merge_shuffled(inputs, output, seed, chunk, add)
