"""One-pass streaming conversion of a UCI ``.csv.gz`` into a store file.

The compressed text is decompressed in a background thread (ISA-L when
installed, else zlib) and parsed in blocks of whole lines, so memory stays
bounded by the block size whatever the file size.
"""

from __future__ import annotations

import gzip
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from .csvparse import CSVFormatError, parse_block
from ..core.datasets import columns as dataset_columns
from ..core.store import StoreWriter


def _open_gzip(raw):
    try:
        from isal import igzip_threaded
    except ImportError:
        return gzip.open(raw, "rb")
    return igzip_threaded.open(raw, "rb", threads=1)


FLOAT32_MAX = float(np.finfo(np.float32).max)


def _check_values(values: np.ndarray, path: Path, first_line: int) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise CSVFormatError(f"{path}: line {first_line + row}, column {col}: value is {float(values[row, col])}")
    too_big = np.abs(values) > FLOAT32_MAX
    if too_big.any():
        row, col = np.argwhere(too_big)[0]
        raise CSVFormatError(f"{path}: line {first_line + row}, column {col}: {float(values[row, col])!r} does not "
                             "fit in float32 (the store's type)")
    labels = values[:, 0]
    bad_label = (labels != 0) & (labels != 1)
    if bad_label.any():
        row = int(np.flatnonzero(bad_label)[0])
        raise CSVFormatError(f"{path}: line {first_line + row}: label is {float(labels[row])}, expected 0 or 1")


def _line_blocks(stream, block_bytes: int):
    """Yield (block of whole lines, first line number, previous) from a binary stream.

    ``previous`` is False for blocks of newline-terminated lines. A last line without a newline
    comes as its own block with ``previous`` the line before it (to compare its layout with); it
    is yielded only after the stream ended cleanly (a truncated gzip stream raises before).
    """
    line, tail, previous = 1, b"", b""
    while True:
        chunk = stream.read(block_bytes)
        if not chunk:
            break
        chunk = tail + chunk
        cut = chunk.rfind(b"\n") + 1
        block, tail = chunk[:cut], chunk[cut:]
        if block:
            yield block, line, False
            line += block.count(b"\n")
            previous = block[block.rfind(b"\n", 0, len(block) - 1) + 1:]
    if tail.strip():
        yield tail + b"\n", line, previous


def _field_layout(field: bytes) -> tuple:
    """How a number is written: its digits after the point and its exponent's length (not its value)."""
    mantissa, _, exponent = field.strip().lower().partition(b"e")
    return len(mantissa.partition(b".")[2]), len(exponent)


def check_last_line(last: bytes, previous: bytes, line: int, path) -> None:
    """A last line without a newline must be written like the line before it, field by field; else
    the file was most likely cut off inside a number (which would still parse as a number)."""
    if not previous:
        return
    for column, (a, b) in enumerate(zip(last.rstrip(b"\n").split(b","), previous.rstrip(b"\r\n").split(b","))):
        if _field_layout(a) != _field_layout(b):
            raise CSVFormatError(
                f"{path}: line {line}, column {column}: the last line has no newline and {a[:30]!r} is written "
                f"unlike the line above ({b[:30]!r}): the file looks cut off inside a number")


def _parse_checked(block: bytes, first_line: int, n_columns: int, path: Path) -> np.ndarray:
    values = parse_block(block, n_columns, str(path), first_line)
    _check_values(values, path, first_line)
    return values


def iter_csv_blocks(path: str | os.PathLike, n_columns: int, block_bytes: int = 16 << 20,
                    threads: int | None = None):
    """Yield (values, compressed bytes read so far) for blocks of a (gzipped) CSV file.

    ``values`` is a (rows, n_columns) float64 array of whole lines, in file order.
    Blocks are parsed by a small thread pool (numpy releases the GIL) while the
    next blocks are decompressed, keeping at most ``2 * threads`` blocks in memory.
    """
    path = Path(path)
    threads = threads or min(4, os.cpu_count() or 1)
    with open(path, "rb") as raw, (_open_gzip(raw) if path.suffix == ".gz" else raw) as stream, \
            ThreadPoolExecutor(threads) as pool:
        pending: deque = deque()

        def take():
            future, first_line, block, previous = pending.popleft()
            values = future.result()
            if previous is not False:  # the last line, without a newline
                check_last_line(block, previous, first_line, path)
            return values

        try:
            for block, first_line, previous in _line_blocks(stream, block_bytes):
                pending.append((pool.submit(_parse_checked, block, first_line, n_columns, path), first_line,
                                block, previous))
                if len(pending) >= 2 * threads:
                    yield take(), raw.tell()
        except (OSError, EOFError) as err:
            raise CSVFormatError(f"{path}: corrupt or truncated compressed data: {err}") from err
        while pending:
            yield take(), raw.tell()


def convert_csv(source: str | os.PathLike, output: str | os.PathLike, dataset: str,
                max_events: int | None = None, progress: bool = True) -> int:
    """Convert a UCI CSV(.gz) of ``dataset`` into the store file ``output``; return the event count."""
    source = Path(source)
    names = dataset_columns(dataset)
    total = source.stat().st_size
    bar = tqdm(total=total, unit="B", unit_scale=True, desc=f"convert {source.name}", disable=not progress)
    with StoreWriter(output) as writer:
        for values, position in iter_csv_blocks(source, len(names)):
            if max_events is not None:
                values = values[: max_events - writer.n_events]
            writer.extend({name: values[:, i] for i, name in enumerate(names)})
            bar.update(position - bar.n)
            if max_events is not None and writer.n_events >= max_events:
                break
        if writer.n_events == 0:
            raise CSVFormatError(f"{source}: no events")
    bar.close()
    return writer.n_events
