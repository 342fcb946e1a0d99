"""Sample preparation on store files, in chunks: merge shards with a seeded shuffle, and split into
train / validation / test parts as contiguous entry ranges. Memory is bounded by the chunk size
(``chunk`` entries of every column), not by the sample."""

from __future__ import annotations

import contextlib
import math
import os
from pathlib import Path

import numpy as np

from .atomic import atomic_path
from .store import TREE, StoreWriter, concatenate_columns, iterate_store, n_entries, read_store

PARTS = ("train", "val", "test")


def split_ranges(total: int, sizes: dict[str, int | float], limits: dict[str, int | None] | None = None) -> dict[str, tuple[int, int]]:
    """Entry ranges of the parts, in file order train, val, test.

    ``sizes`` gives each part as an event count (int, as the authors' split of the UCI files: the
    test set is the *last* events) or a fraction of ``total`` (float below 1). ``limits``
    optionally caps each part (e.g. a laptop-sized training set) by taking its first events.
    """
    if set(sizes) != set(PARTS):
        raise ValueError(f"split sizes must name {PARTS}, got {sorted(sizes)}")
    counts = {p: int(s * total) if isinstance(s, float) else int(s) for p, s in sizes.items()}
    if sum(counts.values()) > total:
        raise ValueError(f"split sizes {counts} add up to more than the {total} events available")
    starts = {"train": 0, "val": counts["train"], "test": total - counts["test"]}
    ranges = {}
    for p in PARTS:
        n = counts[p]
        cap = limits[p] if limits else None
        if cap is not None:
            n = min(n, int(cap))
        if n <= 0:
            raise ValueError(f"split part {p!r} would be empty ({total} events, sizes {sizes})")
        ranges[p] = (starts[p], starts[p] + n)
    return ranges


def _slice(chunk: dict, start: int, stop: int) -> dict:
    return {c: v[start:stop] for c, v in chunk.items()}


def split_store(source: str | os.PathLike, outputs: dict[str, str | os.PathLike],
                sizes: dict[str, int | float], limits: dict[str, int | None] | None = None,
                chunk: int = 500_000, sizes_key: str | None = None) -> dict[str, int]:
    """Write the train/val/test parts of ``source`` to ``outputs``, streaming; return their sizes.
    ``sizes_key`` (the config key the sizes come from) is named in the error when they do not fit."""
    try:
        ranges = split_ranges(n_entries(source), sizes, limits)
    except ValueError as e:
        where = f" (config keys {sizes_key} and limits)" if sizes_key else ""
        raise ValueError(f"{source}: {e}{where}") from None
    with contextlib.ExitStack() as stack:
        writers = {p: stack.enter_context(StoreWriter(outputs[p])) for p in PARTS}
        position = 0
        for data in iterate_store(source, step=chunk):
            n = len(next(iter(data.values())))
            for p, (start, stop) in ranges.items():
                a, b = max(start, position), min(stop, position + n)
                if a < b:
                    writers[p].extend(_slice(data, a - position, b - position))
            position += n
    return {p: b - a for p, (a, b) in ranges.items()}


def _chunks(inputs, chunk: int, add_columns):
    """Every input's chunks, with the columns ``add_columns[i](chunk)`` of its input added."""
    for i, p in enumerate(inputs):
        for data in iterate_store(p, step=chunk):
            yield {**data, **add_columns[i](data)} if add_columns else data


def merge_shuffled(inputs: list[str | os.PathLike], output: str | os.PathLike, seed: int,
                   chunk: int = 1_000_000, add_columns: list | None = None) -> int:
    """Concatenate the ``events`` trees of ``inputs`` in a seeded random order; return the count.

    An external shuffle: every event goes to one of ceil(total / chunk) temporary buckets chosen
    at random, then each bucket is shuffled in memory and appended. That is a uniformly random
    order with at most about one bucket in memory; with a single bucket it is one permutation.
    ``add_columns`` (one callable per input, chunk -> {column: values}) adds columns on the way.
    """
    total = sum(n_entries(p) for p in inputs)
    rng = np.random.default_rng(seed)
    n_buckets = max(1, math.ceil(total / chunk))
    if n_buckets == 1:
        data = concatenate_columns(list(_chunks(inputs, chunk, add_columns)))
        order = rng.permutation(total)
        with StoreWriter(output) as w:
            w.extend({c: v[order] for c, v in data.items()})
        return total
    output = Path(output)
    buckets = [atomic_path(output.with_name(f"{output.name}.bucket{i}")) for i in range(n_buckets)]
    try:
        with contextlib.ExitStack() as stack:
            writers = [stack.enter_context(StoreWriter(b)) for b in buckets]
            for data in _chunks(inputs, chunk, add_columns):
                target = rng.integers(0, n_buckets, len(next(iter(data.values()))))
                for i in np.unique(target):
                    writers[i].extend({c: v[target == i] for c, v in data.items()})
            filled = [b for b, w in zip(buckets, writers) if w.n_events]
        with StoreWriter(output) as out:
            for b in filled:
                data = read_store(b)
                order = rng.permutation(len(next(iter(data.values()))))
                out.extend({c: v[order] for c, v in data.items()})
    finally:
        for b in buckets:
            b.unlink(missing_ok=True)
    return total


__all__ = ["PARTS", "split_ranges", "split_store", "merge_shuffled", "TREE"]
