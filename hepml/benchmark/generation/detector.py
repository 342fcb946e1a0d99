"""A parametric detector, configured like a Delphes card (``detector:`` in config, defaults in the schema).

From the generated final state it builds, vectorised over a whole batch of events:

* **leptons**: electrons and muons with pT > ``lepton.pt_min``, |eta| < ``lepton.eta_max``,
  isolated (scalar pT sum of the other visible particles within ``isolation_dr`` below
  ``isolation_max`` x pT), momentum smeared by a Gaussian of relative width ``lepton.resolution``;
* **jets**: anti-kT (FastJet) with radius ``jet.radius`` on all other visible particles with
  |eta| < ``jet.input_eta_max``; energy smeared by sigma/E = stochastic/sqrt(E/GeV) (+) constant;
  scaled by ``jet.energy_scale`` (a jet-energy-scale correction, like Delphes' JetEnergyScale;
  1 by default, as the response against particle jets is 1 within 1%: validation report);
  kept with pT > ``jet.pt_min`` and |eta| < ``jet.eta_max`` (after smearing);
* **particle jets**: anti-kT with the same radius on every visible final-state particle (no
  detector) with |eta| < ``jet.eta_max`` + 2 ``jet.radius`` (beyond it no particle reaches a jet
  that can match a reconstructed one); each reconstructed jet records the pT of the nearest particle jet
  within Delta R < ``PARTICLE_MATCH_DR`` (NaN if none), for the response and resolution of the
  validation report;
* **b-tags** at two working points: a jet within ``btag.dr`` of a b hadron is a b jet (else a c jet
  near a c hadron, else light). One uniform number per jet decides both tags, so the tight tag
  implies the loose one: the jet's tag is 2 (tight), 1 (loose only) or 0, with per-flavour
  efficiencies ``btag.tight`` and ``btag.loose``;
* **missing transverse momentum**: minus the vector sum of everything visible within the
  acceptance |eta| < ``jet.input_eta_max``: the selected leptons and jets at their smeared momenta,
  plus the soft term (every other visible particle in the acceptance), smeared per component by a
  Gaussian of width ``met.soft_stochastic`` x sqrt(scalar pT sum of the soft term / GeV) GeV.
"""

from __future__ import annotations

from dataclasses import dataclass

import awkward as ak
import fastjet
import numpy as np

from . import ragged
from ...core.pythia import GeneratedBatch, Particles

FLAVOURS = {"light": 0, "c": 4, "b": 5}
PARTICLE_MATCH_DR = 0.2
PARTICLE_JET_PT_MIN = 5.0
WORKING_POINTS = {"loose": 1, "tight": 2}


