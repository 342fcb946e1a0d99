"""Quark/gluon jets: image preprocessing invariants, labels from the hard process, the EnergyFlow loader."""

import awkward as ak
import numpy as np
import pytest

from hepml.core.download import Mirror, fetch, sha256sum
from hepml.jets.energyflow import convert_npz, from_padded
from hepml.jets.generation import generate_jet_shard
from hepml.jets.images import jet_images
from hepml.jets.observables import jet_observables
from hepml.jets.store import read_jets
from tests.helpers import default_config


def random_jets(n=50, seed=0):
    rng = np.random.default_rng(seed)
    counts = rng.integers(5, 40, n)
    m = counts.sum()
    # an elongated spray of particles around (y0, phi0)
    along, across = rng.normal(0, 0.12, m), rng.normal(0, 0.03, m)
    angle = np.repeat(rng.uniform(0, np.pi, n), counts)
    y = np.repeat(rng.uniform(-1, 1, n), counts) + along * np.cos(angle) - across * np.sin(angle)
    phi = np.repeat(rng.uniform(-2, 2, n), counts) + along * np.sin(angle) + across * np.cos(angle)
    pt = rng.exponential(10, m) + 0.5
    pid = rng.choice([211, -211, 22, 130], m)
    return ak.unflatten(ak.zip({"pt": pt, "y": y, "phi": phi, "pid": pid}), counts)


def rotate(c, angle):
    """Rotate every jet's particles by ``angle`` about its pT centroid in the (y, phi) plane."""
    w = c.pt / ak.sum(c.pt, axis=1)
    y0, p0 = ak.sum(w * c.y, axis=1), ak.sum(w * c.phi, axis=1)
    dy, dp = c.y - y0, c.phi - p0
    return ak.zip({"pt": c.pt, "y": y0 + np.cos(angle) * dy - np.sin(angle) * dp,
                   "phi": p0 + np.sin(angle) * dy + np.cos(angle) * dp, "pid": c.pid})


@pytest.mark.parametrize("angle", [0.3, 1.2, np.pi / 2, 2.5, np.pi])
def test_rotated_jet_gives_the_same_image(angle):
    c = random_jets()
    a = jet_images(c, channels=3)
    b = jet_images(rotate(c, angle), channels=3)
    # pixel boundaries can move a particle by one pixel through rounding; all but a tiny fraction agree
    assert np.abs(a - b).sum() / np.abs(a).sum() < 0.01


def test_images_have_unit_intensity_and_translate_with_the_jet():
    c = random_jets()
    images = jet_images(c)
    assert images.shape == (50, 1, 33, 33)
    assert np.allclose(images.sum(axis=(1, 2, 3)), 1.0, atol=1e-5)
    shifted = ak.zip({"pt": c.pt, "y": c.y + 0.7, "phi": c.phi - 1.1, "pid": c.pid})
    assert np.allclose(jet_images(shifted), images, atol=1e-6)


def test_single_particle_jet_lights_one_pixel():
    c = ak.Array([[{"pt": 100.0, "y": 0.3, "phi": 1.0, "pid": 211}]])
    image = jet_images(c)[0, 0]
    assert (image > 0).sum() == 1 and image[16, 16] == pytest.approx(1.0)
    uncentred = jet_images(c, steps=["normalize"], jet_y=[0.3], jet_phi=[1.0 - 0.1])[0, 0]
    assert (uncentred > 0).sum() == 1 and uncentred.argmax() // 33 == 16 + 4  # 0.1 / (0.8 / 33) = 4.1 pixels up


def test_a_pass_with_no_particle_inside_the_box_gives_empty_images():
    c = ak.Array([[{"pt": 100.0, "y": 1.3, "phi": 1.0, "pid": 211}]] * 3)
    images = jet_images(c, steps=["normalize"], jet_y=[0.0] * 3, jet_phi=[0.0] * 3, chunk=2)
    assert images.dtype == np.float32 and images.shape == (3, 1, 33, 33) and not images.any()


def test_three_channels_split_charged_and_neutral():
    c = ak.Array([[{"pt": 60.0, "y": 0.0, "phi": 0.0, "pid": 211}, {"pt": 40.0, "y": 0.0, "phi": 0.0, "pid": 22}]])
    image = jet_images(c, channels=3, steps=["center"])[0]
    assert image[0].sum() == pytest.approx(60) and image[1].sum() == pytest.approx(40) and image[2].sum() == 1


