"""What one training learns from: inputs and targets, for every model kind and study."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class TrainingData:
    """Inputs and targets of one training. ``loss``: ``bce`` (targets are 0/1 labels) or ``llp``
    (targets are the known signal fraction of each event's mixture, ``mixture`` its index)."""

    x: np.ndarray
    y: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    loss: str = "bce"
    mixture: np.ndarray | None = None
    val_mixture: np.ndarray | None = None
    val_truth: np.ndarray | None = None   # for the logged validation AUC only (never a training target)
