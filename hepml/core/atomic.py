"""Atomic, reproducible file output: a temporary sibling renamed onto the target only when complete."""

from __future__ import annotations

import io
import json
import os
import zipfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np


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


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` atomically."""
    with atomic_output(path) as tmp:
        tmp.write_text(text)


def write_json(path: str | os.PathLike, obj) -> None:
    """Write ``obj`` as indented JSON with sorted keys, atomically (same object, same bytes)."""
    write_text(path, json.dumps(obj, indent=1, sort_keys=True) + "\n")


def read_json(path: str | os.PathLike):
    with open(path) as f:
        return json.load(f)


def save_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """``numpy.savez`` with fixed zip timestamps, atomically, so the same arrays give the same bytes."""
    with atomic_output(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:
        for name, value in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(value), allow_pickle=False)
            zf.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0)), buf.getvalue())


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Every array of an .npz file, loaded into memory."""
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}
