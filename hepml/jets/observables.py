"""Jet substructure observables used as baseline quark/gluon taggers."""

from __future__ import annotations

import awkward as ak
import numpy as np


def jet_observables(jets: dict) -> dict[str, np.ndarray]:
    """Constituent multiplicity, jet mass, girth (pT-weighted width) and pT_D of every jet."""
    c = jets["constituents"]
    pt_jet = jets["jet_pt"].astype(np.float64)
    dy = c.y - ak.Array(jets["jet_y"].astype(np.float64))
    dphi = (c.phi - ak.Array(jets["jet_phi"].astype(np.float64)) + np.pi) % (2 * np.pi) - np.pi
    dr = np.sqrt(dy**2 + dphi**2)
    sum_pt = ak.to_numpy(ak.sum(c.pt, axis=1)).astype(np.float64)
    return {
        "multiplicity": ak.to_numpy(ak.num(c)).astype(np.float64),
        "mass": jets["jet_m"].astype(np.float64),
        "girth": ak.to_numpy(ak.sum(c.pt * dr, axis=1)) / pt_jet,
        "ptd": np.sqrt(ak.to_numpy(ak.sum(c.pt**2, axis=1))) / np.maximum(sum_pt, 1e-12),
    }


OBSERVABLES = ("multiplicity", "mass", "girth", "ptd")
