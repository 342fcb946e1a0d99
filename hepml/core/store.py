"""The store: ROOT files of flat TTrees, written atomically, byte-reproducibly and with checksums.

A store file holds one or more TTrees (``events`` by default): one float32 branch per feature,
int32 for integer columns such as ``label``, and jagged records (a jet's constituents) as
ROOT's counter + branches (``nc``, ``c_pt``, ``c_y``, ...). A physicist opens it in ROOT
directly (``events->Draw("m_bb", "label==1")``); Python loads it into contiguous numpy arrays.

ROOT files carry no integrity check of their own, so every file also holds a ``hepml`` string
with a BLAKE2 digest of every column, computed from the arrays as they are written. Reading a
whole column verifies it, so a garbled or edited file stops the run with the file and column
named instead of training on wrong data. Writing is atomic (a temporary name, renamed when
complete) and byte-reproducible: the file's UUID and timestamps are fixed, so the same data
give the same bytes.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import types
import uuid
from pathlib import Path

import awkward as ak
import numpy as np
import uproot

from .atomic import atomic_output

TREE = "events"
META = "hepml"
FORMAT = 1
_FIXED_TIME = datetime.datetime(2000, 1, 1)


class StoreError(ValueError):
    """A store file is missing, not a hepml store, or its content does not match its checksums."""


class _FixedDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        return _FIXED_TIME


@contextlib.contextmanager
def _fixed_timestamps():
    """uproot stamps keys and directories with the wall clock; fix it while a file is written."""
    import uproot.writing._cascade as cascade
    import uproot.writing._cascadetree as cascadetree
    import uproot.writing.writable as writable

    modules = (cascade, cascadetree, writable)
    saved = [m.datetime for m in modules]
    shim = types.SimpleNamespace(datetime=_FixedDatetime)
    for m in modules:
        m.datetime = shim
    try:
        yield
    finally:
        for m, s in zip(modules, saved):
            m.datetime = s


def _compression():
    return uproot.LZ4(1)


def _cast(name: str, values, path) -> np.ndarray | ak.Array:
    """Values as stored: float32 for floats, int32 for integers and booleans; jagged records field by field.

    A finite value that float32 cannot hold (``9e+99``) is an error, not an ``inf`` in the store.
    """
    if isinstance(values, ak.Array):
        if isinstance(values.type.content, ak.types.OptionType):
            if ak.any(ak.is_none(values, axis=0)):
                raise StoreError(f"{path}: column {name!r} has missing entries")
            values = ak.drop_none(values, axis=0)
        if values.fields:
            return ak.zip({f: _cast(f"{name}.{f}", values[f], path) for f in values.fields})
        integer = ak.to_numpy(ak.flatten(values, axis=None)).dtype.kind in "biu"
        return ak.values_astype(values, np.int32 if integer else np.float32)
    values = np.asarray(values)
    if values.dtype.kind in "biu":
        return np.ascontiguousarray(values, dtype=np.int32)
    with np.errstate(over="ignore"):
        out = np.ascontiguousarray(values, dtype=np.float32)
    overflow = np.isinf(out) & np.isfinite(values)
    if overflow.any():
        i = int(np.flatnonzero(overflow)[0])
        raise StoreError(f"{path}: column {name!r}, entry {i}: {float(values[i])!r} does not fit in float32")
    return out


class _Digest:
    """BLAKE2 of a column's content that does not depend on how it is chunked: one stream per
    part (a flat column's values; a jagged column's counts and each field's flat values)."""

    def __init__(self):
        self._parts: dict[str, object] = {}

    def _part(self, name: str):
        return self._parts.setdefault(name, hashlib.blake2b(digest_size=16))

    def update(self, values) -> None:
        if isinstance(values, ak.Array):
            self._part("counts").update(np.ascontiguousarray(ak.to_numpy(ak.num(values)), dtype=np.int64).tobytes())
            flat = ak.flatten(values)
            for f in flat.fields:
                self._part(f"field {f}").update(np.ascontiguousarray(ak.to_numpy(flat[f])).tobytes())
        else:
            self._part("values").update(np.ascontiguousarray(values).tobytes())

    def hexdigest(self) -> str:
        if list(self._parts) == ["values"]:
            return self._parts["values"].hexdigest()
        combined = hashlib.blake2b(digest_size=16)
        for name, part in self._parts.items():
            combined.update(f"{name}:{part.hexdigest()};".encode())
        return combined.hexdigest()


def _branch_type(values):
    return values.type.content if isinstance(values, ak.Array) else values.dtype


class StoreWriter:
    """Write chunks of columns into the trees of a store file (use as a context manager)::

        with StoreWriter(path) as w:
            w.extend({"label": ..., "m_bb": ...})          # tree "events"
            w.extend({"pt_true": ...}, tree="jets")
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._atomic = atomic_output(self.path)
        self._digests: dict[str, dict] = {}
        self._entries: dict[str, int] = {}

    def __enter__(self):
        tmp = self._atomic.__enter__()
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(_fixed_timestamps())
        handle = self._stack.enter_context(open(tmp, "w+b"))
        self._file = self._stack.enter_context(
            uproot.recreate(handle, compression=_compression(), uuid_function=lambda: uuid.UUID(int=0)))
        return self

    @property
    def n_events(self) -> int:
        return self._entries.get(TREE, 0)

    def extend(self, data: dict, tree: str = TREE) -> None:
        """Append equal-length columns to ``tree`` (created on first use with these columns)."""
        cast = {name: _cast(name, values, self.path) for name, values in data.items()}
        lengths = {len(v) for v in cast.values()}
        if len(lengths) > 1:
            raise StoreError(f"{self.path}: tree {tree!r}: columns of different lengths {sorted(lengths)}")
        if tree not in self._digests:
            self._file.mktree(tree, {name: _branch_type(v) for name, v in cast.items()})
            self._digests[tree] = {name: _Digest() for name in cast}
            self._entries[tree] = 0
        if list(cast) != list(self._digests[tree]):
            raise StoreError(f"{self.path}: tree {tree!r} has columns {list(self._digests[tree])}, got {list(cast)}")
        self._file[tree].extend(cast)
        for name, values in cast.items():
            self._digests[tree][name].update(values)
        self._entries[tree] += lengths.pop() if lengths else 0

    def __exit__(self, *exc):
        try:
            if exc[0] is None:
                meta = {"format": FORMAT, "trees": {
                    t: {"entries": self._entries[t], "checksums": {c: d.hexdigest() for c, d in ds.items()}}
                    for t, ds in self._digests.items()}}
                self._file[META] = json.dumps(meta)  # column order is the order written
        finally:
            self._stack.__exit__(*exc)
        return self._atomic.__exit__(*exc)


def write_store(path: str | os.PathLike, trees: dict[str, dict], chunk: int = 1_000_000) -> None:
    """Write whole in-memory trees ({tree: {column: values}}) to a store file."""
    with StoreWriter(path) as writer:
        for tree, data in trees.items():
            n = len(next(iter(data.values())))
            for start in range(0, max(n, 1), chunk):
                writer.extend({c: v[start : start + chunk] for c, v in data.items()}, tree)


def write_events(path: str | os.PathLike, data: dict, chunk: int = 1_000_000) -> None:
    """Write one ``events`` tree."""
    write_store(path, {TREE: data}, chunk)


def _open(path: Path):
    try:
        return uproot.open(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such store file") from None
    except Exception as err:  # noqa: BLE001 - uproot raises many kinds on a garbled header
        raise StoreError(f"{path}: not a readable ROOT file ({type(err).__name__}: {err})") from None


def _meta(f, path: Path) -> dict:
    if META not in f:
        raise StoreError(f"{path}: no '{META}' checksum record (not written by hepml's store?)")
    return json.loads(str(f[META]))


def _tree(f, path: Path, tree: str):
    if tree not in f:
        raise StoreError(f"{path}: no '{tree}' tree (is this a hepml store file?)")
    return f[tree]


def n_entries(path: str | os.PathLike, tree: str = TREE) -> int:
    """Number of entries (events, jets) of ``tree``."""
    path = Path(path)
    with _open(path) as f:
        return _tree(f, path, tree).num_entries


def store_columns(path: str | os.PathLike, tree: str = TREE) -> list[str]:
    """The column names of ``tree``, in the order written."""
    path = Path(path)
    with _open(path) as f:
        record = _meta(f, path)["trees"].get(tree)
    if record is None:
        raise StoreError(f"{path}: no '{tree}' tree (is this a hepml store file?)")
    return list(record["checksums"])


def _read_chunk(t, path: Path, columns: list[str], jagged: dict[str, list[str]], start: int, stop: int) -> dict:
    branches = [c for c in columns if c not in jagged] + [f"{c}_{f}" for c in jagged for f in jagged[c]]
    try:
        arrays = t.arrays(branches, entry_start=start, entry_stop=stop, library="ak")
    except Exception as err:  # noqa: BLE001 - decompression and deserialisation errors of a garbled file
        raise StoreError(f"{path}: entries {start}-{stop} cannot be read, the file is corrupt "
                         f"({type(err).__name__}: {err}); delete it and rerun the rule that made it") from None
    out = {}
    for c in columns:
        if c in jagged:
            out[c] = ak.zip({f: arrays[f"{c}_{f}"] for f in jagged[c]})
        else:
            out[c] = ak.to_numpy(arrays[c])
    return out


def iterate_store(path: str | os.PathLike, tree: str = TREE, columns: list[str] | None = None,
                  step: int = 500_000):
    """Yield the columns of ``tree`` in chunks of ``step`` entries, then verify their checksums.

    A mismatch raises :class:`StoreError` after the last chunk, so a writer fed from the chunks
    (inside its own atomic output) never renames a file made from a garbled input.
    """
    path = Path(path)
    with _open(path) as f:
        meta = _meta(f, path)
        t = _tree(f, path, tree)
        record = meta["trees"].get(tree)
        if record is None:
            raise StoreError(f"{path}: tree {tree!r} has no checksum record")
        names = list(record["checksums"]) if columns is None else list(columns)
        missing = [c for c in names if c not in record["checksums"]]
        if missing:
            raise StoreError(f"{path}: missing columns {missing}")
        keys = set(t.keys())
        jagged = {c: [k[len(c) + 1:] for k in t.keys() if k.startswith(c + "_") and k not in record["checksums"]]
                  for c in names if c not in keys}
        digests = {c: _Digest() for c in names}
        total = t.num_entries
        if total != record["entries"]:
            raise StoreError(f"{path}: tree {tree!r} has {total} entries, its record says {record['entries']}")
        for start in range(0, max(total, 1), step):
            chunk = _read_chunk(t, path, names, jagged, start, min(start + step, total))
            for c, v in chunk.items():
                digests[c].update(v)
            yield chunk
        bad = [c for c in names if digests[c].hexdigest() != record["checksums"][c]]
        if bad:
            raise StoreError(f"{path}: tree {tree!r}, column {bad[0]!r}: content does not match the checksum "
                             "recorded when it was written (the file was modified or is corrupt); delete it "
                             "and rerun the rule that made it")


def concatenate_columns(chunks: list[dict]) -> dict:
    """Chunks of the same columns joined into one (numpy or awkward) array per column."""
    if len(chunks) == 1:
        return chunks[0]
    return {c: (ak.concatenate([ch[c] for ch in chunks]) if isinstance(chunks[0][c], ak.Array)
                else np.concatenate([ch[c] for ch in chunks])) for c in chunks[0]}


def read_store(path: str | os.PathLike, tree: str = TREE, columns: list[str] | None = None) -> dict:
    """Whole columns of ``tree`` (all when ``columns`` is None), verified against their checksums."""
    return concatenate_columns(list(iterate_store(path, tree, columns, step=1 << 62)))


def read_events(path: str | os.PathLike, columns: list[str] | None = None) -> dict[str, np.ndarray]:
    """Columns of the ``events`` tree (verified)."""
    return read_store(path, TREE, columns)


def read_matrix(path: str | os.PathLike, columns: list[str], label: str = "label") -> tuple[np.ndarray, np.ndarray]:
    """Features as a contiguous float32 (n, len(columns)) matrix, and the int32 labels."""
    arrays = read_events(path, [*columns, label])
    x = np.empty((len(arrays[label]), len(columns)), dtype=np.float32)
    for i, c in enumerate(columns):
        x[:, i] = arrays[c]
    return x, arrays[label].astype(np.int32)
