"""The inputs of a feature set: a float32 matrix (or image stack) and the labels, for any dataset.

* ``higgs``, ``susy``: the columns of the feature set (low, high, complete) of a split's store file;
* ``qg`` (quark/gluon jets): ``observables`` (a matrix of named columns) or an array per jet stored
  under the feature set's own name (``images``) from a split's feature file (.npz);
* ``hpar`` (the parameterized study's HIGGS-like sample at several masses): the HIGGS columns of
  ``complete``, and ``complete_mass`` = those plus the mass input.
"""

from __future__ import annotations

import os

import numpy as np

JET_DATASETS = ("qg",)


def input_names(dataset: str, feature_set: str) -> list[str]:
    """The names of the inputs, in matrix column order (``[feature_set]`` for an array per jet, e.g. images)."""
    if dataset in JET_DATASETS:
        from ..jets.observables import OBSERVABLES

        return [f"obs_{o}" for o in OBSERVABLES] if feature_set == "observables" else [feature_set]
    from ..benchmark.columns import feature_set as columns

    if dataset == "hpar":
        return columns("higgs", feature_set.removesuffix("_mass")) + (["mass"] if feature_set.endswith("_mass") else [])
    return columns(dataset, feature_set)


def load_inputs(dataset: str, feature_set: str, path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, int32 labels) of one split part."""
    names = input_names(dataset, feature_set)
    if dataset in JET_DATASETS:
        from ..core.atomic import load_npz

        data = load_npz(path, mmap=True)   # the arrays per jet memory-mapped: read in chunks where they are large
        if feature_set != "observables":
            return data[names[0]], np.asarray(data["labels"], dtype=np.int32)
        return np.ascontiguousarray(np.stack([data[n] for n in names], axis=1), dtype=np.float32), \
            data["labels"].astype(np.int32)
    from ..core.store import read_matrix

    return read_matrix(path, names)


def load_masses(dataset: str, path: str | os.PathLike) -> np.ndarray | None:
    """The mass of every event of the parameterized sample (None for other datasets)."""
    if dataset != "hpar":
        return None
    from ..core.store import read_events

    return read_events(path, ["mass"])["mass"]


def select_inputs(x: np.ndarray, names: list[str], wanted: list[str]) -> np.ndarray:
    """The columns ``wanted`` of a matrix whose columns are ``names``."""
    missing = [w for w in wanted if w not in names]
    if missing:
        raise ValueError(f"inputs {missing} are not among {names}")
    return np.ascontiguousarray(x[:, [names.index(w) for w in wanted]])
