"""CSV.gz -> store conversion throughput against pandas.read_csv on the same file.

Writes a UCI-format HIGGS-like file (``%.18e``, 29 columns) of ``--rows`` rows,
then times hepml.convert.convert_csv and pandas.read_csv(dtype=float32) on it
and prints MB/s of compressed input, the ratio, and peak memory of each.

    python benchmarks/bench_convert.py --rows 1000000
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


def make_file(path: str, rows: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    with gzip.open(path, "wb", compresslevel=6) as out:
        for start in range(0, rows, 100_000):
            n = min(100_000, rows - start)
            x = np.abs(rng.normal(1.0, 0.5, size=(n, 29)))
            x[:, 2::4] = rng.uniform(-np.pi, np.pi, size=x[:, 2::4].shape)
            x[:, 0] = rng.integers(0, 2, n)
            buf = io.StringIO()
            np.savetxt(buf, x, fmt="%.18e", delimiter=",")
            out.write(buf.getvalue().encode())


def _run(kind: str, path: str, queue) -> None:
    start = time.perf_counter()
    if kind == "hepml":
        from hepml.convert import convert_csv

        convert_csv(path, path + ".root", "higgs", progress=False)
    else:
        import pandas as pd

        pd.read_csv(path, header=None, dtype=np.float32)
    elapsed = time.perf_counter() - start
    queue.put((elapsed, _peak_rss_mb()))


def _peak_rss_mb() -> float:
    # VmHWM belongs to the process image (ru_maxrss would include the parent's, kept across exec).
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(kind: str, path: str) -> tuple[float, float]:
    queue = mp.get_context("spawn").Queue()
    proc = mp.get_context("spawn").Process(target=_run, args=(kind, path, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "HIGGS.csv.gz")
        make_file(path, args.rows)
        mb = os.path.getsize(path) / 1e6
        print(f"input: {args.rows} rows, {mb:.1f} MB compressed")
        base_t, base_mem = measure("pandas", path)
        ours_t, ours_mem = measure("hepml", path)
        print(f"pandas.read_csv : {mb / base_t:7.1f} MB/s  peak RSS {base_mem:7.0f} MB")
        print(f"hepml convert   : {mb / ours_t:7.1f} MB/s  peak RSS {ours_mem:7.0f} MB")
        print(f"speed-up vs pandas: {base_t / ours_t:.2f}x")


if __name__ == "__main__":
    main()
