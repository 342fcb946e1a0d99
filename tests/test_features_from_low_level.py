"""Every high-level feature of the generated samples is a function of the stored low-level columns:
read back from the store, recomputed here from the float32 low-level columns alone by an
implementation written from the definitions (plain numpy, explicit Lorentz boosts, a bisection for
the super-razor condition; no call of hepml's feature code), equal within float32 rounding."""


import numpy as np
import pytest

from hepml.core.datasets import get_dataset
from hepml.benchmark.generation.shards import generate_shard
from hepml.core.store import read_store
from tests.helpers import default_config

CONFIG = default_config()
M_W, M_TOP = 80.4, 172.5
ULP = 2.0**-23          # float32 relative rounding (one unit in the last place)


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hl")
    out = {}
    for dataset, n in (("higgs", 1500), ("susy", 600)):
        parts = []
        for process in ("signal", "background"):
            path = tmp / f"{dataset}_{process}.root"
            generate_shard(dataset, process, 0, n, 11, CONFIG["generation"], CONFIG["detector"], path,
                           tmp / f"{dataset}_{process}.json", progress=False)
            parts.append(read_store(path))
        out[dataset] = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return out


def four(pt, eta, phi):
    """Massless (E, px, py, pz) from float32 (pt, eta, phi), in float64: shape (n, 4)."""
    pt, eta, phi = (np.asarray(v, np.float64) for v in (pt, eta, phi))
    return np.stack([pt * np.cosh(eta), pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)], axis=-1)


def mass(p):
    return np.sqrt(np.maximum(p[..., 0] ** 2 - np.sum(p[..., 1:] ** 2, axis=-1), 0.0))


def boost_into(p, beta):
    """``p`` (n, 4) seen from a frame moving with velocity ``beta`` (n, 3)."""
    b2 = np.sum(beta**2, axis=-1)
    gamma = 1 / np.sqrt(1 - b2)
    bp = np.sum(beta * p[:, 1:], axis=-1)
    e = gamma * (p[:, 0] - bp)
    coef = np.where(b2 > 0, (gamma - 1) * bp / np.where(b2 > 0, b2, 1), 0.0) - gamma * p[:, 0]
    return np.column_stack([e, p[:, 1:] + coef[:, None] * beta])


def assert_float32_equal(stored_values, expected, name):
    """The stored float32 equals the float64 value recomputed here, rounded, to one or two ulp."""
    got = np.asarray(stored_values, np.float64)
    want = np.asarray(expected, np.float64)
    tol = 2 * ULP * np.abs(want) + 1e-9
    bad = np.abs(got - want) > tol
    assert not bad.any(), f"{name}: {bad.sum()} of {len(got)} differ, e.g. {got[bad][:3]} vs {want[bad][:3]}"


def neutrino_pz(lep, met_x, met_y):
    """Solutions of (l + nu)^2 = m_W^2 for a massless neutrino with the measured pT, by the quadratic
    (E_l^2 - pz_l^2) pz^2 - 2 A pz_l pz + (E_l^2 pT_nu^2 - A^2) = 0, A = m_W^2 / 2 + pT_l . pT_nu;
    the smaller |pz| of two real roots, the real part of complex ones."""
    out = np.empty(len(lep))
    for i, (e, px, py, pz) in enumerate(lep):
        a = M_W**2 / 2 + px * met_x[i] + py * met_y[i]
        roots = np.roots([e * e - pz * pz, -2 * a * pz, e * e * (met_x[i] ** 2 + met_y[i] ** 2) - a * a])
        if np.iscomplexobj(roots) and np.any(np.abs(roots.imag) > 0):
            out[i] = roots[0].real
        else:
            roots = roots.real
            out[i] = roots[np.argmin(np.abs(roots))]
    return out


