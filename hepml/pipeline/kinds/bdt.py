"""Gradient-boosted decision trees (xgboost) on feature columns: the ``bdt`` config section."""

from __future__ import annotations

import numpy as np

from .registry import LoadedModel, ModelKind, register


class BdtKind(ModelKind):
    name = "bdt"

    def train(self, spec, data, seed, threads=1, progress=True, resident_gb=None, cuda_graph=False):
        from ...core.bdt import train_bdt

        if data.loss != "bce":
            raise ValueError(f"a BDT cannot learn from label proportions ({data.loss})")
        return train_bdt(data.x, data.y, data.x_val, data.y_val, spec.config, seed, threads)

    def save(self, spec, model, inputs, path):
        from ...core.bdt import save_bdt

        save_bdt(model, inputs, path)

    def load(self, path, blob):
        from ...core.bdt import load_bdt, predict_bdt

        booster, inputs = load_bdt(path)
        return LoadedModel(self.name, inputs, lambda x: predict_bdt(booster, x).astype(np.float64))


register(BdtKind())
