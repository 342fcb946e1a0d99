"""Quark/gluon taggers on jet files: CNN on images, BDT on observables, single observables."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import roc_auc_score, roc_curve

from ..bdt import predict_bdt, train_bdt
from ..device import seed_everything, torch_device
from ..atomic import atomic_output, load_npz, save_npz
from ..training import Recipe, fit, predict_logits
from .cnn import JetCNN
from .images import jet_images
from .observables import QUARK_LIKE_SIGN, jet_observables
from .store import read_jets

OBSERVABLES = ("multiplicity", "mass", "girth", "ptd")


def make_images(jets_path, output, image_cfg: dict) -> None:
    """Images, labels and observables of a jet file, saved as one .npz."""
    jets = read_jets(jets_path)
    images = jet_images(jets["constituents"], image_cfg["npix"], image_cfg["half_width"],
                        image_cfg["channels"], image_cfg["steps"], jets["jet_y"], jets["jet_phi"])
    obs = jet_observables(jets)
    save_npz(output, images=images, labels=jets["label"], **{f"obs_{k}": v for k, v in obs.items()})


def load_images(path) -> dict:
    return load_npz(path)


def train_cnn(train: dict, val: dict, cnn_cfg: dict, recipe: Recipe, seed: int, device: str = "auto",
              threads: int | None = None, progress: bool = True):
    """Train a JetCNN; images standardised per pixel with training statistics."""
    seed_everything(seed, threads)
    dev = torch_device(device)
    x, xv = train["images"], val["images"]
    model = JetCNN.for_images(x, cnn_cfg).to(dev)
    t = lambda a: torch.as_tensor(a, dtype=torch.float32, device=dev)  # noqa: E731
    history = fit(model, t(x), t(train["labels"]), t(xv), t(val["labels"]), recipe, seed=seed,
                  progress=progress, desc=f"cnn seed {seed}")
    return model.cpu(), {"epochs": history.epochs, "best_epoch": history.best_epoch, "device": str(dev)}


def save_cnn(model: JetCNN, cnn_cfg: dict, shape, path) -> None:
    with atomic_output(path) as tmp:
        torch.save({"cnn": cnn_cfg, "shape": list(shape), "state_dict": model.state_dict()}, tmp)


def load_cnn(path) -> JetCNN:
    blob = torch.load(path, map_location="cpu", weights_only=True)
    c, (channels, npix, _) = blob["cnn"], blob["shape"]
    zeros = torch.zeros(channels, npix, npix)
    model = JetCNN(channels, npix, zeros, zeros + 1, c["filters"], c["kernels"], c["dense"], c["dropout"])
    model.load_state_dict(blob["state_dict"])
    return model.eval()


def cnn_scores(model: JetCNN, images: np.ndarray, device: str = "auto") -> np.ndarray:
    dev = torch_device(device)
    logits = predict_logits(model.to(dev), torch.as_tensor(images, dtype=torch.float32, device=dev), 4096)
    return torch.sigmoid(logits).cpu().numpy()


def observable_matrix(data: dict) -> np.ndarray:
    return np.stack([data[f"obs_{k}"] for k in OBSERVABLES], axis=1).astype(np.float32)


def train_observable_bdt(train: dict, val: dict, params: dict, seed: int, threads: int | None = None):
    return train_bdt(observable_matrix(train), train["labels"], observable_matrix(val), val["labels"],
                     params, seed, threads)


def observable_bdt_scores(booster, data: dict) -> np.ndarray:
    return predict_bdt(booster, observable_matrix(data))


def single_observable_scores(data: dict, name: str) -> np.ndarray:
    """A single observable oriented so that larger means more quark-like."""
    return QUARK_LIKE_SIGN[name] * data[f"obs_{name}"]


def tagger_metrics(scores: np.ndarray, labels: np.ndarray, n_points: int = 200, min_gluons: int = 10) -> dict:
    """AUC, gluon rejection 1/eps_g at 50% quark efficiency, ROC and SIC (eps_q / sqrt(eps_g)) curves.

    Curve points whose gluon efficiency rests on fewer than ``min_gluons`` test gluon jets are
    dropped: there 1/eps_g and the SIC are dominated by counting fluctuations.
    """
    fpr, tpr, _ = roc_curve(labels, scores)
    eps_g_at_half = float(np.interp(0.5, tpr, fpr))
    keep = np.unique(np.searchsorted(tpr, np.linspace(0, 1, n_points)).clip(0, len(tpr) - 1))
    keep = keep[fpr[keep] * np.sum(labels == 0) >= min_gluons]
    eps_q, eps_g = tpr[keep], fpr[keep]
    sic = eps_q / np.sqrt(eps_g)
    return {"auc": float(roc_auc_score(labels, scores)),
            "gluon_rejection_at_50": 1.0 / eps_g_at_half if eps_g_at_half > 0 else float("inf"),
            "roc": {"quark_efficiency": eps_q.tolist(), "gluon_efficiency": eps_g.tolist()},
            "sic": sic.tolist()}
