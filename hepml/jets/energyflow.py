"""The public EnergyFlow quark/gluon jets (Zenodo record 3164691, Pythia 8, no c/b quark jets).

Each file holds ``X``: (100000, max particles, 4) zero-padded (pT, y, phi, pdgid) per particle,
and ``y``: 1 for quark, 0 for gluon jets. :func:`convert_npz` turns such files into a hepml
jet file; the jet four-momentum is the sum of the constituents taken as massless.
"""

from __future__ import annotations

import awkward as ak
import numpy as np
import vector

from ..core.store import StoreWriter
from .store import store_columns

ZENODO = "https://zenodo.org/record/3164691/files/{}?download=1"
# (file name, SHA-256) of the 20 files of 100k jets, in order.
FILES = [
    ("QG_jets.npz", "3f27a02eab06e8b83ccc9d25638021e6e24c9361341730961f9d560dee12c257"),
    ("QG_jets_1.npz", "648e49cd59b5353e0064e7b1a3388d9c2f4a454d3ca67afaa8d0344c836ecb35"),
    ("QG_jets_2.npz", "09f7b16fa7edb312c0f652bb8504de45f082c4193df65204d693155017272fe9"),
    ("QG_jets_3.npz", "7dc9a50bb38e9f6fc1f11db18f9bd04f72823c944851746b848dee0bba808537"),
    ("QG_jets_4.npz", "3e6217aad8e0502f5ce3b6371c61396dfc48a6cf4f26ee377cc7b991b1d2b543"),
    ("QG_jets_5.npz", "b5b7d742b2599bcbe1d7a639895bca64c28da513dc3620b0e5bbb5801f8c88fd"),
    ("QG_jets_6.npz", "7d31bc48c15983401e0dbe8fd5ee938c3809d9ee3c909f4adab6daf8b73c14f1"),
    ("QG_jets_7.npz", "cec0d7b2afa9d955543c597f9b7f3b3767812a68b2401ec870caf3a2ceb98401"),
    ("QG_jets_8.npz", "e984620f57abe06fc5d0b063f9f84ba54bd3e8c295d2b2419a7b1c6175079ed4"),
    ("QG_jets_9.npz", "6e3b69196995d6eb3b8e7af874e2b9f93d904624f7a7a73b8ff39f151e3bd189"),
    ("QG_jets_10.npz", "fa3d386f230b806058ff17e5bd77326ff4bf01d72aa5eb3325c1df2a8825927c"),
    ("QG_jets_11.npz", "acd49ab7bea8f72ecf699a9a898bccacc8730474259d68406656a5a43d407fb0"),
    ("QG_jets_12.npz", "2edd55b8bc30c686a0637855e1ba068586eb97041e8114d5540d96db2a7a2e17"),
    ("QG_jets_13.npz", "7276a8a0e573f9795a47f9d5addc10d2af903c2a0ffa5c848a720ccae93daa90"),
    ("QG_jets_14.npz", "2068ecfa912e94cd3ce7273b7c77af0bbd5ec57940997e7483b56f03434a6869"),
    ("QG_jets_15.npz", "41a732ce6321dd593214225b03fb87329607ccae768c705e3896ffecc28bfcca"),
    ("QG_jets_16.npz", "9d68caeb18f3ccf127b9032f52e63ee011c4381293a3a503f894e5c0741ae215"),
    ("QG_jets_17.npz", "086053ca611bb04d97fa0b6509b4ffb6955421b067c7b277498f0e5188879331"),
    ("QG_jets_18.npz", "cdc595f5fedef7db9411a9f93f2786f110073b4d17a523700f625846588b1e44"),
    ("QG_jets_19.npz", "d07781139320ae134ce4824bc0cefa43fd5003cd97cdf3aed90d4fb12fad8a1d"),
]


def from_padded(x: np.ndarray, y: np.ndarray, path: str = "<input>") -> dict:
    """A jet dict from zero-padded (n, m, 4) particles and labels."""
    if x.ndim != 3 or x.shape[2] < 4:
        raise ValueError(f"{path}: X must have shape (jets, particles, 4), got {x.shape}")
    if len(x) != len(y):
        raise ValueError(f"{path}: X has {len(x)} jets but y has {len(y)} labels")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"{path}: labels must be 0 (gluon) or 1 (quark)")
    real = x[:, :, 0] > 0
    counts = real.sum(axis=1)
    flat = x[real]
    c = ak.unflatten(ak.zip({"pt": flat[:, 0], "y": flat[:, 1], "phi": flat[:, 2],
                             "pid": flat[:, 3].astype(np.int32)}), counts)
    p4 = vector.zip({"pt": c.pt, "eta": c.y, "phi": c.phi, "mass": c.pt * 0.0})  # massless: y = eta
    jet = ak.zip({"px": ak.sum(p4.px, axis=1), "py": ak.sum(p4.py, axis=1), "pz": ak.sum(p4.pz, axis=1),
                  "E": ak.sum(p4.E, axis=1)}, with_name="Momentum4D")
    return {"label": y.astype(np.int32), "jet_pt": ak.to_numpy(jet.pt), "jet_y": ak.to_numpy(jet.rapidity),
            "jet_phi": ak.to_numpy(jet.phi), "jet_m": ak.to_numpy(jet.mass), "constituents": c}


def convert_npz(paths: list[str], output: str, max_jets: int | None = None) -> int:
    """Convert EnergyFlow .npz files into one hepml jet file, one file in memory at a time; return
    the number of jets."""
    n = 0
    with StoreWriter(output) as writer:
        for path in paths:
            try:
                with np.load(path) as f:
                    x, y = f["X"], f["y"]
            except KeyError as err:
                raise ValueError(f"{path}: not an EnergyFlow quark/gluon file (missing {err})") from None
            if max_jets is not None:
                x, y = x[: max_jets - n], y[: max_jets - n]
            writer.extend(store_columns(from_padded(x, y, path)))
            n += len(y)
            if max_jets is not None and n >= max_jets:
                break
    return n