def pt_eta_phi(px, py, pz) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Transverse momentum, pseudorapidity (+-inf along the beam) and azimuth."""
    pt = np.hypot(px, py)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.arcsinh(np.where(pt > 0, pz / np.where(pt > 0, pt, 1.0), np.sign(pz) * np.inf))
    return pt, eta, np.arctan2(py, px)


def delta_r(eta1, phi1, eta2, phi2) -> np.ndarray:
    dphi = (phi1 - phi2 + np.pi) % (2 * np.pi) - np.pi
    return np.hypot(eta1 - eta2, dphi)


@dataclass
class Reco:
    """Reconstructed objects of a batch: pT-ordered leptons and jets, and the missing pT.

    ``leptons``: px, py, pz, e (smeared), pt_true, pid. ``jets``: px, py, pz, e (smeared),
    pt_true (the clustered jet before smearing), pt_particle (the matched particle jet),
    flavour (0, 4, 5), btag (0, 1, 2). ``met_true_*`` is the invisible momentum.
    """

    leptons: ragged.Jagged
    jets: ragged.Jagged
    met_px: np.ndarray
    met_py: np.ndarray
    met_true_px: np.ndarray
    met_true_py: np.ndarray

    @property
    def n_events(self) -> int:
        return len(self.met_px)


def isolated_lepton_mask(vis: Particles, cfg: dict) -> np.ndarray:
    """Flat boolean over visible particles: an electron or muon passing pT, eta and isolation."""
    pt, eta, phi = pt_eta_phi(vis.px, vis.py, vis.pz)
    aid = np.abs(vis.pid)
    candidate = ((aid == 11) | (aid == 13)) & (pt > cfg["pt_min"]) & (np.abs(eta) < cfg["eta_max"])
    cand_index = np.flatnonzero(candidate)
    cand_counts = np.bincount(ragged.event_index(vis.counts)[candidate], minlength=len(vis.counts))
    ic, ip = ragged.cross_pairs(cand_counts, vis.counts)
    c = cand_index[ic]
    in_cone = (delta_r(eta[c], phi[c], eta[ip], phi[ip]) < cfg["isolation_dr"]) & (ip != c)
    iso = np.bincount(ic[in_cone], weights=pt[ip[in_cone]], minlength=len(cand_index))
    mask = np.zeros(len(pt), dtype=bool)
    mask[cand_index[iso < cfg["isolation_max"] * pt[cand_index]]] = True
    return mask


def _smear(columns: dict, sigma: np.ndarray, normal: np.ndarray) -> dict:
    """Four-momenta scaled by (1 + sigma * z), z the given N(0, 1) numbers, floored at zero."""
    factor = np.clip(1.0 + sigma * normal, 0.0, None)
    return {k: columns[k] * factor for k in ("px", "py", "pz", "e")}


@dataclass(frozen=True)
class NominalPass:
    """What every detector card shares with the nominal one on a batch: the random numbers the
    nominal card drew, and what does not depend on a card's measurement numbers (the isolated
    leptons, the clustered jets before smearing, the particle jets). A variation of the card
    (``hepml.benchmark.generation.variations``) reruns only the measurement on the same events with
    the same numbers, so its events differ from the nominal ones by the card change alone."""

    is_lepton: np.ndarray         # per visible particle: an isolated lepton
    raw_jets: ragged.Jagged       # anti-kT jets of the other visible particles in the acceptance
    jet_of_input: np.ndarray      # per jet input: its jet (-1: none)
    particle_jets: ragged.Jagged
    lepton: np.ndarray            # N(0, 1) per isolated lepton
    jet: np.ndarray               # N(0, 1) per clustered jet (before the pT and eta cuts)
    btag: np.ndarray              # U(0, 1) per clustered jet; NaN where the nominal card kept no jet to tag
    soft_x: np.ndarray            # N(0, 1) per event, the soft term's x and y smearing
    soft_y: np.ndarray


def cluster_jets(inputs: Particles, radius: float, min_pt: float) -> tuple[ragged.Jagged, np.ndarray]:
    """Anti-kT jets (px, py, pz, e) of each event, and for every input particle the flat index of
    its jet (-1 when it is in no jet above ``min_pt``)."""
    arrays = ak.zip({k: ak.unflatten(getattr(inputs, k), inputs.counts) for k in ("px", "py", "pz")}
                    | {"E": ak.unflatten(inputs.e, inputs.counts)})
    sequence = fastjet.ClusterSequence(arrays, fastjet.JetDefinition(fastjet.antikt_algorithm, radius))
    jets = sequence.inclusive_jets(min_pt=min_pt)
    counts = ak.to_numpy(ak.num(jets.px))
    flat = {k: ak.to_numpy(ak.flatten(jets[f])).astype(np.float64)
            for k, f in (("px", "px"), ("py", "py"), ("pz", "pz"), ("e", "E"))}
    members = sequence.constituent_index(min_pt=min_pt)            # event -> jet -> input index
    per_jet = ak.num(members, axis=2)
    jet_of_member = np.repeat(np.arange(int(counts.sum())), ak.to_numpy(ak.flatten(per_jet)))
    event_of_member = np.repeat(np.arange(len(counts)), ak.to_numpy(ak.sum(per_jet, axis=1)))
    member = ak.to_numpy(ak.flatten(members, axis=None)) + ragged.offsets(inputs.counts)[event_of_member]
    jet_of_input = np.full(len(inputs.px), -1, dtype=np.int64)
    jet_of_input[member] = jet_of_member
    return ragged.Jagged(counts, **flat), jet_of_input


def _near(jets: ragged.Jagged, jet_eta, jet_phi, hadrons: Particles, dr: float) -> np.ndarray:
    """Per jet: a hadron of ``hadrons`` lies within ``dr`` of the jet axis."""
    _, h_eta, h_phi = pt_eta_phi(hadrons.px, hadrons.py, hadrons.pz)
    ij, ih = ragged.cross_pairs(jets.counts, hadrons.counts)
    close = delta_r(jet_eta[ij], jet_phi[ij], h_eta[ih], h_phi[ih]) < dr
    return np.bincount(ij[close], minlength=len(jet_eta)) > 0


def matched_particle_pt(jets: ragged.Jagged, particle: ragged.Jagged, dr: float = PARTICLE_MATCH_DR) -> np.ndarray:
    """Per jet of ``jets`` (with eta, phi columns): pT of the nearest jet of ``particle`` within ``dr``, else NaN."""
    p_pt, p_eta, p_phi = pt_eta_phi(particle.px, particle.py, particle.pz)
    ij, ip = ragged.cross_pairs(jets.counts, particle.counts)
    d = delta_r(jets.eta[ij], jets.phi[ij], p_eta[ip], p_phi[ip])
    best = ragged.argbest_per_event(d, ij, len(jets.eta))
    out = np.full(len(jets.eta), np.nan)
    has = best >= 0
    close = np.zeros(len(jets.eta), dtype=bool)
    close[has] = d[best[has]] < dr
    out[close] = p_pt[ip[best[close]]]
    return out


def btag_levels(flavour: np.ndarray, cfg: dict, rng: np.random.Generator | None, u: np.ndarray | None = None) -> np.ndarray:
    """0 (untagged), 1 (loose only) or 2 (tight) per jet, from one uniform number per jet (``u``, or
    drawn from ``rng``)."""
    u = rng.random(len(flavour)) if u is None else u
    levels = np.zeros(len(flavour), dtype=np.int64)
    for name, code in FLAVOURS.items():
        is_f = flavour == code
        levels[is_f & (u < cfg["loose"][name])] = 1
        levels[is_f & (u < cfg["tight"][name])] = 2
    return levels


def reconstruct(gen: GeneratedBatch, cfg: dict, rng: np.random.Generator) -> Reco:
    """Leptons, jets (with flavour and b-tag) and missing pT of a generated batch."""
    return reconstruct_card(gen, cfg, rng)[0]


def reconstruct_card(gen: GeneratedBatch, cfg: dict, rng: np.random.Generator,
                     shared: NominalPass | None = None) -> tuple[Reco, NominalPass]:
    """:func:`reconstruct`, and what it shares with other cards. Given the nominal card's pass, it
    reuses its objects and random numbers (``rng`` then draws only the b-tag numbers of jets the
    nominal card did not keep): the card may differ from the nominal one in resolutions, energy
    scale, b-tag efficiencies and the soft term (the config schema's ``systematics.sources`` keys),
    not in cuts or cone sizes, which the nominal pass has fixed."""
    lcfg, jcfg, bcfg = cfg["lepton"], cfg["jet"], cfg["btag"]
    vis = gen.visible
    n = len(vis.counts)
    event = ragged.event_index(vis.counts)
    pt, eta, _ = pt_eta_phi(vis.px, vis.py, vis.pz)
    in_acceptance = np.abs(eta) < jcfg["input_eta_max"]

    is_lepton = isolated_lepton_mask(vis, lcfg) if shared is None else shared.is_lepton
    lep = vis[is_lepton]
    lep_cols = {"px": lep.px, "py": lep.py, "pz": lep.pz, "e": lep.e}
    lepton_z = rng.standard_normal(len(lep.px)) if shared is None else shared.lepton
    lep_cols = _smear(lep_cols, np.full(len(lep.px), lcfg["resolution"]), lepton_z)
    leptons = ragged.Jagged(lep.counts, **lep_cols, pt_true=np.hypot(lep.px, lep.py), pid=lep.pid)
    leptons = leptons.reorder(ragged.sort_within_events(leptons.counts, np.hypot(leptons.px, leptons.py)))

    jet_input_mask = ~is_lepton & in_acceptance
    if shared is None:
        raw, jet_of_input = cluster_jets(vis[jet_input_mask], jcfg["radius"], 0.5 * jcfg["pt_min"])
    else:
        raw, jet_of_input = shared.raw_jets, shared.jet_of_input
    energy = np.maximum(raw.e, 1e-3)
    sigma = np.sqrt(jcfg["stochastic"] ** 2 / energy + jcfg["constant"] ** 2)
    jet_z = rng.standard_normal(len(raw.px)) if shared is None else shared.jet
    smeared = {k: v * jcfg["energy_scale"] for k, v in _smear(raw.columns, sigma, jet_z).items()}
    s_pt, s_eta, s_phi = pt_eta_phi(smeared["px"], smeared["py"], smeared["pz"])
    keep = (s_pt > jcfg["pt_min"]) & (np.abs(s_eta) < jcfg["eta_max"])
    jets = ragged.Jagged(raw.counts, **smeared, pt_true=np.hypot(raw.px, raw.py), px_true=raw.px,
                         py_true=raw.py, eta=s_eta, phi=s_phi, raw_index=np.arange(len(raw.px))).select(keep)
    jets = jets.reorder(ragged.sort_within_events(jets.counts, np.hypot(jets.px, jets.py)))
    is_b = _near(jets, jets.eta, jets.phi, gen.b_hadrons, bcfg["dr"])
    is_c = _near(jets, jets.eta, jets.phi, gen.c_hadrons, bcfg["dr"]) & ~is_b
    flavour = np.where(is_b, FLAVOURS["b"], np.where(is_c, FLAVOURS["c"], FLAVOURS["light"]))
    if shared is None:
        u = rng.random(len(flavour))
        btag_u = np.full(len(raw.px), np.nan)
        btag_u[jets.raw_index] = u
    else:
        btag_u = shared.btag.copy()
        u = btag_u[jets.raw_index]
        fresh = np.isnan(u)
        u[fresh] = rng.random(int(fresh.sum()))
    jets.columns.update(flavour=flavour, btag=btag_levels(flavour, bcfg, None, u))
    if shared is None:
        particle_jets, _ = cluster_jets(vis[np.abs(eta) < jcfg["eta_max"] + 2 * jcfg["radius"]], jcfg["radius"],
                                        PARTICLE_JET_PT_MIN)
    else:
        particle_jets = shared.particle_jets
    jets.columns["pt_particle"] = matched_particle_pt(jets, particle_jets)

    # soft term: visible particles in the acceptance that are neither selected leptons nor in a kept jet
    in_kept_jet = np.zeros(len(vis.px), dtype=bool)
    inputs_index = np.flatnonzero(jet_input_mask)
    has_jet = jet_of_input >= 0
    in_kept_jet[inputs_index[has_jet]] = keep[jet_of_input[has_jet]]
    soft = in_acceptance & ~is_lepton & ~in_kept_jet
    soft_px = ragged.segment_sum(vis.px[soft], event[soft], n)
    soft_py = ragged.segment_sum(vis.py[soft], event[soft], n)
    soft_sigma = cfg["met"]["soft_stochastic"] * np.sqrt(ragged.segment_sum(pt[soft], event[soft], n))
    soft_x = rng.standard_normal(n) if shared is None else shared.soft_x
    soft_y = rng.standard_normal(n) if shared is None else shared.soft_y
    soft_px = soft_px + soft_sigma * soft_x
    soft_py = soft_py + soft_sigma * soft_y
    lep_event, jet_event = ragged.event_index(leptons.counts), ragged.event_index(jets.counts)
    met_px = -(ragged.segment_sum(leptons.px, lep_event, n) + ragged.segment_sum(jets.px, jet_event, n) + soft_px)
    met_py = -(ragged.segment_sum(leptons.py, lep_event, n) + ragged.segment_sum(jets.py, jet_event, n) + soft_py)
    if shared is None:
        shared = NominalPass(is_lepton, raw, jet_of_input, particle_jets, lepton_z, jet_z, btag_u, soft_x, soft_y)
    return Reco(leptons, jets, met_px, met_py, gen.invisible_px, gen.invisible_py), shared
