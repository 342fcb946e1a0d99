"""Run Pythia 8 and hand back final-state particles as awkward arrays (no per-particle Python)."""

from __future__ import annotations

import contextlib
import os
import sys

import awkward as ak
import numpy as np

INVISIBLE = (12, 14, 16, 1000022, 1000039)


@contextlib.contextmanager
def _quiet_stdout():
    """Silence Pythia's banner, which it prints from C++ straight to file descriptor 1."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def make_pythia(settings: list[str], seed: int):
    """An initialised ``pythia8mc.Pythia`` with ``settings`` and a fixed seed."""
    import pythia8mc

    with _quiet_stdout():
        pythia = pythia8mc.Pythia("", False)
        for line in [*settings, "Random:setSeed = on", f"Random:seed = {int(seed) % 900_000_000 + 1}"]:
            if not pythia.readString(line):
                raise ValueError(f"Pythia rejected the setting {line!r}")
        if not pythia.init():
            raise RuntimeError("Pythia initialisation failed; settings:\n  " + "\n  ".join(settings))
    return pythia


def _flavour_hadrons(prt, quark: int):
    """Hadrons (any status) containing the heavy quark ``quark`` (4 = c, 5 = b), by PDG id digits."""
    aid = abs(prt.id)
    has = (((aid // 100) % 10 == quark) | ((aid // 1000) % 10 == quark)) & (aid > 100)
    sel = prt[has]
    return ak.zip({"px": sel.p.px, "py": sel.p.py, "pz": sel.p.pz, "E": sel.p.e})


def slim(batch) -> ak.Array:
    """Final-state visible particles, invisible momentum and heavy-flavour hadrons of a batch."""
    prt = batch.prt
    final = prt[prt.status > 0]
    ids = final.id
    invisible = ak.unflatten(np.isin(np.abs(ak.to_numpy(ak.flatten(ids))), INVISIBLE), ak.num(ids))
    vis = final[~invisible]
    inv = final[invisible]
    return ak.zip({
        "particles": ak.zip({"px": vis.p.px, "py": vis.p.py, "pz": vis.p.pz, "E": vis.p.e, "id": vis.id}),
        "invisible_px": ak.sum(inv.p.px, axis=1), "invisible_py": ak.sum(inv.p.py, axis=1),
        "b_hadrons": _flavour_hadrons(prt, 5),
        "c_hadrons": _flavour_hadrons(prt, 4),
    }, depth_limit=1)


def generate(settings: list[str], n_events: int, seed: int, batch_size: int = 500):
    """Yield slimmed awkward batches until ``n_events`` events have been generated."""
    pythia = make_pythia(settings, seed)
    done = 0
    while done < n_events:
        n = min(batch_size, n_events - done)
        with _quiet_stdout():
            batch = pythia.nextBatch(n, "skip")
        done += n
        yield slim(batch)