def test_observables_closed_form():
    jets = {"jet_pt": np.array([100.0]), "jet_y": np.array([0.0]), "jet_phi": np.array([0.0]), "jet_m": np.array([5.0]),
            "constituents": ak.Array([[{"pt": 60.0, "y": 0.1, "phi": 0.0, "pid": 211},
                                       {"pt": 40.0, "y": 0.0, "phi": -0.2, "pid": 22}]])}
    obs = jet_observables(jets)
    assert obs["multiplicity"][0] == 2
    assert obs["girth"][0] == pytest.approx((60 * 0.1 + 40 * 0.2) / 100)
    assert obs["ptd"][0] == pytest.approx(np.sqrt(60**2 + 40**2) / 100)


@pytest.mark.parametrize("flavour, label", [("quark", 1), ("gluon", 0)])
def test_label_comes_from_the_hard_process(tmp_path, flavour, label):
    out = tmp_path / f"{flavour}.root"
    record = generate_jet_shard(flavour, 0, 300, 5, default_config()["jets"]["generation"], out,
                                tmp_path / "record.json", progress=False)
    n = record["events_selected"]
    assert record["events_generated"] == 300 and record["variants"][0]["sigma_mb"] > 0
    jets = read_jets(out)
    assert n == len(jets["label"]) > 20 and np.all(jets["label"] == label)
    # the EnergyFlow sample's window (its datasets page, Zenodo 3164691): 500-550 GeV, |y| < 1.7
    assert default_config()["jets"]["generation"]["y_max"] == 1.7
    assert np.all((jets["jet_pt"] > 500) & (jets["jet_pt"] < 550) & (np.abs(jets["jet_y"]) < 1.7))
    total = ak.to_numpy(ak.sum(jets["constituents"].pt, axis=1))
    assert np.all(total >= 0.99 * jets["jet_pt"])  # scalar sum of constituents >= vector sum


