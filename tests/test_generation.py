"""Physics tests of the offline generator: mass peaks where they belong, efficiencies, determinism."""

import numpy as np
import pytest

from hepml.generation.features import neutrino_pz
from hepml.generation.shards import generate_shard
from hepml.store import read_events

GEN = {"sqrt_s": 8000, "higgs": {"masses": {"H0": 425, "Hpm": 325, "h": 125}, "widths": {"H0": 1.0, "Hpm": 1.0}},
       "susy": {"slha": "config/susy_chargino.slha"}}
N_HIGGS = 3000


def peak(values, lo, hi, width):
    """Centre of the most populated bin of ``width`` in [lo, hi]."""
    h, edges = np.histogram(values, np.arange(lo, hi + width, width))
    return 0.5 * (edges[h.argmax()] + edges[h.argmax() + 1])


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gen")
    out = {}
    for dataset, n in (("higgs", N_HIGGS), ("susy", 1000)):
        for process in ("signal", "background"):
            path = tmp / f"{dataset}_{process}.root"
            n_sel = generate_shard(dataset, process, 0, n, 7, GEN, {}, path, progress=False)
            out[dataset, process] = (read_events(path), n_sel / n)
    return out


def test_higgs_signal_resonances(samples):
    d, _ = samples["higgs", "signal"]
    assert 95 <= peak(d["m_bb"], 50, 200, 10) <= 135          # h -> bb at 125 GeV (jets lose some energy)
    assert abs(np.median(d["m_wwbb"]) - 425) < 0.12 * 425     # H0
    assert abs(peak(d["m_wbb"], 150, 500, 20) - 325) < 0.15 * 325  # H+-
    assert np.all(d["label"] == 1)


def test_ttbar_background_resonances(samples):
    d, _ = samples["higgs", "background"]
    assert abs(peak(d["m_jjj"], 80, 400, 15) - 172.5) < 0.15 * 172.5   # hadronic top
    assert abs(peak(d["m_jlv"], 80, 400, 15) - 172.5) < 0.15 * 172.5   # leptonic top
    assert abs(peak(d["m_jj"], 20, 200, 8) - 80.4) < 0.15 * 80.4        # hadronic W
    assert np.all(d["label"] == 0)


def test_signal_and_background_differ_where_expected(samples):
    sig, _ = samples["higgs", "signal"]
    bkg, _ = samples["higgs", "background"]
    # the h -> bb peak is narrower than the combinatorial bb mass of ttbar
    in_window = lambda d: np.mean(np.abs(d["m_bb"] - 115) < 25)  # noqa: E731
    assert in_window(sig) > 1.5 * in_window(bkg)
    susy_s, _ = samples["susy", "signal"]
    susy_b, _ = samples["susy", "background"]
    assert np.median(susy_s["missing_energy_magnitude"]) > 1.5 * np.median(susy_b["missing_energy_magnitude"])
    assert np.all(susy_b["mt2"] >= 0) and np.median(susy_b["mt2"]) < 80.4  # MT2 endpoint near m_W for WW


@pytest.mark.parametrize("key, lo, hi", [
    (("higgs", "signal"), 0.12, 0.40), (("higgs", "background"), 0.10, 0.40),
    (("susy", "signal"), 0.40, 0.85), (("susy", "background"), 0.30, 0.75),
])
def test_selection_efficiency_in_documented_range(samples, key, lo, hi):
    assert lo <= samples[key][1] <= hi


def test_same_seed_same_events_bit_for_bit(tmp_path):
    a, b, c = tmp_path / "a.root", tmp_path / "b.root", tmp_path / "c.root"
    generate_shard("susy", "signal", 3, 200, 11, GEN, {}, a, progress=False)
    generate_shard("susy", "signal", 3, 200, 11, GEN, {}, b, progress=False)
    generate_shard("susy", "signal", 4, 200, 11, GEN, {}, c, progress=False)
    da, db, dc = read_events(a), read_events(b), read_events(c)
    assert all(np.array_equal(da[k], db[k]) for k in da)
    assert not np.array_equal(da["lepton1_pt"][:10], dc["lepton1_pt"][:10])


def test_neutrino_pz_restores_w_mass():
    rng = np.random.default_rng(0)
    n = 1000
    lep = rng.normal(0, 40, size=(n, 3))
    # neutrino with a pz chosen so that m(l nu) = 80.4: build it, then hide its pz
    nu_t = rng.normal(0, 40, size=(n, 2))
    el = np.linalg.norm(lep, axis=1)
    a = 0.5 * 80.4**2 + lep[:, 0] * nu_t[:, 0] + lep[:, 1] * nu_t[:, 1]
    pz = neutrino_pz(lep[:, 0], lep[:, 1], lep[:, 2], el, nu_t[:, 0], nu_t[:, 1])
    enu = np.sqrt(nu_t[:, 0] ** 2 + nu_t[:, 1] ** 2 + pz**2)
    m2 = (el + enu) ** 2 - (lep[:, 0] + nu_t[:, 0]) ** 2 - (lep[:, 1] + nu_t[:, 1]) ** 2 - (lep[:, 2] + pz) ** 2
    real = a**2 >= (lep[:, 0] ** 2 + lep[:, 1] ** 2) * (nu_t**2).sum(axis=1)
    assert real.sum() > 100
    assert np.allclose(np.sqrt(m2[real]), 80.4, rtol=1e-6)
