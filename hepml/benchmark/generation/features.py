"""UCI-layout features (GeV; angles in radians): the low-level columns from reconstructed objects,
the high-level ones computed from the stored low-level columns alone.

As in the paper's samples ("the last seven features are functions of the first 21", UCI), every
high-level feature is a function of the low-level columns *as stored* (rounded to float32), so
the low-level set carries all the information of the complete set: :func:`higgs_high_level` and
:func:`susy_high_level` take nothing but those columns. Objects are massless four-vectors built
from (pT, eta, phi).

HIGGS-like (selection: exactly one lepton, >= 4 jets, >= 2 of the four leading jets b-tagged at
the working point ``detector.btag.working_point``):

* low level: the lepton, the missing pT, and the four leading jets (pT, eta, phi and b-tag
  0 / 1 / 2 for untagged / loose / tight, the three levels of the UCI column);
* ``m_bb``: the b pair, the two of the four leading jets with the highest b-tag levels (the
  leading one on a tie); the other two are the W pair;
* ``m_jj``: the W pair (the hadronic W);
* ``m_lv``: lepton + neutrino, the neutrino pz from the W-mass constraint (smaller |pz| of the
  two solutions; the real part when there is none): the leptonic W;
* ``m_jjj``: hadronic W plus the b jet that brings it closer to m_top; the other b jet goes to
  the leptonic top, ``m_jlv`` = lepton + neutrino + that b jet;
* ``m_wbb``: the larger of m(hadronic W + bb) and m(leptonic W + bb). In the signal
  H0 -> W H+-, H+- -> W h, the W from the H+- decays to leptons in half the events. The other
  W (from the H0 decay) combined with the h gives, at parton level, a mass between 206 and
  277 GeV for the default masses (425, 325, 125 GeV): always below m(H+-). So the larger of the
  two is the H+- candidate whichever W decayed to leptons. The rule uses no truth and no signal
  mass, and is the same for signal and background;
* ``m_wwbb``: both W + both b jets.

SUSY-like (selection: exactly two leptons): the low-level leptons and missing pT, ``met_rel``
(MET x sin dphi_min when dphi_min, the smaller azimuthal distance to a lepton, is below pi/2),
the axial MET (minus the projection of MET on the dilepton pT), the razor ``m_r``, ``m_tr_2``
(M_T^R), ``r`` = M_T^R / M_R, ``mt2`` (massless invisibles) and the super-razor variables of
Buckley, Lykken, Rogan, Spiropulu, PRD 89 (2014) 055020, defined in :func:`super_razor`.
"""

from __future__ import annotations

import numpy as np
import vector

from ...core.datasets import get_dataset
from . import ragged
from .detector import WORKING_POINTS, Reco

M_W = 80.4
M_TOP = 172.5


def neutrino_pz(lep_px, lep_py, lep_pz, lep_e, met_px, met_py, m_w: float = M_W) -> np.ndarray:
    """Neutrino pz from (lepton + neutrino).mass = m_w with a massless lepton and neutrino."""
    pt2 = lep_px**2 + lep_py**2
    a = 0.5 * m_w**2 + lep_px * met_px + lep_py * met_py
    disc = a**2 - pt2 * (met_px**2 + met_py**2)
    root = lep_e * np.sqrt(np.maximum(disc, 0.0))
    pz1 = (a * lep_pz + root) / pt2
    pz2 = (a * lep_pz - root) / pt2
    return np.where(np.abs(pz1) < np.abs(pz2), pz1, pz2)


def p4(px, py, pz, e):
    """A numpy-backed ``vector`` four-momentum array."""
    return vector.array({"px": px, "py": py, "pz": pz, "E": e})


def _take(objects: ragged.Jagged, index: np.ndarray):
    """Four-momenta of the objects at the flat ``index`` (one per event)."""
    return p4(objects.px[index], objects.py[index], objects.pz[index], objects.e[index])


def _dphi(a, b):
    return np.abs((a - b + np.pi) % (2 * np.pi) - np.pi)


def stored(values) -> np.ndarray:
    """``values`` as the store keeps them (float32), back in float64 for the arithmetic."""
    return np.asarray(values, dtype=np.float32).astype(np.float64)


def massless(pt, eta, phi):
    """Massless four-momenta from (pT, eta, phi)."""
    return vector.array({"pt": pt, "eta": eta, "phi": phi, "mass": np.zeros_like(pt)})


def higgs_selection(reco: Reco, working_point: str) -> np.ndarray:
    """Per event: exactly one lepton, >= 4 jets, >= 2 of the four leading jets tagged at ``working_point``."""
    tagged = reco.jets.btag >= WORKING_POINTS[working_point]
    leading = ragged.local_index(reco.jets.counts) < 4
    event = ragged.event_index(reco.jets.counts)
    n_tagged = np.bincount(event[tagged & leading], minlength=reco.n_events)
    return (reco.leptons.counts == 1) & (reco.jets.counts >= 4) & (n_tagged >= 2)


