"""The public API: a trained model of any kind, scored on numpy arrays or on files by input name.

    import hepml
    model = hepml.load_model("results/v1/models/benchmark/higgs/pythia/complete/deep/all/seed0.model")
    model.inputs                       # the input names, in order
    scores = model.predict("events.root")   # a hepml store file, .npz or .csv with named columns
    scores = model.predict(x)               # or a (events, inputs) matrix in that order
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .pipeline.models import LoadedModel


class Model:
    """A loaded model: ``kind``, ``inputs`` (names, in order), ``path`` and :meth:`predict`."""

    def __init__(self, loaded: LoadedModel, path: str | os.PathLike):
        self._loaded, self.path = loaded, Path(path)
        self.kind, self.inputs = loaded.kind, list(loaded.inputs)

    def __repr__(self) -> str:
        return f"hepml.Model({self.kind}, {len(self.inputs)} inputs, {self.path})"

    def predict(self, data) -> np.ndarray:
        """Signal scores (float64, larger = more signal-like) of every event of ``data``: a matrix
        whose columns are :attr:`inputs` in order, a mapping of input name to column, or the path of
        a store (.root), .npz or .csv file holding columns with those names."""
        if isinstance(data, (str, os.PathLike)):
            x = read_inputs(data, self.inputs)
        elif isinstance(data, dict):
            x = _stack(data, self.inputs, "the mapping")
        else:
            x = np.ascontiguousarray(data, dtype=np.float32)
            if x.ndim < 2 or (x.ndim == 2 and x.shape[1] != len(self.inputs)):
                raise ValueError(f"{self.path}: expects {len(self.inputs)} inputs per event ({', '.join(self.inputs)}); "
                                 f"got an array of shape {x.shape}")
        return self._loaded.predict(x)


def _stack(columns: dict, names: list[str], where: str) -> np.ndarray:
    missing = [n for n in names if n not in columns]
    if missing:
        raise ValueError(f"{where}: no column {', '.join(map(repr, missing))} (the model reads {', '.join(names)})")
    if len(names) == 1 and np.ndim(columns[names[0]]) > 1:   # an array per event (jet images, particles)
        return np.ascontiguousarray(columns[names[0]], dtype=np.float32)
    return np.ascontiguousarray(np.stack([np.asarray(columns[n]) for n in names], axis=1), dtype=np.float32)


def read_columns(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Every column of a store (.root: its ``events`` tree), .npz or .csv (a header row of names) file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".root":
        from .core.store import read_events

        return read_events(path)
    if suffix == ".npz":
        from .core.atomic import load_npz

        return load_npz(path, mmap=True)   # arrays per event (images) memory-mapped, read as needed
    if suffix == ".csv":
        table = np.genfromtxt(path, delimiter=",", names=True, dtype=np.float64, encoding="utf-8")
        if table.dtype.names is None or np.isnan(table.view((np.float64, len(table.dtype.names)))).any():
            raise ValueError(f"{path}: not a CSV file of numbers with a header row of column names")
        return {n: np.atleast_1d(table[n]) for n in table.dtype.names}
    raise ValueError(f"{path}: unknown input format {suffix or '(no suffix)'!r}; use .root, .npz or .csv")


def read_inputs(path: str | os.PathLike, names: list[str]) -> np.ndarray:
    """The columns ``names`` of the file at ``path``, as a float32 matrix (or the image stack)."""
    return _stack(read_columns(path), names, str(path))


def load_model(path: str | os.PathLike, history: str | os.PathLike | None = None) -> Model:
    """The model saved at ``path`` (any kind); with its training ``history``, only if the model's
    SHA-256 equals the one recorded at training."""
    from .pipeline.models import load_model as load
    from .pipeline.steps import verified_model

    return Model(load(path) if history is None else verified_model(path, history), path)
