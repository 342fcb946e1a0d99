"""A parametric detector, configured like a Delphes card (all numbers in config).

From the generated final state it builds:

* **leptons**: electrons and muons with pT > ``lepton.pt_min``, |eta| < ``lepton.eta_max``,
  isolated (scalar pT sum of other visible particles within ``isolation_dr`` below
  ``isolation_max`` x pT), momentum smeared by a Gaussian of relative width ``lepton.resolution``;
* **jets**: anti-kT (FastJet) with radius ``jet.radius`` on all other visible particles with
  |eta| < ``jet.input_eta_max``; energy smeared by sigma/E = stochastic/sqrt(E/GeV) (+) constant;
  kept with pT > ``jet.pt_min`` and |eta| < ``jet.eta_max``;
* **b-tags**: a jet within ``btag.dr`` of a b hadron is a b jet (else c jet if near a c
  hadron, else light); it is tagged with probability ``btag.efficiency``, ``c_mistag``
  or ``light_mistag``;
* **missing transverse momentum**: minus the vector sum of the reconstructed leptons and jets.
"""

from __future__ import annotations

import awkward as ak
import fastjet
import numpy as np
import vector

vector.register_awkward()

DEFAULT = {
    "lepton": {"pt_min": 20.0, "eta_max": 2.5, "isolation_dr": 0.3, "isolation_max": 0.15, "resolution": 0.02},
    "jet": {"radius": 0.4, "pt_min": 20.0, "eta_max": 2.5, "input_eta_max": 4.9,
            "stochastic": 0.5, "constant": 0.05},
    "btag": {"dr": 0.3, "efficiency": 0.7, "c_mistag": 0.2, "light_mistag": 0.01},
}


def momenta(arr) -> ak.Array:
    """Momentum4D view of a record array with px, py, pz, E fields."""
    return ak.zip({"px": arr.px, "py": arr.py, "pz": arr.pz, "E": arr.E}, with_name="Momentum4D")


def _smear(p4: ak.Array, sigma: ak.Array, rng: np.random.Generator) -> ak.Array:
    """Scale every four-momentum by (1 + sigma * N(0, 1)), floored at zero."""
    counts = ak.num(p4)
    flat_sigma = ak.to_numpy(ak.flatten(sigma))
    factor = np.clip(1.0 + flat_sigma * rng.standard_normal(len(flat_sigma)), 0.0, None)
    factor = ak.unflatten(factor, counts)
    return ak.zip({"px": p4.px * factor, "py": p4.py * factor, "pz": p4.pz * factor, "E": p4.E * factor},
                  with_name="Momentum4D")


def isolated_lepton_mask(particles: ak.Array, cfg: dict) -> ak.Array:
    """Per-particle boolean: an electron or muon passing the pT, eta and isolation requirements."""
    p4 = momenta(particles)
    aid = abs(particles.id)
    candidate = ((aid == 11) | (aid == 13)) & (p4.pt > cfg["pt_min"]) & (abs(p4.eta) < cfg["eta_max"])
    cands = p4[candidate]
    pairs = ak.cartesian([cands, p4], nested=True)
    lep, other = ak.unzip(pairs)
    dr = lep.deltaR(other)
    cone = (dr < cfg["isolation_dr"]) & (dr > 1e-9)
    iso = ak.sum(ak.where(cone, other.pt, 0.0), axis=2)
    isolated = iso < cfg["isolation_max"] * cands.pt
    counts = ak.num(particles)
    offsets = np.concatenate([[0], np.cumsum(ak.to_numpy(counts))[:-1]])
    global_index = ak.flatten(ak.local_index(particles)[candidate] + offsets)
    mask = np.zeros(int(ak.sum(counts)), dtype=bool)
    mask[ak.to_numpy(global_index[ak.flatten(isolated)])] = True
    return ak.unflatten(mask, counts)


def _flavour(jets: ak.Array, hadrons: ak.Array, dr: float) -> ak.Array:
    """Per-jet boolean: a hadron of the collection lies within ``dr`` of the jet axis."""
    pairs = ak.cartesian([jets, momenta(hadrons)], nested=True)
    jet, had = ak.unzip(pairs)
    return ak.fill_none(ak.any(jet.deltaR(had) < dr, axis=2), False)


def reconstruct(events: ak.Array, cfg: dict, rng: np.random.Generator) -> ak.Array:
    """Reconstructed leptons, jets (with b-tags) and missing pT of generated events.

    Leptons and jets are pT-ordered Momentum4D lists; ``met_px``/``met_py`` per event.
    """
    lcfg, jcfg, bcfg = cfg["lepton"], cfg["jet"], cfg["btag"]
    particles = events.particles
    is_lepton = isolated_lepton_mask(particles, lcfg)
    p4 = momenta(particles)
    leptons = p4[is_lepton]
    leptons = _smear(leptons, ak.ones_like(leptons.px) * lcfg["resolution"], rng)

    inputs = p4[~is_lepton & (abs(p4.eta) < jcfg["input_eta_max"])]
    inputs = ak.zip({"px": inputs.px, "py": inputs.py, "pz": inputs.pz, "E": inputs.E})
    sequence = fastjet.ClusterSequence(inputs, fastjet.JetDefinition(fastjet.antikt_algorithm, jcfg["radius"]))
    jets = momenta(sequence.inclusive_jets(min_pt=0.5 * jcfg["pt_min"]))
    energy = np.maximum(jets.E, 1e-3)
    sigma = np.sqrt(jcfg["stochastic"] ** 2 / energy + jcfg["constant"] ** 2)
    jets = _smear(jets, sigma, rng)
    jets = jets[(jets.pt > jcfg["pt_min"]) & (abs(jets.eta) < jcfg["eta_max"])]
    jets = jets[ak.argsort(jets.pt, axis=1, ascending=False)]
    leptons = leptons[ak.argsort(leptons.pt, axis=1, ascending=False)]

    is_b = _flavour(jets, events.b_hadrons, bcfg["dr"])
    is_c = _flavour(jets, events.c_hadrons, bcfg["dr"]) & ~is_b
    prob = ak.where(is_b, bcfg["efficiency"], ak.where(is_c, bcfg["c_mistag"], bcfg["light_mistag"]))
    counts = ak.num(jets)
    draws = ak.unflatten(rng.random(int(ak.sum(counts))), counts)
    btag = draws < prob

    met_px = -(ak.sum(leptons.px, axis=1) + ak.sum(jets.px, axis=1))
    met_py = -(ak.sum(leptons.py, axis=1) + ak.sum(jets.py, axis=1))
    return ak.zip({"leptons": leptons, "jets": jets, "btag": btag, "met_px": met_px, "met_py": met_py},
                  depth_limit=1)
