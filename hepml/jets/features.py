"""The features of the quark/gluon study: jet images, particle arrays (:mod:`.particles`) and
substructure observables of a jet file.

Built in chunks of ``chunk`` jets: the images of one chunk are computed and streamed into the
output (an uncompressed .npz, so a reader can memory-map them), and only the small per-jet
columns are kept for the whole sample. Peak memory is set by the chunk, not the sample: about
``chunk`` x (constituents + 8 x channels x npix^2 bytes for the float64 pixel sums); the images of
one chunk are exactly what a single pass over all jets gives, since every image is one jet's own.
"""

from __future__ import annotations

import os

import numpy as np

from ..core.atomic import NpzWriter
from ..core.store import iterate_store, n_entries
from .images import jet_images
from .observables import OBSERVABLES, jet_observables
from .particles import FEATURES, MAX_PARTICLES, particle_arrays
from .store import JET_FIELDS


def make_features(jets_path: str | os.PathLike, output: str | os.PathLike, image_cfg: dict, chunk: int = 20_000) -> int:
    """Images, particle arrays, labels and observables (``obs_<name>``) of every jet of a jet file, as one .npz."""
    n = n_entries(jets_path)
    shape = (n, image_cfg["channels"], image_cfg["npix"], image_cfg["npix"])
    labels, obs = [], {k: [] for k in OBSERVABLES}
    with NpzWriter(output) as writer:
        with writer.stream("images", shape, np.float32) as images:
            for data in iterate_store(jets_path, columns=["label", *JET_FIELDS, "c"], step=chunk):
                data["constituents"] = data.pop("c")
                images.write(jet_images(data["constituents"], image_cfg["npix"], image_cfg["half_width"],
                                        image_cfg["channels"], image_cfg["steps"], data["jet_y"], data["jet_phi"]))
                labels.append(data["label"])
                for k, v in jet_observables(data).items():
                    obs[k].append(v)
        # a second pass: an .npz takes one streamed member at a time
        with writer.stream("particles", (n, MAX_PARTICLES, len(FEATURES)), np.float32) as particles:
            for data in iterate_store(jets_path, columns=["c"], step=chunk):
                particles.write(particle_arrays(data["c"]))
        writer.add("labels", np.concatenate(labels))
        for k, v in obs.items():
            writer.add(f"obs_{k}", np.concatenate(v))
    return n
