"""Shallow and deep tanh networks on the tabular benchmark features."""

from __future__ import annotations

import os

import numpy as np
import torch

from .device import seed_everything, torch_device
from .models import Classifier, mlp, paper_init
from .atomic import atomic_output
from .training import Recipe, fit, predict_logits


def train_network(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
                  layers: int, width: int, recipe: Recipe, seed: int, device: str = "auto",
                  threads: int | None = None, progress: bool = True) -> tuple[Classifier, dict]:
    """Train an MLP classifier; inputs are standardised with training-split statistics."""
    seed_everything(seed, threads)
    dev = torch_device(device)
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    net = mlp(x_train.shape[1], layers, width, dropout=recipe.dropout)
    if recipe.init == "paper":
        paper_init(net)
    model = Classifier(net, mean, std).to(dev)
    as_tensor = lambda a: torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float32, device=dev)  # noqa: E731
    history = fit(model, as_tensor(x_train), as_tensor(y_train), as_tensor(x_val), as_tensor(y_val),
                  recipe, seed=seed, progress=progress, desc=f"{layers}x{width} seed {seed}")
    return model.cpu(), {"epochs": history.epochs, "best_epoch": history.best_epoch, "device": str(dev)}


def save_network(model: Classifier, arch: dict, columns: list[str], path: str | os.PathLike) -> None:
    with atomic_output(path) as tmp:
        torch.save({"arch": arch, "columns": columns, "state_dict": model.state_dict()}, tmp)


def load_network(path: str | os.PathLike) -> tuple[Classifier, list[str]]:
    blob = torch.load(path, map_location="cpu", weights_only=True)
    arch = blob["arch"]
    n_inputs = len(blob["columns"])
    model = Classifier(mlp(n_inputs, arch["layers"], arch["width"], arch["dropout"]),
                       np.zeros(n_inputs), np.ones(n_inputs))
    model.load_state_dict(blob["state_dict"])
    return model.eval(), blob["columns"]


def predict_network(model: Classifier, x: np.ndarray, device: str = "auto") -> np.ndarray:
    """Signal probability of each row of ``x``."""
    dev = torch_device(device)
    model = model.to(dev)
    logits = predict_logits(model, torch.as_tensor(np.ascontiguousarray(x), dtype=torch.float32, device=dev))
    return torch.sigmoid(logits).cpu().numpy()
