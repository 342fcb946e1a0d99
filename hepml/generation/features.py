"""UCI-layout features computed from reconstructed objects (GeV; angles in radians).

HIGGS-like (selection: exactly one lepton, >= 4 jets, >= 2 b-tagged jets):

* low level: the lepton, the missing pT, and the four leading jets (pT, eta, phi, b-tag 0/1);
* ``m_bb``: the two leading b-tagged jets; every other jet is a light-jet candidate;
* ``m_jj``: the light-jet pair with mass closest to m_W (hadronic W);
* ``m_jjj``: hadronic W plus the b jet that brings it closer to m_top; the other b jet
  goes to the leptonic top, ``m_jlv`` = lepton + neutrino + that b jet;
* ``m_lv``: lepton + neutrino, the neutrino pz from the W-mass constraint (smaller
  |pz| of the two solutions; the real part when there is none);
* ``m_wbb`` = hadronic W + both b jets; ``m_wwbb`` = both W + both b jets.

SUSY-like (selection: exactly two leptons): the low-level leptons and missing pT,
``met_rel`` (MET x sin dphi_min when dphi_min to a lepton or jet < pi/2), the axial MET
(minus the projection of MET on the dilepton pT), the razor ``m_r``, ``m_tr_2`` (M_T^R),
``r`` = M_T^R / M_R, ``mt2`` (massless invisibles) and super-razor-like variables
(Buckley et al., PRD 89 (2014) 055020): ``s_r`` (sqrt(s_R) estimate), ``m_delta_r``,
``dphi_r_b`` and ``cos_theta_r1``, whose exact construction is in
:func:`super_razor`.
"""

from __future__ import annotations

import awkward as ak
import numpy as np
import vector

from ..schema import HIGH_LEVEL, LABEL, LOW_LEVEL

M_W = 80.4
M_TOP = 172.5


def _np(a) -> np.ndarray:
    return np.asarray(ak.to_numpy(a), dtype=np.float64)


def neutrino_pz(lep_px, lep_py, lep_pz, lep_e, met_px, met_py, m_w: float = M_W) -> np.ndarray:
    """Neutrino pz from (lepton + neutrino).mass = m_w with a massless lepton and neutrino."""
    pt2 = lep_px**2 + lep_py**2
    a = 0.5 * m_w**2 + lep_px * met_px + lep_py * met_py
    disc = a**2 - pt2 * (met_px**2 + met_py**2)
    root = lep_e * np.sqrt(np.maximum(disc, 0.0))
    pz1 = (a * lep_pz + root) / pt2
    pz2 = (a * lep_pz - root) / pt2
    return np.where(np.abs(pz1) < np.abs(pz2), pz1, pz2)


def _p4(px, py, pz, e):
    return vector.array({"px": px, "py": py, "pz": pz, "E": e})


def _take(jets: ak.Array, index: ak.Array):
    """The jet at ``index`` (one per event) as a numpy Momentum4D array."""
    j = jets[ak.singletons(index)]
    j = ak.firsts(j)
    return _p4(_np(j.px), _np(j.py), _np(j.pz), _np(j.E))


def _cumulative_count(mask: ak.Array) -> ak.Array:
    """Per element: how many True values of its list come at or before it."""
    counts = ak.to_numpy(ak.num(mask))
    flat = ak.to_numpy(ak.flatten(mask)).astype(np.int64)
    csum = np.cumsum(flat)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    before = np.concatenate([[0], csum])[starts]
    return ak.unflatten(csum - np.repeat(before, counts), counts)


