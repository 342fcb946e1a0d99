"""Mixed samples with exactly known signal fractions, built from labelled events.

The weak learners only ever receive :class:`WeakSample` objects: features, the mixture each
event belongs to and that mixture's signal fraction. Truth labels stay with the builder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class WeakSample:
    """Events of several mixtures: features, mixture index and the mixture's known fraction."""

    x: np.ndarray
    mixture: np.ndarray   # int, one per event
    fraction: np.ndarray  # float, the known signal fraction of the event's mixture

    def __post_init__(self):
        if not (len(self.x) == len(self.mixture) == len(self.fraction)):
            raise ValueError("WeakSample: x, mixture and fraction must have the same length")


def mixture_indices(labels: np.ndarray, fractions: list[float], seed: int, size: int) -> list[np.ndarray]:
    """Disjoint index sets of ``size`` events each, one per mixture, with exactly
    ``round(f * size)`` signal events each."""
    fractions = [float(f) for f in fractions]
    if not all(0.0 <= f <= 1.0 for f in fractions):
        raise ValueError(f"mixture fractions must lie in [0, 1], got {fractions}")
    rng = np.random.default_rng(seed)
    sig = rng.permutation(np.flatnonzero(labels == 1))
    bkg = rng.permutation(np.flatnonzero(labels == 0))
    n_sig = [int(round(f * size)) for f in fractions]
    if sum(n_sig) > len(sig) or sum(size - k for k in n_sig) > len(bkg):
        raise ValueError(f"not enough events for {len(fractions)} mixtures of {size} at fractions {fractions} "
                         f"({len(sig)} signal, {len(bkg)} background available)")
    out, s0, b0 = [], 0, 0
    for k in n_sig:
        idx = np.concatenate([sig[s0 : s0 + k], bkg[b0 : b0 + size - k]])
        out.append(rng.permutation(idx))
        s0, b0 = s0 + k, b0 + size - k
    return out


def build_weak_sample(x: np.ndarray, labels: np.ndarray, fractions: list[float], seed: int,
                      size: int) -> WeakSample:
    """Mixtures of the rows of ``x`` at ``fractions``; the result carries no truth labels."""
    parts = mixture_indices(labels, fractions, seed, size)
    index = np.concatenate(parts)
    mixture = np.concatenate([np.full(len(p), i) for i, p in enumerate(parts)])
    fraction = np.asarray(fractions, dtype=np.float32)[mixture]
    return WeakSample(np.ascontiguousarray(x[index]), mixture, fraction)


def mixtures_of(x: np.ndarray, labels: np.ndarray, fractions: list[float], seed: int, mixture_fraction: float,
                where) -> WeakSample:
    """Mixtures of ``mixture_fraction`` x len(x) events each: the same size for every point of a scan."""
    size = int(round(mixture_fraction * len(x)))
    try:
        return build_weak_sample(x, labels, fractions, seed, size)
    except ValueError as err:
        raise ValueError(f"{where}: {err}; lower weak.mixture_fraction ({mixture_fraction})") from None