def higgs_low_level(reco: Reco) -> dict[str, np.ndarray]:
    """The 21 low-level columns (rounded as stored) of events with one lepton and >= 4 jets."""
    jets, lep_objects = reco.jets, reco.leptons
    starts = ragged.offsets(jets.counts)[:-1]
    lep = _take(lep_objects, ragged.offsets(lep_objects.counts)[:-1])
    met_px, met_py = reco.met_px, reco.met_py
    out = {"lepton_pt": lep.pt, "lepton_eta": lep.eta, "lepton_phi": lep.phi,
           "missing_energy_magnitude": np.hypot(met_px, met_py), "missing_energy_phi": np.arctan2(met_py, met_px)}
    for i in range(4):
        j = _take(jets, starts + i)
        out[f"jet{i + 1}_pt"], out[f"jet{i + 1}_eta"], out[f"jet{i + 1}_phi"] = j.pt, j.eta, j.phi
        out[f"jet{i + 1}_btag"] = jets.btag[starts + i]
    return {k: stored(out[k]) for k in get_dataset("higgs").low_level}


def higgs_high_level(low: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The 7 high-level HIGGS features from the 21 low-level columns alone (see the module docstring)."""
    n = len(low["lepton_pt"])
    jets = [massless(low[f"jet{i}_pt"], low[f"jet{i}_eta"], low[f"jet{i}_phi"]) for i in range(1, 5)]
    btag = np.stack([low[f"jet{i}_btag"] for i in range(1, 5)], axis=1)
    # the b pair: highest tag levels, the leading jet first on a tie; the W pair: the other two
    order = np.argsort(-(btag * 8 - np.arange(4)), axis=1, kind="stable")
    comp = {c: np.stack([getattr(j, c) for j in jets], axis=1) for c in ("px", "py", "pz", "E")}
    rows = np.arange(n)

    def jet(k):
        return p4(*(comp[c][rows, order[:, k]] for c in ("px", "py", "pz", "E")))

    b1, b2, w_had = jet(0), jet(1), jet(2) + jet(3)
    lep = massless(low["lepton_pt"], low["lepton_eta"], low["lepton_phi"])
    met, met_phi = low["missing_energy_magnitude"], low["missing_energy_phi"]
    met_px, met_py = met * np.cos(met_phi), met * np.sin(met_phi)
    nu_pz = neutrino_pz(lep.px, lep.py, lep.pz, lep.E, met_px, met_py)
    w_lep = lep + p4(met_px, met_py, nu_pz, np.sqrt(met_px**2 + met_py**2 + nu_pz**2))

    top1, top2 = (w_had + b1).mass, (w_had + b2).mass
    first_is_hadronic = np.abs(top1 - M_TOP) <= np.abs(top2 - M_TOP)
    bb = b1 + b2
    out = {
        "m_jj": w_had.mass,
        "m_jjj": np.where(first_is_hadronic, top1, top2),
        "m_lv": w_lep.mass,
        "m_jlv": np.where(first_is_hadronic, (w_lep + b2).mass, (w_lep + b1).mass),
        "m_bb": bb.mass,
        "m_wbb": np.maximum((w_had + bb).mass, (w_lep + bb).mass),
        "m_wwbb": (w_had + w_lep + bb).mass,
    }
    return {k: np.asarray(out[k], dtype=np.float64) for k in get_dataset("higgs").high_level}


def higgs_features(reco: Reco) -> dict[str, np.ndarray]:
    """The 21 + 7 UCI features of events that pass :func:`higgs_selection` (``reco`` holds only those)."""
    low = higgs_low_level(reco)
    return low | higgs_high_level(low)


def super_razor_s(e_l: np.ndarray, p_x, p_y, big_px, big_py) -> np.ndarray:
    """s_R of Buckley et al.: the s for which the visible energy in the frame R is sqrt(s)/2.

    In the frame L (dilepton pz = 0) the dilepton has energy ``e_l`` and transverse momentum
    p = (p_x, p_y); P = p + MET = (big_px, big_py) and beta_R = P / sqrt(|P|^2 + s). Solving
    gamma_R (e_l - beta_R . p) = sqrt(s) / 2 for s gives
    s_R = 2 (E^2 - P.p + E sqrt(E^2 + |P|^2 - 2 P.p)).
    """
    dot = big_px * p_x + big_py * p_y
    return 2 * (e_l**2 - dot + e_l * np.sqrt(np.maximum(e_l**2 + big_px**2 + big_py**2 - 2 * dot, 0.0)))


def super_razor(l1, l2, met_px, met_py) -> dict[str, np.ndarray]:
    """Super-razor variables (Buckley, Lykken, Rogan, Spiropulu, PRD 89 (2014) 055020).

    1. Boost along z into the frame L where the dilepton pz vanishes; ``m_r`` is the dilepton
       energy there, sqrt((E1 + E2)^2 - (pz1 + pz2)^2).
    2. ``s_r`` = sqrt(s_R) (:func:`super_razor_s`), the estimate of the parents' invariant mass.
    3. Boost transversely by beta_R = P / sqrt(|P|^2 + s_R), P = pT(ll) + MET, into the frame R,
       where the visible energy is sqrt(s_R) / 2 by construction; ``dphi_r_b`` is the azimuthal
       angle between beta_R and the dilepton momentum in R.
    4. In R the leptons' relative velocity beta_R+1 = (p1 - p2) / (E1 + E2) boosts each lepton into
       its parent's frame; ``m_delta_r`` = sqrt(s_R) / (2 gamma_R+1) (endpoint
       (m_parent^2 - m_invisible^2) / m_parent) and ``cos_theta_r1`` is |cos| of the angle between
       lepton 1 in the frame R+1 and the beta_R+1 axis.
    """
    beta_l = (l1.pz + l2.pz) / (l1.E + l2.E)
    zero = np.zeros_like(beta_l)
    boost_l = vector.array({"x": zero, "y": zero, "z": -beta_l})
    a, b = l1.boost_beta3(boost_l), l2.boost_beta3(boost_l)
    ll = a + b
    m_r = ll.E
    big_px, big_py = ll.px + met_px, ll.py + met_py
    s_r = super_razor_s(m_r, ll.px, ll.py, big_px, big_py)
    norm = np.sqrt(big_px**2 + big_py**2 + s_r)
    boost_r = vector.array({"x": -big_px / norm, "y": -big_py / norm, "z": zero})
    ar, br = a.boost_beta3(boost_r), b.boost_beta3(boost_r)
    vis = ar + br
    dphi_r_b = _dphi(np.arctan2(big_py, big_px), np.arctan2(vis.py, vis.px))
    esum = ar.E + br.E
    beta_rel = vector.array({"x": (ar.px - br.px) / esum, "y": (ar.py - br.py) / esum, "z": (ar.pz - br.pz) / esum})
    beta_mag = np.clip(beta_rel.mag, 0.0, 1 - 1e-12)
    gamma = 1 / np.sqrt(1 - beta_mag**2)
    a1 = ar.boost_beta3(-beta_rel)
    axis = beta_rel.unit()
    cos_theta = np.abs((a1.px * axis.x + a1.py * axis.y + a1.pz * axis.z) / np.maximum(a1.p, 1e-12))
    sqrt_s = np.sqrt(s_r)
    return {"m_r": m_r, "s_r": sqrt_s, "m_delta_r": sqrt_s / (2 * gamma), "dphi_r_b": dphi_r_b,
            "cos_theta_r1": cos_theta}


def susy_selection(reco: Reco) -> np.ndarray:
    """Per event: exactly two leptons."""
    return reco.leptons.counts == 2


def susy_low_level(reco: Reco) -> dict[str, np.ndarray]:
    """The 8 low-level columns (rounded as stored) of events with two leptons."""
    starts = ragged.offsets(reco.leptons.counts)[:-1]
    mx, my = reco.met_px, reco.met_py
    out = {"missing_energy_magnitude": np.hypot(mx, my), "missing_energy_phi": np.arctan2(my, mx)}
    for i, k in ((1, 0), (2, 1)):
        lep = _take(reco.leptons, starts + k)
        out[f"lepton{i}_pt"], out[f"lepton{i}_eta"], out[f"lepton{i}_phi"] = lep.pt, lep.eta, lep.phi
    return {k: stored(out[k]) for k in get_dataset("susy").low_level}


def susy_high_level(low: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The 10 high-level SUSY features from the 8 low-level columns alone (see the module docstring)."""
    from mt2 import mt2

    l1 = massless(low["lepton1_pt"], low["lepton1_eta"], low["lepton1_phi"])
    l2 = massless(low["lepton2_pt"], low["lepton2_eta"], low["lepton2_phi"])
    met, met_phi = low["missing_energy_magnitude"], low["missing_energy_phi"]
    mx, my = met * np.cos(met_phi), met * np.sin(met_phi)
    dphi_min = np.minimum(_dphi(l1.phi, met_phi), _dphi(l2.phi, met_phi))
    ll = l1 + l2
    razor = super_razor(l1, l2, mx, my)
    m_tr = np.sqrt(np.maximum(0.5 * (met * (l1.pt + l2.pt) - (mx * ll.px + my * ll.py)), 0.0))
    out = {"met_rel": np.where(dphi_min < np.pi / 2, met * np.sin(dphi_min), met),
           "axial_met": -met * np.cos(_dphi(ll.phi, met_phi)),
           "m_r": razor["m_r"], "m_tr_2": m_tr, "r": m_tr / razor["m_r"],
           "mt2": mt2(0.0, l1.px, l1.py, 0.0, l2.px, l2.py, mx, my, 0.0, 0.0),
           "s_r": razor["s_r"], "m_delta_r": razor["m_delta_r"], "dphi_r_b": razor["dphi_r_b"],
           "cos_theta_r1": razor["cos_theta_r1"]}
    return {k: np.asarray(out[k], dtype=np.float64) for k in get_dataset("susy").high_level}


def susy_features(reco: Reco) -> dict[str, np.ndarray]:
    """The 8 + 10 UCI features of events that pass :func:`susy_selection` (``reco`` holds only those)."""
    low = susy_low_level(reco)
    return low | susy_high_level(low)
