"""Every benchmark runs (``--quick``) and prints the figures its docstring promises.

The figures themselves are machine-dependent and asserted nowhere; what is asserted is that the
scripts work against today's code and report what docs/performance.md quotes them for.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted(p.name for p in (ROOT / "benchmarks").glob("*.py"))

EXPECT = {
    "bench_convert.py": [r"hepml convert\s+[\d.]+\s+[\d.]+x", r"pyarrow\.csv\s+[\d.]+", r"gunzip \(ISA-L\)"],
    "bench_generation.py": [r"pythia nextBatch\s+[\d.]+", r"detector \(FastJet", r"ratio chain/bare\s+: [\d.]+"],
    "bench_mpi.py": [r"mpi on  quark: +[\d.]+ events/s", r"gluon: multiple interactions make generation [\d.]+x slower"],
    "bench_images.py": [r"^\s+2000\s+\d+\s+\d+\s+[\d.]+x", r"peak RSS: \d+ MB"],
    "bench_recipes.py": [r"fast : best AUC 0\.\d+", r"paper: best AUC 0\.\d+"],
    "bench_training.py": [r"CPU, \d+ threads, fast recipe", r"ensemble of 5 +\d+ events/s"],
    "bench_cnn.py": [r"NCHW \(baseline\)\s+[\d.]+ s per epoch", r"channels-last is [\d.]+x the NCHW baseline"],
    "bench_run.py": [r"^train\s+1\s+90\.0\s+66\.7%", r"longest \d+ jobs"],
    "gpu_check.py": [r"graph_equals_eager"],
    "bench_stack.py": [r"one ensemble per cell \(baseline\)\s+[\d.]+ s per epoch", r"one stack of every cell\s+[\d.]+ s per epoch\s+[\d.]+x"],
    "bench_imports.py": [r"^baseline: .+1\.00x", r"^a BDT job: .+ [\d.]+x faster"],
    "bench_shower_weights.py": [r"no weights \(baseline\)\s+[\d.]+ s / 1000 events\s+1\.00x",
                                r"shower weights \(defaults\)\s+[\d.]+ s / 1000 events\s+[\d.]+x  effective fraction: fsr_up 0\.\d\d"],
    "bench_variations.py": [r"Pythia nextBatch \+ flatten \(baseline\)\s+[\d.]+\s+1\.00",
                            r"one more card costs [\d.]+x the generation"],
}


def test_every_benchmark_is_covered():
    assert set(BENCHMARKS) == set(EXPECT)


@pytest.mark.parametrize("script", BENCHMARKS)
def test_benchmark_runs_quick(script, tmp_path):
    if script == "gpu_check.py":
        import torch

        if not torch.cuda.is_available():
            pytest.skip("gpu_check.py checks the CUDA paths: it runs on a GPU machine only")
    args = [] if script == "gpu_check.py" else ["--quick"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    for pattern in EXPECT[script]:
        assert re.search(pattern, run.stdout, re.MULTILINE), f"{script}: no {pattern!r} in\n{run.stdout[-2000:]}"
