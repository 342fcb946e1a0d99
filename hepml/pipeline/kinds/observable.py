"""One input column used as the score (the single-observable taggers); its orientation (larger =
more signal-like) is chosen on the training set. Saved as a small JSON object."""

from __future__ import annotations

import numpy as np

from ...core.atomic import write_json
from .registry import LoadedModel, ModelKind, register


class ObservableKind(ModelKind):
    name = "observable"

    def model_inputs(self, spec, names):
        return [spec.config["column"]]

    def train(self, spec, data, seed, threads=1, progress=True, resident_gb=None, cuda_graph=False):
        from ...core.roc import auc

        sign = 1.0 if auc(data.y, data.x[:, 0]) >= 0.5 else -1.0
        return {"kind": self.name, "column": spec.config["column"], "sign": sign}, {"sign": sign}

    def save(self, spec, model, inputs, path):
        write_json(path, {**model, "inputs": inputs})

    def load(self, path, blob):
        return LoadedModel(self.name, blob["inputs"], lambda x: blob["sign"] * x[:, 0].astype(np.float64))


register(ObservableKind())