def test_higgs_high_level_features_are_functions_of_the_low_level_columns(stored):
    d = stored["higgs"]
    n = len(d["label"])
    assert n > 300 and set(np.unique(d["label"])) == {0, 1}
    jets = np.stack([four(d[f"jet{i}_pt"], d[f"jet{i}_eta"], d[f"jet{i}_phi"]) for i in range(1, 5)], axis=1)
    tags = np.stack([d[f"jet{i}_btag"] for i in range(1, 5)], axis=1)
    lep = four(d["lepton_pt"], d["lepton_eta"], d["lepton_phi"])
    met, phi = d["missing_energy_magnitude"].astype(np.float64), d["missing_energy_phi"].astype(np.float64)
    mx, my = met * np.cos(phi), met * np.sin(phi)
    nu_pz = neutrino_pz(lep, mx, my)
    nu = np.column_stack([np.sqrt(mx**2 + my**2 + nu_pz**2), mx, my, nu_pz])
    w_lep = lep + nu
    want = {k: np.empty(n) for k in get_dataset("higgs").high_level}
    for i in range(n):
        # b pair: the two highest tag levels among the four leading jets, the leading one on a tie
        order = sorted(range(4), key=lambda j: (-tags[i, j], j))
        b1, b2 = jets[i, order[0]], jets[i, order[1]]
        w_had = jets[i, order[2]] + jets[i, order[3]]
        t1, t2 = mass(w_had + b1), mass(w_had + b2)
        had_b, lep_b = (b1, b2) if abs(t1 - M_TOP) <= abs(t2 - M_TOP) else (b2, b1)
        want["m_jj"][i] = mass(w_had)
        want["m_jjj"][i] = mass(w_had + had_b)
        want["m_lv"][i] = mass(w_lep[i])
        want["m_jlv"][i] = mass(w_lep[i] + lep_b)
        want["m_bb"][i] = mass(b1 + b2)
        want["m_wbb"][i] = max(mass(w_had + b1 + b2), mass(w_lep[i] + b1 + b2))
        want["m_wwbb"][i] = mass(w_had + w_lep[i] + b1 + b2)
    for k in get_dataset("higgs").high_level:
        assert_float32_equal(d[k], want[k], k)
    # the b pair is tagged in every event: the selection asks for two tags among the four leading jets
    assert np.all(np.sort(tags, axis=1)[:, -2] >= 1)


def super_razor_from_definition(l1, l2, mx, my):
    """Buckley et al.: boost to L (dilepton pz = 0); sqrt(s_R) solves E_vis(R) = sqrt(s_R) / 2 where
    R moves with beta_R = P / sqrt(|P|^2 + s_R), P = pT(ll) + MET (bisection); then R+1 from the
    leptons' relative velocity in R."""
    ll = l1 + l2
    beta_l = np.column_stack([np.zeros(len(ll)), np.zeros(len(ll)), ll[:, 3] / ll[:, 0]])
    a, b = boost_into(l1, beta_l), boost_into(l2, beta_l)
    m_r = a[:, 0] + b[:, 0]
    big = np.column_stack([a[:, 1] + b[:, 1] + mx, a[:, 2] + b[:, 2] + my, np.zeros(len(ll))])

    def frame_r(root_s):
        beta = big / np.sqrt(np.sum(big**2, axis=1) + root_s**2)[:, None]
        return beta, boost_into(a, beta), boost_into(b, beta)

    lo, hi = np.full(len(ll), 1e-9), np.full(len(ll), 1e5)
    for _ in range(200):   # E_vis(R) - sqrt(s)/2 changes sign once between lo and hi
        mid = 0.5 * (lo + hi)
        _, ar, br = frame_r(mid)
        above = ar[:, 0] + br[:, 0] > mid / 2
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    root_s = 0.5 * (lo + hi)
    beta_r, ar, br = frame_r(root_s)
    vis = ar + br
    dphi = np.abs(np.angle(np.exp(1j * (np.arctan2(big[:, 1], big[:, 0]) - np.arctan2(vis[:, 2], vis[:, 1])))))
    beta_rel = (ar[:, 1:] - br[:, 1:]) / (ar[:, 0] + br[:, 0])[:, None]
    gamma_rel = 1 / np.sqrt(1 - np.sum(beta_rel**2, axis=1))
    a1 = boost_into(ar, beta_rel)
    axis = beta_rel / np.linalg.norm(beta_rel, axis=1)[:, None]
    cos = np.abs(np.sum(a1[:, 1:] * axis, axis=1) / np.linalg.norm(a1[:, 1:], axis=1))
    return {"m_r": m_r, "s_r": root_s, "m_delta_r": root_s / (2 * gamma_rel), "dphi_r_b": dphi, "cos_theta_r1": cos}


