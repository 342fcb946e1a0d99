"""The features of the quark/gluon study: jet images and substructure observables of a jet file."""

from __future__ import annotations

import os

from ..core.atomic import save_npz
from .images import jet_images
from .observables import jet_observables
from .store import read_jets


def make_features(jets_path: str | os.PathLike, output: str | os.PathLike, image_cfg: dict) -> int:
    """Images, labels and observables (``obs_<name>``) of every jet of a jet file, as one .npz."""
    jets = read_jets(jets_path)
    images = jet_images(jets["constituents"], image_cfg["npix"], image_cfg["half_width"],
                        image_cfg["channels"], image_cfg["steps"], jets["jet_y"], jets["jet_phi"])
    obs = jet_observables(jets)
    save_npz(output, images=images, labels=jets["label"], **{f"obs_{k}": v for k, v in obs.items()})
    return len(jets["label"])
