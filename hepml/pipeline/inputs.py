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

from ..core.datasets import get_dataset


def input_names(dataset: str, feature_set: str) -> list[str]:
    """The names of the inputs, in matrix column order (``[feature_set]`` for an array per jet, e.g. images)."""
    ds = get_dataset(dataset)
    if ds.store == "jets":
        from ..jets.observables import OBSERVABLES

        return [f"obs_{o}" for o in OBSERVABLES] if feature_set == "observables" else [feature_set]
    return ds.feature_set(feature_set)


def load_inputs(dataset: str, feature_set: str, path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, int32 labels) of one split part."""
    names = input_names(dataset, feature_set)
    if get_dataset(dataset).store == "jets":
        from ..core.atomic import load_npz

        data = load_npz(path, mmap=True)   # the arrays per jet memory-mapped: read in chunks where they are large
        if feature_set != "observables":
            return data[names[0]], np.asarray(data["labels"], dtype=np.int32)
        return np.ascontiguousarray(np.stack([data[n] for n in names], axis=1), dtype=np.float32), \
            data["labels"].astype(np.int32)
    from ..core.store import read_matrix

    return read_matrix(path, names)


def load_parameter(dataset: str, path: str | os.PathLike) -> np.ndarray | None:
    """The parameter of every event of a parameterized sample (its mass), None for other datasets."""
    parameter = get_dataset(dataset).parameter
    if parameter is None:
        return None
    from ..core.store import read_events

    return read_events(path, [parameter])[parameter]


def select_inputs(x: np.ndarray, names: list[str], wanted: list[str]) -> np.ndarray:
    """The columns ``wanted`` of a matrix whose columns are ``names``."""
    missing = [w for w in wanted if w not in names]
    if missing:
        raise ValueError(f"inputs {missing} are not among {names}")
    return np.ascontiguousarray(x[:, [names.index(w) for w in wanted]])
