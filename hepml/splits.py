"""Train / validation / test splits of a store file, as contiguous event ranges."""

from __future__ import annotations

import os

from .store import n_events, read_events, write_events

PARTS = ("train", "val", "test")


def split_ranges(total: int, sizes: dict[str, int | float], limits: dict[str, int | None] | None = None) -> dict[str, tuple[int, int]]:
    """Entry ranges of the parts, in file order train, val, test.

    ``sizes`` gives each part as an event count (int, as the authors' split of
    the UCI files: the test set is the *last* events) or a fraction of ``total``
    (float). ``limits`` optionally caps each part (e.g. a laptop-sized training set)
    by taking its first events.
    """
    counts = {p: int(s * total) if isinstance(s, float) else int(s) for p, s in sizes.items()}
    if set(counts) != set(PARTS):
        raise ValueError(f"split sizes must name {PARTS}, got {sorted(counts)}")
    if sum(counts.values()) > total:
        raise ValueError(f"split sizes {counts} add up to more than the {total} events available")
    starts = {"train": 0, "val": counts["train"], "test": total - counts["test"]}
    ranges = {}
    for p in PARTS:
        n = counts[p]
        cap = (limits or {}).get(p)
        if cap is not None:
            n = min(n, int(cap))
        if n <= 0:
            raise ValueError(f"split part {p!r} would be empty")
        ranges[p] = (starts[p], starts[p] + n)
    return ranges


def split_store(source: str | os.PathLike, outputs: dict[str, str | os.PathLike],
                sizes: dict[str, int | float], limits: dict[str, int | None] | None = None) -> dict[str, int]:
    """Write the train/val/test parts of ``source`` to ``outputs``; return their sizes."""
    ranges = split_ranges(n_events(source), sizes, limits)
    for part, (start, stop) in ranges.items():
        write_events(outputs[part], read_events(source, entry_start=start, entry_stop=stop))
    return {p: b - a for p, (a, b) in ranges.items()}
