"""Gradient-boosted decision trees with xgboost (hist; on CUDA when a GPU is present)."""

from __future__ import annotations

import json
import os

import numpy as np
import xgboost as xgb

from .atomic import atomic_output

def _device(requested: str) -> str:
    """xgboost's device for ``auto``: CUDA when a GPU is visible (checked without importing torch)."""
    if requested != "auto":
        return requested
    from .device import cuda_present

    return "cuda" if cuda_present() else "cpu"


def train_bdt(x_train: np.ndarray, y_train: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
              params: dict, seed: int, threads: int | None = None) -> tuple[xgb.Booster, dict]:
    """Train a binary BDT with early stopping on the validation split; return it and its history.

    ``params``: the ``bdt`` config section (n_estimators, max_depth, learning_rate,
    early_stopping_rounds, subsample, device).
    """
    p = params
    booster_params = {
        "objective": "binary:logistic", "eval_metric": ["logloss", "auc"], "tree_method": "hist",
        "max_depth": p["max_depth"], "eta": p["learning_rate"], "subsample": p["subsample"],
        "seed": seed, "device": _device(p["device"]),
    }
    if threads:
        booster_params["nthread"] = threads
    dtrain = xgb.DMatrix(x_train, label=y_train)
    dval = xgb.DMatrix(x_val, label=y_val)
    evals: dict = {}
    booster = xgb.train(booster_params, dtrain, num_boost_round=p["n_estimators"],
                        evals=[(dval, "val")], early_stopping_rounds=p["early_stopping_rounds"],
                        evals_result=evals, verbose_eval=False)
    history = {"val_logloss": evals["val"]["logloss"], "val_auc": evals["val"]["auc"],
               "best_iteration": booster.best_iteration}
    return booster, history


def save_bdt(booster: xgb.Booster, columns: list[str], path: str | os.PathLike) -> None:
    """Write the booster as xgboost JSON, with its input columns recorded inside."""
    booster.set_attr(hepml_columns=json.dumps(columns))
    with atomic_output(path) as tmp:
        booster.save_model(tmp.with_suffix(".json"))
        os.replace(tmp.with_suffix(".json"), tmp)


def load_bdt(path: str | os.PathLike) -> tuple[xgb.Booster, list[str]]:
    """A booster saved by :func:`save_bdt` (xgboost JSON, whatever the file's suffix), and its input columns."""
    booster = xgb.Booster()
    with open(path, "rb") as f:
        booster.load_model(bytearray(f.read()))
    return booster, json.loads(booster.attr("hepml_columns"))


def predict_bdt(booster: xgb.Booster, x: np.ndarray) -> np.ndarray:
    """Signal probability of each row of ``x`` (using the best iteration)."""
    best = getattr(booster, "best_iteration", None)
    rounds = (0, best + 1) if best is not None else (0, 0)
    return booster.predict(xgb.DMatrix(x), iteration_range=rounds)