def test_susy_high_level_features_are_functions_of_the_low_level_columns(stored):
    from mt2 import mt2

    d = stored["susy"]
    n = len(d["label"])
    assert n > 300 and set(np.unique(d["label"])) == {0, 1}
    l1 = four(d["lepton1_pt"], d["lepton1_eta"], d["lepton1_phi"])
    l2 = four(d["lepton2_pt"], d["lepton2_eta"], d["lepton2_phi"])
    met, phi = d["missing_energy_magnitude"].astype(np.float64), d["missing_energy_phi"].astype(np.float64)
    mx, my = met * np.cos(phi), met * np.sin(phi)

    def dphi(x, y):
        return np.abs(np.angle(np.exp(1j * (x - y))))

    phi1, phi2 = np.arctan2(l1[:, 2], l1[:, 1]), np.arctan2(l2[:, 2], l2[:, 1])
    dmin = np.minimum(dphi(phi1, phi), dphi(phi2, phi))
    ll = l1 + l2
    pt1, pt2 = np.hypot(l1[:, 1], l1[:, 2]), np.hypot(l2[:, 1], l2[:, 2])
    m_tr = np.sqrt(0.5 * (met * (pt1 + pt2) - (mx * ll[:, 1] + my * ll[:, 2])))
    razor = super_razor_from_definition(l1, l2, mx, my)
    want = {"met_rel": np.where(dmin < np.pi / 2, met * np.sin(dmin), met),
            "axial_met": -met * np.cos(dphi(np.arctan2(ll[:, 2], ll[:, 1]), phi)),
            "m_tr_2": m_tr, "r": m_tr / razor["m_r"],
            "mt2": mt2(0.0, l1[:, 1], l1[:, 2], 0.0, l2[:, 1], l2[:, 2], mx, my, 0.0, 0.0), **razor}
    for k in get_dataset("susy").high_level:
        if k in ("s_r", "m_delta_r"):   # the bisection ends 1e-12 from the root: still far below float32
            assert_float32_equal(d[k], want[k], k)
        elif k in ("dphi_r_b", "cos_theta_r1", "axial_met"):   # angles and projections near zero
            assert np.allclose(d[k], want[k], rtol=2 * ULP, atol=1e-5), k
        else:
            assert_float32_equal(d[k], want[k], k)


def test_mt2_reference_agrees_with_a_brute_force_minimisation(stored):
    """The MT2 reference of the test (Lester's bisection, the mt2 package) against its definition:
    min over splittings q1 + q2 = MET of max(mT(l1, q1), mT(l2, q2)), on a grid refined three times."""
    from mt2 import mt2

    d = stored["susy"]
    for i in range(8):
        p1 = np.array([d["lepton1_pt"][i] * np.cos(d["lepton1_phi"][i]), d["lepton1_pt"][i] * np.sin(d["lepton1_phi"][i])], float)
        p2 = np.array([d["lepton2_pt"][i] * np.cos(d["lepton2_phi"][i]), d["lepton2_pt"][i] * np.sin(d["lepton2_phi"][i])], float)
        m = np.array([np.cos(d["missing_energy_phi"][i]), np.sin(d["missing_energy_phi"][i])]) * float(d["missing_energy_magnitude"][i])

        def mt(p, q):
            return np.sqrt(np.maximum(2 * (np.linalg.norm(p, axis=-1) * np.linalg.norm(q, axis=-1) - np.sum(p * q, axis=-1)), 0))

        center, span = m / 2, 2 * np.linalg.norm(m) + 200
        for _ in range(4):
            g = np.linspace(-span, span, 201)
            q1 = center + np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
            v = np.maximum(mt(p1, q1), mt(p2, m - q1))
            center, span = q1[np.argmin(v)], span / 20
        expected = float(mt2(0.0, p1[0], p1[1], 0.0, p2[0], p2[1], m[0], m[1], 0.0, 0.0))
        assert v.min() == pytest.approx(expected, rel=1e-3, abs=1e-3)


def test_low_level_columns_are_the_only_inputs(stored):
    """The store's feature columns are exactly the UCI layout: nothing else rides along."""
    for dataset in ("higgs", "susy"):
        assert set(stored[dataset]) == {"label", *get_dataset(dataset).low_level, *get_dataset(dataset).high_level}
