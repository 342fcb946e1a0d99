"""Gradient-boosted decision trees with xgboost (hist; on CUDA when a GPU is present)."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

import numpy as np

from .atomic import atomic_output
from .cli import XGBOOST_NATIVE_ONLY

if TYPE_CHECKING:
    import xgboost as xgb

# The command-line entry points (hepml.core.cli.run_main) set XGBOOST_NATIVE_ONLY: their xgboost is
# imported without its optional scikit-learn wrappers. hepml calls only xgboost's native API
# (DMatrix, Booster, train), and importing scikit-learn is most of xgboost's import time
# (benchmarks/bench_imports.py).


def _xgboost():
    """xgboost, imported on first use (in a script's process without scikit-learn, unless that is
    already imported)."""
    import importlib

    native = os.environ.get(XGBOOST_NATIVE_ONLY) == "1"
    if "xgboost" in sys.modules or not native or "sklearn" in sys.modules:
        return importlib.import_module("xgboost")
    sys.modules["sklearn"] = None   # its `import sklearn` fails, so it defines its stand-ins
    try:
        return importlib.import_module("xgboost")
    finally:
        del sys.modules["sklearn"]


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
    xgb = _xgboost()
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
    booster = _xgboost().Booster()
    with open(path, "rb") as f:
        booster.load_model(bytearray(f.read()))
    return booster, json.loads(booster.attr("hepml_columns"))


def predict_bdt(booster: xgb.Booster, x: np.ndarray) -> np.ndarray:
    """Signal probability of each row of ``x`` (using the best iteration)."""
    best = getattr(booster, "best_iteration", None)
    rounds = (0, best + 1) if best is not None else (0, 0)
    return booster.predict(_xgboost().DMatrix(x), iteration_range=rounds)
