"""Z(-> nu nu) + jet with Pythia 8 and FastJet: the leading jet in a pT window, its constituents.

Quark jets come from q g -> Z q, gluon jets from q q~ -> Z g (``WeakBosonAndParton``); the
label is read from the outgoing parton of the hard process (status -23 after showering). With
``quark_flavours: 3`` (the default) only u, d, s quarks enter the hard process
(``PDFinProcess:nQuarkIn``), so quark jets are light-quark jets as in the EnergyFlow sample.
Jets: anti-kT R = 0.4 on all visible final-state particles; the leading jet is kept when
``pt_min`` < pT < ``pt_max`` and |y| < ``y_max``. Multiple interactions are off by default
(``mpi``; the EnergyFlow sample has them on). ``parameters`` set real-valued Pythia parameters
away from their defaults: the mis-modelled "data" of ``hepml.weak.mismodelling``.
"""

from __future__ import annotations

import os

import awkward as ak
import fastjet
import numpy as np
import vector
from tqdm.auto import tqdm

from ..core.atomic import write_json
from ..core.pythia import INVISIBLE, _capture_stdout, make_pythia, run_record, shard_seed
from .store import concatenate, write_jets

vector.register_awkward()

PROCESS = {"quark": "qg2gmZq", "gluon": "qqbar2gmZg"}


def settings(flavour: str, cfg: dict) -> list[str]:
    """Pythia settings of Z(-> nu nu) + one parton of ``flavour``."""
    return [f"Beams:eCM = {float(cfg['sqrt_s'])}", f"WeakBosonAndParton:{PROCESS[flavour]} = on",
            "WeakZ0:gmZmode = 2", "23:onMode = off", "23:onIfAny = 12 14 16",
            f"PhaseSpace:pTHatMin = {float(cfg['pthat_min'])}", f"PhaseSpace:pTHatMax = {float(cfg['pthat_max'])}",
            f"PDFinProcess:nQuarkIn = {int(cfg['quark_flavours'])}",
            f"PartonLevel:MPI = {'on' if cfg['mpi'] else 'off'}"]


def hard_parton_label(prt) -> np.ndarray:
    """1 when the outgoing hard-process parton is a quark, 0 for a gluon (one per event)."""
    outgoing = prt[(prt.status == -23) & ((abs(prt.id) <= 6) | (prt.id == 21))]
    ids = ak.to_numpy(ak.firsts(outgoing.id))
    return (np.abs(ids) <= 6).astype(np.int32)


def leading_jets(batch, cfg: dict) -> dict:
    """The leading jet of every event of a Pythia batch, with its constituents, if it passes the cuts."""
    prt = batch.prt
    final = prt[prt.status > 0]
    flat_ids = np.abs(ak.to_numpy(ak.flatten(final.id)))
    visible = final[ak.unflatten(~np.isin(flat_ids, INVISIBLE), ak.num(final.id))]
    inputs = ak.zip({"px": visible.p.px, "py": visible.p.py, "pz": visible.p.pz, "E": visible.p.e,
                     "pid": visible.id}, with_name="Momentum4D")
    sequence = fastjet.ClusterSequence(inputs[["px", "py", "pz", "E"]],
                                       fastjet.JetDefinition(fastjet.antikt_algorithm, cfg["radius"]))
    jets = sequence.inclusive_jets(min_pt=0.5 * cfg["pt_min"])
    order = ak.argsort(jets.pt, axis=1, ascending=False)
    lead_index = ak.firsts(order)
    has_jet = ~ak.is_none(lead_index)
    jets4 = ak.zip({"px": jets.px, "py": jets.py, "pz": jets.pz, "E": jets.E}, with_name="Momentum4D")
    lead = ak.firsts(jets4[ak.singletons(lead_index)])
    pt = ak.to_numpy(ak.fill_none(lead.pt, 0.0))
    rap = ak.to_numpy(ak.fill_none(lead.rapidity, 99.0))
    keep = ak.to_numpy(has_jet) & (pt > cfg["pt_min"]) & (pt < cfg["pt_max"]) & (np.abs(rap) < cfg["y_max"])
    idx = np.flatnonzero(keep)
    # constituents of the leading jet: indices into the clustering input
    constituent_index = sequence.constituent_index(min_pt=0.5 * cfg["pt_min"])
    lead_constituents = ak.fill_none(ak.firsts(constituent_index[ak.singletons(lead_index)])[idx], [], axis=0)
    parts = inputs[idx][lead_constituents]
    lead = lead[idx]
    phi = parts.phi
    dphi = (phi - lead.phi + np.pi) % (2 * np.pi) - np.pi      # no phi wrap-around inside a jet
    constituents = ak.zip({"pt": parts.pt, "y": parts.rapidity, "phi": lead.phi + dphi, "pid": parts.pid})
    constituents = constituents[ak.argsort(constituents.pt, axis=1, ascending=False)]
    return {"label": hard_parton_label(prt)[idx],
            "jet_pt": ak.to_numpy(lead.pt), "jet_y": ak.to_numpy(lead.rapidity),
            "jet_phi": ak.to_numpy(lead.phi), "jet_m": ak.to_numpy(lead.mass),
            "constituents": constituents}


def generate_jet_shard(flavour: str, shard: int, n_events: int, base_seed: int, cfg: dict,
                       output: str | os.PathLike, record: str | os.PathLike,
                       batch_size: int = 1000, progress: bool = True) -> dict:
    """Generate ``n_events`` events of one flavour; write the selected leading jets and the
    generation record; return the record."""
    seed = shard_seed(base_seed, f"qg/{flavour}", shard)
    pythia = make_pythia(settings(flavour, cfg), seed, cfg["parameters"])
    parts, done = [], 0
    bar = tqdm(total=n_events, desc=f"{flavour} jets", unit="ev", disable=not progress, mininterval=2)
    while done < n_events:
        n = min(batch_size, n_events - done)
        with _capture_stdout():
            batch = pythia.nextBatch(n, "skip")
        parts.append(leading_jets(batch, cfg))
        done += len(batch)
        bar.update(n)
    bar.close()
    jets = concatenate(parts)
    selected = len(jets["label"])
    if selected == 0:
        raise RuntimeError(f"{output}: no jet of {n_events} events passed the jet selection; generate more "
                           "(config key jets.generation.events_per_shard)")
    write_jets(output, jets)
    run = run_record(pythia, seed, done)
    out = {"dataset": "qg", "process": flavour, "shard": shard, "parameters": cfg["parameters"], "variants": [run],
           "events_generated": done,
           "events_selected": selected, "efficiency": selected / done, "sigma_mb": run["sigma_mb"],
           "sigma_err_mb": run["sigma_err_mb"]}
    write_json(record, out)
    return out