def higgs_features(reco: ak.Array) -> dict[str, np.ndarray]:
    """Select HIGGS-like events and compute the 21 + 7 UCI features."""
    nb = ak.sum(reco.btag, axis=1)
    sel = (ak.num(reco.leptons) == 1) & (ak.num(reco.jets) >= 4) & (nb >= 2)
    ev = reco[sel]
    jets, btag = ev.jets, ev.btag
    lep = ev.leptons[:, 0]
    met_px, met_py = _np(ev.met_px), _np(ev.met_py)
    out = {
        "lepton_pt": _np(lep.pt), "lepton_eta": _np(lep.eta), "lepton_phi": _np(lep.phi),
        "missing_energy_magnitude": np.hypot(met_px, met_py), "missing_energy_phi": np.arctan2(met_py, met_px),
    }
    for i in range(4):
        j = jets[:, i]
        out[f"jet{i + 1}_pt"], out[f"jet{i + 1}_eta"], out[f"jet{i + 1}_phi"] = _np(j.pt), _np(j.eta), _np(j.phi)
        out[f"jet{i + 1}_btag"] = _np(btag[:, i]).astype(np.float64)

    rank = _cumulative_count(btag)
    is_b = btag & (rank <= 2)
    index = ak.local_index(jets)
    b_index = index[is_b]
    b1, b2 = _take(jets, b_index[:, 0]), _take(jets, b_index[:, 1])
    light = jets[~is_b]
    pairs = ak.combinations(light, 2)
    mjj = (pairs["0"] + pairs["1"]).mass
    best = ak.argmin(abs(mjj - M_W), axis=1, keepdims=True)
    wpair = ak.firsts(pairs[best])
    w_had = _p4(_np(wpair["0"].px + wpair["1"].px), _np(wpair["0"].py + wpair["1"].py),
                _np(wpair["0"].pz + wpair["1"].pz), _np(wpair["0"].E + wpair["1"].E))

    lx, ly, lz, le = _np(lep.px), _np(lep.py), _np(lep.pz), _np(lep.E)
    nu_pz = neutrino_pz(lx, ly, lz, le, met_px, met_py)
    nu = _p4(met_px, met_py, nu_pz, np.sqrt(met_px**2 + met_py**2 + nu_pz**2))
    w_lep = _p4(lx, ly, lz, le) + nu

    top1, top2 = (w_had + b1).mass, (w_had + b2).mass
    first_is_hadronic = np.abs(top1 - M_TOP) <= np.abs(top2 - M_TOP)
    bb = b1 + b2
    out.update({
        "m_jj": w_had.mass,
        "m_jjj": np.where(first_is_hadronic, top1, top2),
        "m_lv": w_lep.mass,
        "m_jlv": np.where(first_is_hadronic, (w_lep + b2).mass, (w_lep + b1).mass),
        "m_bb": bb.mass,
        "m_wbb": (w_had + bb).mass,
        "m_wwbb": (w_had + w_lep + bb).mass,
    })
    return {k: np.asarray(out[k], dtype=np.float64) for k in LOW_LEVEL["higgs"] + HIGH_LEVEL["higgs"]}


def _dphi(a, b):
    return np.abs((a - b + np.pi) % (2 * np.pi) - np.pi)


def super_razor(l1, l2, met_px, met_py) -> dict[str, np.ndarray]:
    """Super-razor-like variables of two leptons and the missing pT.

    1. Boost along z into the frame L where the dilepton pz vanishes; there
       M_R = sqrt((E1 + E2)^2 - (pz1 + pz2)^2) is the dilepton energy.
    2. ``s_r``: sqrt(s_R) = sqrt(2 (M_R^2 + pT(ll).MET + M_R sqrt(M_R^2 + |pT(ll) + MET|^2))).
    3. Boost transversely by beta_R = (pT(ll) + MET) / sqrt(|pT(ll) + MET|^2 + s_R) into the
       frame R; ``dphi_r_b`` is the azimuthal angle between beta_R and the dilepton momentum in R.
    4. The leptons' relative boost in R, beta_R+1 = (p1 - p2) / (E1 + E2), gives
       ``m_delta_r`` = sqrt(s_R) / (2 gamma_R+1) and ``cos_theta_r1``, |cos| of the angle
       between lepton 1 in the R+1 frame and the beta_R+1 axis.
    """
    beta_l = (l1.pz + l2.pz) / (l1.E + l2.E)
    zero = np.zeros_like(beta_l)
    boost_l = vector.array({"x": zero, "y": zero, "z": -beta_l})
    a, b = l1.boost_beta3(boost_l), l2.boost_beta3(boost_l)
    m_r = a.E + b.E
    ll = a + b
    sx, sy = ll.px + met_px, ll.py + met_py
    dot = ll.px * met_px + ll.py * met_py
    s_r = np.sqrt(2 * np.maximum(m_r**2 + dot + m_r * np.sqrt(m_r**2 + sx**2 + sy**2), 0.0))
    norm = np.sqrt(sx**2 + sy**2 + s_r**2)
    boost_r = vector.array({"x": -sx / norm, "y": -sy / norm, "z": zero})
    ar, br = a.boost_beta3(boost_r), b.boost_beta3(boost_r)
    vis = ar + br
    dphi_r_b = _dphi(np.arctan2(sy, sx), np.arctan2(vis.py, vis.px))
    esum = ar.E + br.E
    beta_rel = vector.array({"x": (ar.px - br.px) / esum, "y": (ar.py - br.py) / esum, "z": (ar.pz - br.pz) / esum})
    beta_mag = np.clip(beta_rel.mag, 0.0, 1 - 1e-12)
    gamma = 1 / np.sqrt(1 - beta_mag**2)
    a1 = ar.boost_beta3(-beta_rel)
    axis = beta_rel.unit()
    cos_theta = np.abs((a1.px * axis.x + a1.py * axis.y + a1.pz * axis.z) / np.maximum(a1.p, 1e-12))
    return {"m_r": m_r, "s_r": s_r, "m_delta_r": s_r / (2 * gamma), "dphi_r_b": dphi_r_b,
            "cos_theta_r1": cos_theta}


