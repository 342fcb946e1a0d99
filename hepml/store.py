"""Columnar event store: one flat ROOT TTree per file, read and written with uproot.

A store file holds a TTree named ``events`` with one float32 branch per feature
and an int32 ``label`` branch, so a physicist can open it in ROOT directly
(``TFile f("events.root"); events->Draw("m_bb", "label==1")``) and Python loads
it into contiguous numpy arrays in seconds.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import uproot

from .schema import LABEL

TREE = "events"


def _compression():
    try:
        import lz4  # noqa: F401
        import xxhash  # noqa: F401
    except ImportError:
        return uproot.ZLIB(1)
    return uproot.LZ4(1)


def atomic_path(path: str | os.PathLike) -> Path:
    """Temporary sibling path of ``path``, to be renamed onto it when complete."""
    path = Path(path)
    return path.with_name(f".{path.name}.tmp{os.getpid()}")


@contextmanager
def atomic_output(path: str | os.PathLike):
    """Yield a temporary path; rename it onto ``path`` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = atomic_path(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(path: str | os.PathLike, obj) -> None:
    """Write ``obj`` as indented JSON, atomically."""
    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=1))


def _branch_types(columns: list[str]) -> dict[str, type]:
    return {c: (np.int32 if c == LABEL else np.float32) for c in columns}


class StoreWriter:
    """Write event chunks into a store file atomically (use as a context manager)."""

    def __init__(self, path: str | os.PathLike, columns: list[str]):
        self.path = Path(path)
        self.columns = list(columns)
        self._ctx = atomic_output(self.path)
        self.n_events = 0

    def __enter__(self):
        tmp = self._ctx.__enter__()
        self._file = uproot.recreate(tmp, compression=_compression())
        self._file.mktree(TREE, _branch_types(self.columns))
        return self

    def extend(self, data: dict[str, np.ndarray]) -> None:
        types = _branch_types(self.columns)
        self._file[TREE].extend({c: np.ascontiguousarray(data[c], dtype=types[c]) for c in self.columns})
        self.n_events += len(data[self.columns[0]])

    def __exit__(self, *exc):
        self._file.close()
        return self._ctx.__exit__(*exc)


def write_events(path: str | os.PathLike, data: dict[str, np.ndarray], chunk: int = 1_000_000) -> None:
    """Write a dict of equal-length columns to ``path`` as a store file."""
    columns = list(data)
    n = len(data[columns[0]])
    with StoreWriter(path, columns) as writer:
        for start in range(0, max(n, 1), chunk):
            writer.extend({c: v[start : start + chunk] for c, v in data.items()})


def read_events(path: str | os.PathLike, columns: list[str] | None = None,
                entry_start: int | None = None, entry_stop: int | None = None) -> dict[str, np.ndarray]:
    """Read columns of a store file into numpy arrays (all columns when ``columns`` is None)."""
    path = Path(path)
    try:
        with uproot.open(path) as f:
            if TREE not in f:
                raise ValueError(f"{path}: no '{TREE}' tree (is this a hepml store file?)")
            tree = f[TREE]
            missing = [c for c in columns or [] if c not in tree.keys()]
            if missing:
                raise ValueError(f"{path}: missing columns {missing}")
            return tree.arrays(columns, library="np", entry_start=entry_start, entry_stop=entry_stop)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such store file") from None


def n_events(path: str | os.PathLike) -> int:
    """Number of events in a store file."""
    with uproot.open(path) as f:
        return f[TREE].num_entries


def read_matrix(path: str | os.PathLike, columns: list[str], **kwargs) -> tuple[np.ndarray, np.ndarray]:
    """Features as a contiguous float32 (n, len(columns)) matrix, and the int labels."""
    arrays = read_events(path, [*columns, LABEL], **kwargs)
    x = np.empty((len(arrays[LABEL]), len(columns)), dtype=np.float32)
    for i, c in enumerate(columns):
        x[:, i] = arrays[c]
    return x, arrays[LABEL].astype(np.int32)
