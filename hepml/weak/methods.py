"""Fully supervised, CWoLa and LLP training of the same network, evaluated on truth.

* **CWoLa** (Metodiev, Nachman, Thaler 2017): train to tell mixture 1 from mixture 2. For
  mixtures M_i = f_i S + (1 - f_i) B the optimal mixture classifier is monotonic in
  p_M1/p_M2 = (f1 L + 1 - f1) / (f2 L + 1 - f2) with L = p_S/p_B, which increases with L when
  f1 > f2 (decreases when f1 < f2, so the score is inverted). Hence it is optimal for S vs B
  in the limit of infinite data.
* **LLP** (Dery, Nachman, Rubbo, Schwartzman 2017): each batch comes from one mixture and its
  loss compares the batch-mean prediction with the known fraction (binary cross-entropy
  between the two), so only proportions are ever used.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from ..device import seed_everything, torch_device
from ..models import Classifier, mlp
from ..training import Recipe, fit, predict_logits
from .mixtures import WeakSample

METHODS = ("supervised", "cwola", "llp")


def _network(x: np.ndarray, layers: int, width: int, cnn: dict | None = None):
    """A dense ReLU network on feature vectors, or a JetCNN (config ``cnn``) on images."""
    if x.ndim == 4:
        from ..jets.cnn import JetCNN

        return JetCNN.for_images(x, cnn)
    return Classifier(mlp(x.shape[1], layers, width, activation="relu"), x.mean(axis=0), x.std(axis=0))


def llp_loss(logits: torch.Tensor, fractions: torch.Tensor) -> torch.Tensor:
    """Cross-entropy between the known fraction and the batch-mean predicted probability."""
    mean = torch.sigmoid(logits).mean().clamp(1e-6, 1 - 1e-6)
    f = fractions.mean()
    return -(f * torch.log(mean) + (1 - f) * torch.log(1 - mean))


def _per_mixture_llp_loss(mixture: np.ndarray, device):
    """Validation objective of LLP: the mean over mixtures of each mixture's proportion loss."""
    groups = [torch.as_tensor(np.flatnonzero(mixture == m), device=device) for m in np.unique(mixture)]

    def loss(logits, fractions):
        return torch.stack([llp_loss(logits[g], fractions[g]) for g in groups]).mean()
    return loss


def _one_mixture_batches(mixture: np.ndarray, batch_size: int, device):
    """Batches drawn from one mixture at a time, in random order, reshuffled each epoch."""
    groups = [torch.as_tensor(np.flatnonzero(mixture == m)) for m in np.unique(mixture)]

    def batches(epoch, generator):
        out = []
        for g in groups:
            perm = g[torch.randperm(len(g), generator=generator)]
            out += [b for b in perm.split(batch_size) if len(b) == batch_size or len(perm) < batch_size]
        order = torch.randperm(len(out), generator=generator)
        return [out[i].to(device) for i in order]
    return batches


def train_weak(method: str, train: WeakSample | tuple, val: WeakSample | tuple, layers: int, width: int,
               recipe: Recipe, seed: int, device: str = "auto", threads: int | None = None,
               progress: bool = False, cnn: dict | None = None) -> tuple[Classifier, float]:
    """Train with ``method``; return the model and the sign (+1 or -1) to apply to its score.

    ``supervised`` takes (x, truth labels) tuples; ``cwola`` and ``llp`` take WeakSamples.
    """
    seed_everything(seed, threads)
    dev = torch_device(device)
    t = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float32, device=dev)  # noqa: E731
    if method == "supervised":
        (x, y), (xv, yv) = train, val
        model = _network(x, layers, width, cnn).to(dev)
        fit(model, t(x), t(y), t(xv), t(yv), recipe, seed=seed, progress=progress, desc="supervised")
        return model.cpu(), 1.0
    if not isinstance(train, WeakSample) or not isinstance(val, WeakSample):
        raise TypeError(f"{method} trains on WeakSample objects (no truth labels)")
    model = _network(train.x, layers, width, cnn).to(dev)
    if method == "cwola":
        f = {m: train.fraction[train.mixture == m][0] for m in np.unique(train.mixture)}
        if len(f) != 2:
            raise ValueError("cwola needs exactly two mixtures")
        first = max(f, key=f.get)  # label the higher-fraction mixture 1: no inversion needed
        y, yv = (train.mixture == first).astype(np.float32), (val.mixture == first).astype(np.float32)
        fit(model, t(train.x), t(y), t(val.x), t(yv), recipe, seed=seed, progress=progress, desc="cwola")
        return model.cpu(), 1.0
    if method == "llp":
        fit(model, t(train.x), t(train.fraction), t(val.x), t(val.fraction), recipe, seed=seed,
            loss_fn=llp_loss, val_loss_fn=_per_mixture_llp_loss(val.mixture, dev),
            batches=_one_mixture_batches(train.mixture, recipe.batch_size, dev),
            progress=progress, desc="llp")
        return model.cpu(), 1.0
    raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")


def truth_auc(model: Classifier, sign: float, x: np.ndarray, labels: np.ndarray) -> float:
    """AUC of the (signed) model score on truly labelled events."""
    scores = predict_logits(model, torch.as_tensor(x, dtype=torch.float32)).numpy()
    return float(roc_auc_score(labels, sign * scores))