def energyflow_npz(path, n=40, m=30, seed=0):
    """A file in the exact EnergyFlow layout: zero-padded (pt, y, phi, pid), labels 0/1."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, m, 4))
    counts = rng.integers(3, m, n)
    for i, k in enumerate(counts):
        x[i, :k, 0] = np.sort(rng.exponential(20, k))[::-1] + 1
        x[i, :k, 1] = rng.normal(0, 0.1, k)
        x[i, :k, 2] = rng.normal(1.0, 0.1, k)
        x[i, :k, 3] = rng.choice([211, 22, -321], k)
    y = rng.integers(0, 2, n).astype(float)
    np.savez(path, X=x, y=y)
    return x, y, counts


def test_energyflow_file_served_locally_downloads_and_converts(http_server, tmp_path):
    base, handler = http_server
    src = tmp_path / "made.npz"
    x, y, counts = energyflow_npz(src)
    handler.files["/files/QG_jets.npz"] = src.read_bytes()
    handler.drop_after["/files/QG_jets.npz"] = 500  # and the connection drops once
    dest = fetch([Mirror(f"{base}/files/QG_jets.npz")], tmp_path / "dl" / "QG_jets.npz", sha256sum(src),
                 backoff=0.01, progress=False)
    n = convert_npz([dest], tmp_path / "jets.root")
    jets = read_jets(tmp_path / "jets.root")
    assert n == 40 and np.array_equal(jets["label"], y.astype(int))
    assert np.array_equal(ak.to_numpy(ak.num(jets["constituents"])), counts)
    assert np.allclose(ak.to_numpy(jets["constituents"].pt[0]), x[0, : counts[0], 0], rtol=1e-6)
    assert np.all(jets["jet_pt"] > 0) and np.all(np.abs(jets["jet_phi"] - 1.0) < 0.3)


def test_energyflow_bad_file_is_named(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, X=np.zeros((3, 2, 4)), y=np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="bad.npz: labels must be 0"):
        convert_npz([bad], tmp_path / "j.root")
    with pytest.raises(ValueError, match="X has 2 jets but y has 3"):
        from_padded(np.zeros((2, 2, 4)), np.array([0, 1, 1]))


@pytest.mark.parametrize("flavours, allowed", [(3, {1, 2, 3}), (5, {1, 2, 3, 4, 5})])
def test_quark_jets_are_light_quarks_by_default(flavours, allowed):
    """The EnergyFlow sample has u, d, s quark jets only; quark_flavours: 3 (the default) matches it."""
    import awkward as ak

    from hepml.core.pythia import _capture_stdout, make_pythia
    from hepml.jets.generation import settings

    cfg = {**default_config()["jets"]["generation"], "quark_flavours": flavours}
    assert default_config()["jets"]["generation"]["quark_flavours"] == 3
    pythia = make_pythia(settings("quark", cfg) + ["HadronLevel:all = off"], 3)
    with _capture_stdout():
        batch = pythia.nextBatch(1500, "skip")
    prt = batch.prt
    outgoing = np.abs(ak.to_numpy(ak.flatten(prt.id[(prt.status == -23) & (abs(prt.id) <= 6)])))
    assert len(outgoing) > 1000 and set(np.unique(outgoing)) <= allowed
    assert flavours == 3 or {4, 5} <= set(outgoing)


def test_features_built_in_chunks_are_exactly_the_single_pass_result(tmp_path):
    """Images, observables and labels do not depend on how many jets are built at a time."""
    from hepml.core.atomic import load_npz
    from hepml.jets.features import make_features
    from hepml.jets.store import write_jets

    c = random_jets(230, seed=4)
    pt = ak.to_numpy(ak.sum(c.pt, axis=1))
    jets = {"label": np.arange(230) % 2, "jet_pt": pt, "jet_y": np.zeros(230), "jet_phi": np.zeros(230),
            "jet_m": pt / 10, "constituents": c}
    write_jets(tmp_path / "jets.root", jets)
    cfg = {"npix": 17, "half_width": 0.4, "channels": 3, "steps": ["center", "rotate", "flip", "normalize"]}
    make_features(tmp_path / "jets.root", tmp_path / "one.npz", cfg, chunk=10_000)
    make_features(tmp_path / "jets.root", tmp_path / "many.npz", cfg, chunk=7)
    one, many = load_npz(tmp_path / "one.npz"), load_npz(tmp_path / "many.npz", mmap=("images",))
    assert isinstance(many["images"], np.memmap) and many["images"].shape == (230, 3, 17, 17)
    assert all(np.array_equal(one[k], many[k]) for k in one)
    stored = read_jets(tmp_path / "jets.root")["constituents"]   # float32 in the store
    assert np.array_equal(one["images"], jet_images(stored, 17, 0.4, 3))
    assert np.array_equal(one["images"], jet_images(stored, 17, 0.4, 3, chunk=7))
    axis = dict(steps=("rotate", "normalize"), jet_y=np.full(230, 0.01), jet_phi=np.full(230, -0.02))
    assert np.array_equal(jet_images(stored, 17, 0.4, 1, **axis), jet_images(stored, 17, 0.4, 1, chunk=9, **axis))
    assert (tmp_path / "one.npz").read_bytes() == (tmp_path / "many.npz").read_bytes()


def test_images_put_the_principal_axis_vertical_and_the_heavier_halves_up_and_right():
    """Komiske et al.'s orientation. In the preprocessed coordinates of random jets: no pT-weighted
    x-v correlation, the larger spread along v, and the right and upper halves carrying at least the
    pT of their mirrors. In the images (rows are v, up = larger row index; columns x): the spread
    along the rows exceeds the spread along the columns, and a jet built by hand, turned and mirrored
    every way, shows its hardest particle (the long axis's heavier side) above the centre pixel."""
    from hepml.jets.images import preprocess_coordinates

    jets = random_jets(200, seed=3)
    counts = ak.to_numpy(ak.num(jets))
    jet = np.repeat(np.arange(len(counts)), counts)
    pt, y, phi = (ak.to_numpy(ak.flatten(jets[k])) for k in ("pt", "y", "phi"))
    x, v = preprocess_coordinates(pt, y, phi, jet, len(counts), ("center", "rotate", "flip"))
    moment = lambda w: np.bincount(jet, weights=pt * w, minlength=len(counts))  # noqa: E731
    assert np.allclose(moment(x * v), 0, atol=1e-9) and np.all(moment(v * v) > moment(x * x))
    assert np.all(moment(x > 0) >= moment(x < 0)) and np.all(moment(v > 0) >= moment(v < 0))

    images = jet_images(jets)[:, 0].astype(np.float64)
    offset = np.arange(33) - 16
    ratio = (images.sum(axis=2) @ offset**2) / (images.sum(axis=1) @ offset**2)
    assert np.all(ratio > 1) and np.median(ratio) > 5, (ratio.min(), np.median(ratio))
    pt3, along, across = np.array([60.0, 30.0, 10.0]), np.array([0.15, -0.10, -0.12]), np.array([0.03, -0.01, -0.02])
    for angle in (0.0, 0.7, 2.0, 3.5, 5.0):
        for mirror in (1, -1):
            yy = 0.4 + along * np.cos(angle) - mirror * across * np.sin(angle)
            ff = -1.0 + along * np.sin(angle) + mirror * across * np.cos(angle)
            hand = ak.Array([[{"pt": p, "y": a, "phi": b, "pid": 211} for p, a, b in zip(pt3, yy, ff)]])
            image = jet_images(hand)[0, 0]
            row, _ = np.unravel_index(np.argmax(image), image.shape)
            assert row > 16, (angle, mirror, row)
