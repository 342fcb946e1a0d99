"""Jet images (Komiske, Metodiev, Schwartz 2017), built with numpy for many jets per pass.

Pixels: ``npix`` x ``npix`` over a (Delta y, Delta phi) box of +-``half_width`` around the jet
axis. Preprocessing, each step optional and applied in this order to the particle
coordinates (so it is exact, not an image resampling):

1. ``center``: translate the pT-weighted centroid to the origin;
2. ``rotate``: rotate so the principal axis of the pT-weighted (y, phi) distribution is vertical;
3. ``flip``: reflect so the right half and the upper half carry more pT than their mirrors;
4. ``normalize``: divide each image by its total intensity (unit sum).

Channels: ``1`` gives pT; ``3`` gives (charged pT, neutral pT, charged multiplicity).
Pixel standardisation with training statistics happens in the network (``hepml.core.nets.Standardize``).
"""

from __future__ import annotations

import awkward as ak
import numpy as np

CHARGED = np.array([11, 13, 211, 321, 2212, 3112, 3222, 3312, 3334, 411, 431])


def flat_constituents(constituents):
    """(counts, pt, y, phi, pid) of awkward constituents as flat numpy arrays (float64 kinematics)."""
    counts = ak.to_numpy(ak.num(constituents))
    get = lambda f: np.asarray(ak.to_numpy(ak.flatten(constituents[f])), dtype=np.float64)  # noqa: E731 (no copy of float64)
    return counts, get("pt"), get("y"), get("phi"), ak.to_numpy(ak.flatten(constituents["pid"]))


def _segment_sum(values: np.ndarray, jet: np.ndarray, n_jets: int) -> np.ndarray:
    return np.bincount(jet, weights=values, minlength=n_jets)


def preprocess_coordinates(pt, y, phi, jet, n_jets, steps):
    """Apply the geometric preprocessing steps to flat particle coordinates; return (x, y)."""
    x, v = y.copy(), phi.copy()
    total = np.maximum(_segment_sum(pt, jet, n_jets), 1e-12)
    if "center" in steps:
        x -= (_segment_sum(pt * x, jet, n_jets) / total)[jet]
        v -= (_segment_sum(pt * v, jet, n_jets) / total)[jet]
    if "rotate" in steps:
        cxx = _segment_sum(pt * x * x, jet, n_jets)
        cvv = _segment_sum(pt * v * v, jet, n_jets)
        cxv = _segment_sum(pt * x * v, jet, n_jets)
        theta = 0.5 * np.arctan2(2 * cxv, cxx - cvv)          # major axis angle from the x axis
        alpha = (np.pi / 2 - theta)[jet]                    # rotate it onto the vertical
        c, s = np.cos(alpha), np.sin(alpha)
        x, v = c * x - s * v, s * x + c * v
    if "flip" in steps:
        right = _segment_sum(pt * (x > 0), jet, n_jets) >= _segment_sum(pt * (x < 0), jet, n_jets)
        up = _segment_sum(pt * (v > 0), jet, n_jets) >= _segment_sum(pt * (v < 0), jet, n_jets)
        x = np.where(right[jet], x, -x)
        v = np.where(up[jet], v, -v)
    return x, v


CHUNK = 10_000   # jets per pass: the float64 pixel sums of a pass stay in the CPU caches' reach


def jet_images(constituents, npix: int = 33, half_width: float = 0.4, channels: int = 1,
               steps=("center", "rotate", "flip", "normalize"), jet_y=None, jet_phi=None,
               chunk: int = CHUNK) -> np.ndarray:
    """(n_jets, channels, npix, npix) float32 images of awkward ``constituents`` (pt, y, phi, pid).

    Without ``center`` the coordinates are taken relative to ``jet_y``/``jet_phi``. Built ``chunk``
    jets at a time (each image is its own jet's, so the result is the single pass's), which
    keeps the rate per jet and the working memory the same at any number of jets.
    """
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels}")
    n = len(constituents)
    out = np.empty((n, channels, npix, npix), dtype=np.float32)
    for start in range(0, n, chunk):
        part = slice(start, min(start + chunk, n))
        # the float64 sums are rounded to float32 as they are stored: one pass, no float32 temporary
        out[part] = _images(constituents[part], npix, half_width, channels, steps,
                            None if jet_y is None else np.asarray(jet_y)[part],
                            None if jet_phi is None else np.asarray(jet_phi)[part])
    return out


def _images(constituents, npix, half_width, channels, steps, jet_y, jet_phi) -> np.ndarray:
    counts, pt, y, phi, pid = flat_constituents(constituents)
    n_jets = len(counts)
    jet = np.repeat(np.arange(n_jets), counts)
    if "center" not in steps:
        if jet_y is None or jet_phi is None:
            raise ValueError("jet_images: without 'center', jet_y and jet_phi are needed")
        y = y - np.asarray(jet_y, dtype=np.float64)[jet]
        phi = phi - np.asarray(jet_phi, dtype=np.float64)[jet]
    x, v = preprocess_coordinates(pt, y, phi, jet, n_jets, steps)
    scale = npix / (2 * half_width)
    ix = np.floor((x + half_width) * scale).astype(np.int64)
    iv = np.floor((v + half_width) * scale).astype(np.int64)
    inside = (ix >= 0) & (ix < npix) & (iv >= 0) & (iv < npix)
    # row = vertical (phi'), column = horizontal (y')
    pixel = (iv * npix + ix)[inside]
    j = jet[inside]
    if channels == 1:
        weights = [pt[inside]]
    elif channels == 3:
        charged = np.isin(np.abs(pid), CHARGED)[inside]
        weights = [pt[inside] * charged, pt[inside] * ~charged, charged.astype(np.float64)]
    n_ch, size = len(weights), npix * npix
    index = np.concatenate([(j * n_ch + ch) * size + pixel for ch in range(n_ch)]) if n_ch > 1 else j * size + pixel
    flat_weights = np.concatenate(weights) if n_ch > 1 else weights[0]
    # astype: numpy gives int64 sums when no particle falls inside the box (empty weights)
    images = np.bincount(index, weights=flat_weights, minlength=n_jets * n_ch * size).astype(np.float64, copy=False)
    images = images.reshape(n_jets, n_ch, size)
    if "normalize" in steps:
        sums = images.sum(axis=2, keepdims=True)
        np.divide(images, sums, out=images, where=sums > 0)
    return images.reshape(n_jets, len(weights), npix, npix)
