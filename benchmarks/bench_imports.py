"""Process start-up of a training or scoring job: the imports it pays before any work, against the
baseline of importing everything (PyTorch, and xgboost with its scikit-learn wrappers), measured
in the same run. Every job is a fresh process, so this is paid about 100 times in a default run.

    python benchmarks/bench_imports.py            # 5 repeats each, the median
    python benchmarks/bench_imports.py --repeats 9
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from hepml.core.cli import XGBOOST_NATIVE_ONLY

ROOT = Path(__file__).resolve().parents[1]
STEPS = "import hepml.pipeline.steps"
CASES = {
    "baseline: steps + torch + xgboost with scikit-learn": (f"{STEPS}; import torch, xgboost", {}),
    "a BDT job: steps + xgboost without scikit-learn": (
        f"{STEPS}; from hepml.core.bdt import _xgboost; _xgboost()", {XGBOOST_NATIVE_ONLY: "1"}),
    "a network job: steps + torch": (f"{STEPS}; import torch", {}),
    "an observable job: steps": (STEPS, {}),
}


def seconds(code: str, env: dict, repeats: int) -> float:
    """Median wall time of a fresh interpreter running ``code``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, **env}, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="a smoke run: one repeat")
    a = p.parse_args()
    if a.quick:
        a.repeats = 1
    subprocess.run([sys.executable, "-c", CASES[next(iter(CASES))][0]], cwd=ROOT, check=True)   # warm the caches
    results = {name: seconds(code, env, a.repeats) for name, (code, env) in CASES.items()}
    base = next(iter(results.values()))
    for name, s in results.items():
        print(f"{name:55s} {s:6.2f} s   {base / s:5.2f}x faster than the baseline")


if __name__ == "__main__":
    main()
