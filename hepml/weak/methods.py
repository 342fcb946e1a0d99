"""What CWoLa and LLP learn from: training targets built from mixtures alone, never from truth.

* **CWoLa** (Metodiev, Nachman, Thaler 2017): train to tell mixture 1 from mixture 2. For
  mixtures M_i = f_i S + (1 - f_i) B the optimal mixture classifier is monotonic in
  p_M1/p_M2 = (f1 L + 1 - f1) / (f2 L + 1 - f2) with L = p_S/p_B, which increases with L when
  f1 > f2 (decreases when f1 < f2). Labelling the higher-fraction mixture 1 makes the score
  increase with L whatever the order, so it is optimal for S vs B in the limit of infinite data.
* **LLP** (Dery, Nachman, Rubbo, Schwartzman 2017): each batch comes from one mixture and its
  loss compares the batch-mean prediction with the known fraction (binary cross-entropy
  between the two), so only proportions are ever used.

:func:`weak_training_data` turns two :class:`WeakSample` (features, mixture index, fraction: no
labels) into the ``TrainingData`` the pipeline trains any model on.
"""

from __future__ import annotations

import numpy as np
import torch

from ..core.training_data import TrainingData
from .mixtures import WeakSample

METHODS = ("cwola", "llp")


def llp_loss(logits: torch.Tensor, fractions: torch.Tensor) -> torch.Tensor:
    """Cross-entropy between the known fraction and the batch-mean predicted probability."""
    mean = torch.sigmoid(logits).mean().clamp(1e-6, 1 - 1e-6)
    f = fractions.mean()
    return -(f * torch.log(mean) + (1 - f) * torch.log(1 - mean))


def per_mixture_llp_loss(mixture: np.ndarray, device):
    """Validation objective of LLP: the mean over mixtures of each mixture's proportion loss."""
    groups = [torch.as_tensor(np.flatnonzero(mixture == m), device=device) for m in np.unique(mixture)]

    def loss(logits, fractions):
        return torch.stack([llp_loss(logits[g], fractions[g]) for g in groups]).mean()
    return loss


def one_mixture_batches(mixture: np.ndarray, batch_size: int, device):
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


def cwola_labels(sample: WeakSample) -> np.ndarray:
    """1 for the events of the mixture with the higher signal fraction, 0 for the other."""
    fractions = {m: sample.fraction[sample.mixture == m][0] for m in np.unique(sample.mixture)}
    if len(fractions) != 2:
        raise ValueError("cwola needs exactly two mixtures")
    return (sample.mixture == max(fractions, key=fractions.get)).astype(np.float32)


def weak_training_data(method: str, train: WeakSample, val: WeakSample) -> TrainingData:
    """The training inputs and targets of ``method`` from mixtures (no truth label is available)."""
    if not isinstance(train, WeakSample) or not isinstance(val, WeakSample):
        raise TypeError(f"{method} trains on WeakSample objects (no truth labels)")
    if method == "cwola":
        return TrainingData(train.x, cwola_labels(train), val.x, cwola_labels(val))
    if method == "llp":
        return TrainingData(train.x, train.fraction, val.x, val.fraction, loss="llp", mixture=train.mixture,
                            val_mixture=val.mixture)
    raise ValueError(f"unknown weak-supervision method {method!r}; expected one of {METHODS}")
