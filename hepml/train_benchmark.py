"""Train and score the benchmark models (BDT, shallow and deep networks) from store files."""

from __future__ import annotations


import numpy as np

from .bdt import load_bdt, predict_bdt, save_bdt, train_bdt
from .schema import feature_set
from .atomic import save_npz
from .store import read_matrix
from .tabular import load_network, predict_network, save_network, train_network
from .training import Recipe


def train_model(dataset: str, fset: str, model: str, model_config: dict, train_path, val_path,
                seed: int, output, threads: int | None = None) -> dict:
    """Train ``model`` on ``fset`` of ``dataset``; write it to ``output``; return its history.

    ``model_config`` is the model's config section: for ``bdt`` the xgboost settings,
    for a network ``layers``, ``width``, ``device`` and ``recipe`` (a Recipe dict).
    """
    columns = feature_set(dataset, fset)
    x_train, y_train = read_matrix(train_path, columns)
    x_val, y_val = read_matrix(val_path, columns)
    check_classes(y_train, train_path)
    check_classes(y_val, val_path)
    if model == "bdt":
        booster, history = train_bdt(x_train, y_train, x_val, y_val, model_config, seed, threads)
        save_bdt(booster, columns, output)
        return history
    recipe = Recipe.from_dict(model_config["recipe"])
    net, history = train_network(x_train, y_train.astype(np.float32), x_val, y_val.astype(np.float32),
                                 model_config["layers"], model_config["width"], recipe, seed,
                                 model_config["device"], threads)
    arch = {"layers": model_config["layers"], "width": model_config["width"], "dropout": recipe.dropout}
    save_network(net, arch, columns, output)
    return history


def check_classes(labels: np.ndarray, path) -> None:
    """Training needs both classes: one clear error naming the file otherwise."""
    for value, name in ((1, "signal (label 1)"), (0, "background (label 0)")):
        if not np.any(labels == value):
            raise ValueError(f"{path}: no {name} events among its {len(labels)}; a classifier needs both classes "
                             "(is the sample or the split too small?)")


def load_model(path):
    """(predict function, input columns) of a saved BDT (.json) or network (.pt)."""
    if str(path).endswith(".json"):
        booster, columns = load_bdt(path)
        return (lambda x: predict_bdt(booster, x)), columns
    net, columns = load_network(path)
    return (lambda x: predict_network(net, x)), columns


def score_model(model_path, val_path, test_path, output) -> None:
    """Write the validation and test scores and truth labels of a saved model to an .npz file."""
    predict, columns = load_model(model_path)
    out = {}
    for part, path in (("val", val_path), ("test", test_path)):
        x, y = read_matrix(path, columns)
        out[f"{part}_scores"], out[f"{part}_labels"] = predict(x).astype(np.float64), y
    save_npz(output, **out)
