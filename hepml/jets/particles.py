"""The particles of each jet as a fixed-size array, the input of a Particle Flow Network.

Per particle, hardest first: the pT fraction z = pT / sum(pT) and the rapidity and azimuth
relative to the jet's pT-weighted centroid (the ``center`` step of the jet images). Jets with
fewer than ``max_particles`` particles are padded with zero rows (z = 0 marks padding); in jets
with more, only the hardest ``max_particles`` are kept.
"""

from __future__ import annotations

import numpy as np

from .images import flat_constituents, preprocess_coordinates

MAX_PARTICLES = 96   # keeps every particle of all but the busiest gluon jets (docs/physics.md, "Quark/gluon jets")
FEATURES = ("z", "y_rel", "phi_rel")


def particle_arrays(constituents, max_particles: int = MAX_PARTICLES) -> np.ndarray:
    """(jets, max_particles, 3) float32 arrays of awkward ``constituents`` (pt, y, phi per particle)."""
    counts, pt, y, phi, _ = flat_constituents(constituents)
    n_jets = len(counts)
    jet = np.repeat(np.arange(n_jets), counts)
    y_rel, phi_rel = preprocess_coordinates(pt, y, phi, jet, n_jets, ("center",))
    total = np.bincount(jet, weights=pt, minlength=n_jets)
    z = pt / np.maximum(total, 1e-12)[jet]
    order = np.lexsort((-pt, jet))                      # by jet, then hardest first
    rank = np.arange(len(order)) - np.repeat(np.cumsum(counts) - counts, counts)
    keep = rank < max_particles
    out = np.zeros((n_jets, max_particles, len(FEATURES)), dtype=np.float32)
    out[jet[keep], rank[keep]] = np.stack([z, y_rel, phi_rel], axis=1)[order][keep]
    return out
