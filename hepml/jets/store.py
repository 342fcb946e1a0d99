"""Jet files: hepml store files with one entry per jet.

Columns: ``label`` (1 quark, 0 gluon), ``jet_pt``, ``jet_y``, ``jet_phi``, ``jet_m`` and the
constituents as the jagged record ``c`` (ROOT branches ``nc``, ``c_pt``, ``c_y``, ``c_phi``,
``c_pid``), the EnergyFlow layout of (pT, y, phi, pdgid) per particle. Reading, writing, merging
and splitting are the generic store operations; in memory the constituents are ``constituents``.
"""

from __future__ import annotations

import os

import awkward as ak
import numpy as np

from ..core.store import read_events, write_events

JET_FIELDS = ("jet_pt", "jet_y", "jet_phi", "jet_m")
CONSTITUENT_FIELDS = ("pt", "y", "phi", "pid")


def store_columns(jets: dict) -> dict:
    """The store columns of an in-memory jet dict (``constituents`` become the record ``c``)."""
    data = {"label": np.asarray(jets["label"], dtype=np.int32)}
    data.update({k: np.asarray(jets[k], dtype=np.float64) for k in JET_FIELDS})
    data["c"] = ak.zip({f: jets["constituents"][f] for f in CONSTITUENT_FIELDS})
    return data


def write_jets(path: str | os.PathLike, jets: dict) -> None:
    """Write ``label``, the jet fields and ``constituents`` (awkward records) as a store file."""
    write_events(path, store_columns(jets))


def read_jets(path: str | os.PathLike) -> dict:
    """A jet file: numpy jet fields and label, awkward ``constituents`` (verified against its checksums)."""
    data = read_events(path, ["label", *JET_FIELDS, "c"])
    data["constituents"] = data.pop("c")
    return data


def concatenate(parts: list[dict]) -> dict:
    out = {k: np.concatenate([p[k] for p in parts]) for k in ("label", *JET_FIELDS)}
    out["constituents"] = ak.concatenate([p["constituents"] for p in parts])
    return out