def susy_features(reco: ak.Array) -> dict[str, np.ndarray]:
    """Select SUSY-like events and compute the 8 + 10 UCI features."""
    from mt2 import mt2

    ev = reco[ak.num(reco.leptons) == 2]
    l1r, l2r = ev.leptons[:, 0], ev.leptons[:, 1]
    l1 = _p4(_np(l1r.px), _np(l1r.py), _np(l1r.pz), _np(l1r.E))
    l2 = _p4(_np(l2r.px), _np(l2r.py), _np(l2r.pz), _np(l2r.E))
    mx, my = _np(ev.met_px), _np(ev.met_py)
    met, met_phi = np.hypot(mx, my), np.arctan2(my, mx)
    out = {"missing_energy_magnitude": met, "missing_energy_phi": met_phi}
    for i, l in ((1, l1), (2, l2)):
        out[f"lepton{i}_pt"], out[f"lepton{i}_eta"], out[f"lepton{i}_phi"] = l.pt, l.eta, l.phi

    jet_dphi = ak.min(abs((ev.jets.phi - ak.Array(met_phi) + np.pi) % (2 * np.pi) - np.pi), axis=1)
    jet_dphi = ak.to_numpy(ak.fill_none(jet_dphi, np.inf))
    dphi_min = np.minimum.reduce([_dphi(l1.phi, met_phi), _dphi(l2.phi, met_phi), jet_dphi])
    ll = l1 + l2
    out["met_rel"] = np.where(dphi_min < np.pi / 2, met * np.sin(dphi_min), met)
    out["axial_met"] = -met * np.cos(_dphi(ll.phi, met_phi))
    razor = super_razor(l1, l2, mx, my)
    m_tr = np.sqrt(np.maximum(0.5 * (met * (l1.pt + l2.pt) - (mx * ll.px + my * ll.py)), 0.0))
    out.update({"m_r": razor["m_r"], "m_tr_2": m_tr, "r": m_tr / razor["m_r"],
                "mt2": mt2(0.0, l1.px, l1.py, 0.0, l2.px, l2.py, mx, my, 0.0, 0.0),
                "s_r": razor["s_r"], "m_delta_r": razor["m_delta_r"], "dphi_r_b": razor["dphi_r_b"],
                "cos_theta_r1": razor["cos_theta_r1"]})
    return {k: np.asarray(out[k], dtype=np.float64) for k in LOW_LEVEL["susy"] + HIGH_LEVEL["susy"]}


FEATURES = {"higgs": higgs_features, "susy": susy_features}


def event_features(dataset: str, reco: ak.Array, label: int) -> dict[str, np.ndarray]:
    """Features of the selected events of ``dataset`` plus a constant ``label`` column."""
    cols = FEATURES[dataset](reco)
    n = len(next(iter(cols.values())))
    cols[LABEL] = np.full(n, label, dtype=np.int32)
    return cols
