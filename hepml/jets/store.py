"""Jet files: one row per jet in a ROOT TTree ``jets``, constituents as jagged branches.

Branches: ``label`` (1 quark, 0 gluon), ``jet_pt``, ``jet_y``, ``jet_phi``, ``jet_m`` and the
constituents ``c_pt``, ``c_y``, ``c_phi``, ``c_pid`` (with counter ``nc``), the EnergyFlow
layout of (pT, y, phi, pdgid) per particle.
"""

from __future__ import annotations

import os

import awkward as ak
import numpy as np
import uproot

from ..store import _compression, atomic_output

TREE = "jets"
JET_FIELDS = ("jet_pt", "jet_y", "jet_phi", "jet_m")
CONSTITUENT_FIELDS = ("pt", "y", "phi", "pid")


def write_jets(path: str | os.PathLike, jets: dict) -> None:
    """Write ``label``, the jet fields and ``constituents`` (awkward records) atomically."""
    c = jets["constituents"]
    data = {"label": np.asarray(jets["label"], dtype=np.int32)}
    data.update({k: np.asarray(jets[k], dtype=np.float32) for k in JET_FIELDS})
    for field in CONSTITUENT_FIELDS:
        data[f"c_{field}"] = ak.values_astype(c[field], np.int32 if field == "pid" else np.float32)
    with atomic_output(path) as tmp:
        with uproot.recreate(tmp, compression=_compression()) as f:
            f[TREE] = data


def read_jets(path: str | os.PathLike, entry_start=None, entry_stop=None) -> dict:
    """Read a jet file: numpy jet fields and label, awkward ``constituents``."""
    try:
        with uproot.open(path) as f:
            if TREE not in f:
                raise ValueError(f"{path}: no '{TREE}' tree (is this a hepml jet file?)")
            t = f[TREE]
            read = lambda name: t[name].array(entry_start=entry_start, entry_stop=entry_stop)  # noqa: E731
            out = {k: ak.to_numpy(read(k)) for k in ("label", *JET_FIELDS)}
            out["constituents"] = ak.zip({k: read(f"c_{k}") for k in CONSTITUENT_FIELDS})
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such jet file") from None
    return out


def n_jets(path) -> int:
    with uproot.open(path) as f:
        return f[TREE].num_entries


def concatenate(parts: list[dict]) -> dict:
    out = {k: np.concatenate([p[k] for p in parts]) for k in ("label", *JET_FIELDS)}
    out["constituents"] = ak.concatenate([p["constituents"] for p in parts])
    return out


def take(jets: dict, index: np.ndarray) -> dict:
    return {k: v[index] for k, v in jets.items()}


def merge_and_shuffle(inputs: list, output, seed: int) -> int:
    """Concatenate jet files and shuffle the jets with a fixed seed."""
    jets = concatenate([read_jets(p) for p in inputs])
    order = np.random.default_rng(seed).permutation(len(jets["label"]))
    write_jets(output, take(jets, order))
    return len(order)


def split_jets(source, outputs: dict, fractions: dict) -> dict:
    """Write train/val/test parts (fractions, in file order) of a jet file."""
    from ..splits import split_ranges

    ranges = split_ranges(n_jets(source), fractions)
    for part, (start, stop) in ranges.items():
        write_jets(outputs[part], read_jets(source, start, stop))
    return {p: b - a for p, (a, b) in ranges.items()}
