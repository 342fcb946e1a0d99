"""UCI CSV.gz conversion: where the time goes, and hepml against pandas and pyarrow on the same file.

Writes a UCI-format HIGGS-like file (``%.18e``, 29 columns) of ``--rows`` rows, then times, each
in a fresh process with its peak RSS:

- ``gunzip (zlib)`` / ``gunzip (ISA-L)``: decompression alone, the floor of any one-pass reader;
- ``hepml parse only``: hepml's parser on the already decompressed text, one thread (the
  converter runs it on every core while ISA-L decompresses);
- ``hepml convert``: the workflow's conversion (decompress + parse + checks + store file);
- ``pandas.read_csv``: pandas' C parser to float32, into memory only;
- ``pyarrow.csv``: Apache Arrow's multi-threaded reader to float32, into memory only.

Prints MB/s of compressed input and each time as a ratio to pandas (the baseline of this run).

    python benchmarks/bench_convert.py --rows 1000000
    python benchmarks/bench_convert.py --quick
"""

from __future__ import annotations

import argparse
import gzip
import io
import multiprocessing as mp
import os
import tempfile
import time

import numpy as np

N_COLUMNS = 29


def make_file(path: str, rows: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    with gzip.open(path, "wb", compresslevel=6) as out:
        for start in range(0, rows, 100_000):
            n = min(100_000, rows - start)
            x = np.abs(rng.normal(1.0, 0.5, size=(n, N_COLUMNS)))
            x[:, 2::4] = rng.uniform(-np.pi, np.pi, size=x[:, 2::4].shape)
            x[:, 0] = rng.integers(0, 2, n)
            buf = io.StringIO()
            np.savetxt(buf, x, fmt="%.18e", delimiter=",")
            out.write(buf.getvalue().encode())


def _gunzip(path, opener):
    with opener(path) as f:
        while f.read(16 << 20):
            pass


def _parse_only(path):
    """Seconds hepml's parser takes for the decompressed text, one thread, in the converter's 16 MB blocks."""
    from hepml.benchmark.csvparse import parse_block

    text = gzip.open(path).read()
    blocks, start = [], 0
    while start < len(text):
        end = text.find(b"\n", min(start + (16 << 20), len(text) - 1)) + 1 or len(text)
        blocks.append(text[start:end])
        start = end
    t0 = time.perf_counter()
    for block in blocks:
        parse_block(block, N_COLUMNS, path)
    return time.perf_counter() - t0


def _run(kind: str, path: str, queue) -> None:
    start = time.perf_counter()
    elapsed = None
    if kind == "gunzip (zlib)":
        _gunzip(path, lambda p: gzip.open(p, "rb"))
    elif kind == "gunzip (ISA-L)":
        from isal import igzip_threaded

        _gunzip(path, lambda p: igzip_threaded.open(p, "rb", threads=1))
    elif kind == "hepml parse only":
        elapsed = _parse_only(path)
    elif kind == "hepml convert":
        from hepml.benchmark.uci import convert_csv

        convert_csv(path, path + ".root", "higgs", progress=False)
    elif kind == "pandas.read_csv":
        import pandas as pd

        pd.read_csv(path, header=None, dtype=np.float32)
    elif kind == "pyarrow.csv":
        import pyarrow as pa
        from pyarrow import csv

        names = [f"c{i}" for i in range(N_COLUMNS)]
        csv.read_csv(path, read_options=csv.ReadOptions(column_names=names),
                     convert_options=csv.ConvertOptions(column_types={n: pa.float32() for n in names}))
    queue.put((elapsed if elapsed is not None else time.perf_counter() - start, _peak_rss_mb()))


def _peak_rss_mb() -> float:
    # VmHWM belongs to the process image (ru_maxrss would include the parent's, kept across exec).
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(kind: str, path: str) -> tuple[float, float]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_run, args=(kind, path, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


KINDS = ["gunzip (zlib)", "gunzip (ISA-L)", "hepml parse only", "hepml convert", "pandas.read_csv", "pyarrow.csv"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20k rows")
    args = parser.parse_args()
    rows = 20_000 if args.quick else args.rows
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "HIGGS.csv.gz")
        make_file(path, rows)
        mb = os.path.getsize(path) / 1e6
        print(f"input: {rows} rows, {mb:.1f} MB compressed, {os.cpu_count()} CPU(s)")
        results = {kind: measure(kind, path) for kind in KINDS}
        base = results["pandas.read_csv"][0]
        print(f"{'':18s} {'MB/s':>7s} {'vs pandas':>10s} {'peak RSS MB':>12s}")
        for kind, (seconds, rss) in results.items():
            print(f"{kind:18s} {mb / seconds:7.1f} {base / seconds:9.2f}x {rss:12.0f}")


if __name__ == "__main__":
    main()
