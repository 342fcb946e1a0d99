"""Jet images per second: hepml's vectorised builder against a per-jet Python loop, same jets.

    python benchmarks/bench_images.py --jets 5000
"""

from __future__ import annotations

import argparse
import time

import awkward as ak
import numpy as np

from hepml.jets.images import jet_images


def per_jet_loop(constituents, npix=33, half_width=0.4):
    """The straightforward implementation: one jet at a time, numpy inside the loop."""
    out = np.zeros((len(constituents), 1, npix, npix), dtype=np.float32)
    for i, jet in enumerate(ak.to_list(constituents)):
        pt = np.array([p["pt"] for p in jet])
        y = np.array([p["y"] for p in jet])
        phi = np.array([p["phi"] for p in jet])
        y = y - np.average(y, weights=pt)
        phi = phi - np.average(phi, weights=pt)
        cov = np.cov(np.vstack([y, phi]), aweights=pt, bias=True)
        theta = 0.5 * np.arctan2(2 * cov[0, 1], cov[0, 0] - cov[1, 1])
        a = np.pi / 2 - theta
        y, phi = np.cos(a) * y - np.sin(a) * phi, np.sin(a) * y + np.cos(a) * phi
        if pt[y > 0].sum() < pt[y < 0].sum():
            y = -y
        if pt[phi > 0].sum() < pt[phi < 0].sum():
            phi = -phi
        h, _, _ = np.histogram2d(phi, y, bins=npix, range=[[-half_width, half_width]] * 2, weights=pt)
        out[i, 0] = h / max(h.sum(), 1e-12)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jets", type=int, default=5000)
    a = p.parse_args()
    rng = np.random.default_rng(0)
    counts = rng.integers(20, 60, a.jets)
    m = counts.sum()
    c = ak.unflatten(ak.zip({"pt": rng.exponential(10, m) + 0.5, "y": rng.normal(0, 0.1, m),
                             "phi": rng.normal(0, 0.1, m), "pid": rng.choice([211, 22], m)}), counts)
    per_jet_loop(c[:50]), jet_images(c[:50])  # warm-up: first-call costs are not throughput
    t0 = time.perf_counter()
    slow = per_jet_loop(c)
    t_loop = time.perf_counter() - t0
    t0 = time.perf_counter()
    fast = jet_images(c)
    t_fast = time.perf_counter() - t0
    agree = np.mean(np.abs(slow - fast).sum(axis=(1, 2, 3)) < 0.02)
    print(f"{a.jets} jets, mean {counts.mean():.0f} particles; images agree for {agree:.1%} of jets")
    print(f"per-jet loop : {a.jets / t_loop:10.0f} jets/s")
    print(f"hepml        : {a.jets / t_fast:10.0f} jets/s")
    print(f"speed-up: {t_loop / t_fast:.1f}x (goal >= 20x)")


if __name__ == "__main__":
    main()
