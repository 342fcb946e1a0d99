"""Atomic, reproducible file output: a temporary sibling renamed onto the target only when complete."""

from __future__ import annotations

import hashlib
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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # someone else's live process
        return True
    return True


def remove_stale_temporaries(path: str | os.PathLike) -> list[Path]:
    """Delete the temporary siblings of ``path`` left by writers that were killed (their process is
    gone): a SIGKILLed job cannot clean up, and its rerun should not leave the litter behind."""
    path = Path(path)
    removed = []
    for tmp in path.parent.glob(f".{path.name}.tmp*"):
        suffix = tmp.name[len(f".{path.name}.tmp"):]
        if suffix.isdigit() and int(suffix) != os.getpid() and not _alive(int(suffix)):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


@contextmanager
def atomic_output(path: str | os.PathLike):
    """Yield a temporary path; rename it onto ``path`` only if the block succeeds. Temporaries of
    the same target left by killed writers are removed first."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    tmp = atomic_path(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def sha256sum(path: str | os.PathLike, chunk: int = 8 << 20) -> str:
    """Hex SHA-256 digest of a file, streamed."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` atomically."""
    with atomic_output(path) as tmp:
        tmp.write_text(text)


def write_json(path: str | os.PathLike, obj) -> None:
    """Write ``obj`` as indented JSON with sorted keys, atomically (same object, same bytes)."""
    write_text(path, json.dumps(obj, indent=1, sort_keys=True) + "\n")


def read_json(path: str | os.PathLike):
    """The JSON value in ``path``; a damaged file is a ValueError naming it (not a parser traceback)."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not valid JSON ({err}); the file is damaged (delete it to remake it)") from None


_EPOCH = (1980, 1, 1, 0, 0, 0)


class NpzWriter:
    """An uncompressed .npz written member by member, atomically and reproducibly (fixed zip
    timestamps); a large member can be streamed in chunks (:meth:`stream`), so it never has to
    be in memory whole. ``numpy.load`` reads the result; :func:`load_npz` can memory-map it."""

    def __init__(self, path: str | os.PathLike):
        self._atomic = atomic_output(path)

    def __enter__(self):
        self._zip = zipfile.ZipFile(self._atomic.__enter__(), "w", zipfile.ZIP_STORED, allowZip64=True)
        return self

    def add(self, name: str, value: np.ndarray) -> None:
        buf = io.BytesIO()
        np.lib.format.write_array(buf, np.asanyarray(value), allow_pickle=False)
        self._zip.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH), buf.getvalue())

    @contextmanager
    def stream(self, name: str, shape: tuple, dtype):
        """A member of ``shape`` and ``dtype`` whose data the caller writes in order (``write(chunk)``)."""
        header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
                  "shape": tuple(int(n) for n in shape)}
        with self._zip.open(zipfile.ZipInfo(f"{name}.npy", date_time=_EPOCH), "w", force_zip64=True) as member:
            np.lib.format.write_array_header_2_0(member, header)
            written = [0]

            class Sink:
                def write(self, chunk: np.ndarray) -> None:
                    chunk = np.ascontiguousarray(chunk, dtype=dtype)
                    member.write(chunk.tobytes())
                    written[0] += chunk.size
            yield Sink()
            if written[0] != int(np.prod(shape)):
                raise ValueError(f"{name}: {written[0]} values written, the header promises {int(np.prod(shape))}")

    def __exit__(self, *exc):
        self._zip.close()
        return self._atomic.__exit__(*exc)


def save_npz(path: str | os.PathLike, **arrays: np.ndarray) -> None:
    """``numpy.savez`` with fixed zip timestamps, atomically, so the same arrays give the same bytes."""
    with NpzWriter(path) as w:
        for name, value in arrays.items():
            w.add(name, value)


def _memmap_member(path, info: zipfile.ZipInfo) -> np.ndarray:
    """A stored (uncompressed) .npy member of a zip file as a read-only memory map."""
    with open(path, "rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)
        start = info.header_offset + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
        f.seek(start)
        version = np.lib.format.read_magic(f)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read(f)
        offset = f.tell()
    return np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape, order="F" if fortran else "C")


def load_npz(path: str | os.PathLike, mmap: tuple[str, ...] | bool = ()) -> dict[str, np.ndarray]:
    """Every array of an .npz file: the members named in ``mmap`` (every member with ``True``)
    memory-mapped when stored uncompressed, as :class:`NpzWriter` writes them, the others loaded."""
    out = {}
    try:
        with zipfile.ZipFile(path) as zf:
            infos = {i.filename.removesuffix(".npy"): i for i in zf.infolist()}
        with np.load(path, allow_pickle=False) as f:
            for k in f.files:
                stored = infos[k].compress_type == zipfile.ZIP_STORED
                out[k] = _memmap_member(path, infos[k]) if (mmap is True or k in mmap) and stored else f[k]
    except (zipfile.BadZipFile, EOFError, KeyError, ValueError) as err:
        raise ValueError(f"{path}: not a readable .npz file ({type(err).__name__}: {err}); the file is damaged "
                         "(delete it to remake it)") from None
    return out
