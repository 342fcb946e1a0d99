"""Cross-cell ensembles: the three feature-set cells of one network (low, high, complete; 21, 7 and
28 HIGGS columns) and their seeds trained as one vectorised stack, against the baseline of one
seed ensemble per cell (what the per-cell jobs do), measured in the same run on synthetic
HIGGS-shaped data. Prints seconds per epoch of all cells and the ratio.

    python benchmarks/bench_stack.py                       # deep 5x300, 5 seeds, 9.6k events (the default run's cell)
    python benchmarks/bench_stack.py --events 200000 --device cuda
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import numpy as np

from hepml.core.datasets import get_dataset
from hepml.core.training import Recipe
from hepml.pipeline.models import ModelSpec, TrainingData, get_kind, train_ensemble


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=9580)
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--layers", type=int, default=5)
    p.add_argument("--width", type=int, default=300)
    p.add_argument("--device", default="cpu")
    p.add_argument("--quick", action="store_true", help="a smoke run: 2000 events, 2 seeds, 1 epoch, 2x32")
    a = p.parse_args()
    if a.quick:
        a.events, a.seeds, a.epochs, a.layers, a.width = 2000, 2, 1, 2, 32
    higgs = get_dataset("higgs")
    columns = higgs.feature_columns
    sets = {f: [columns.index(c) for c in higgs.feature_set(f)] for f in ("low", "high", "complete")}
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, a.events).astype(np.float32)
    x = rng.normal(size=(a.events, len(columns))).astype(np.float32) + 0.3 * y[:, None]
    recipe = dataclasses.asdict(Recipe.with_defaults(max_epochs=a.epochs, patience=a.epochs + 1))
    spec = ModelSpec("mlp", {"layers": a.layers, "width": a.width, "activation": "tanh", "dropout": 0.0,
                             "device": a.device}, recipe)
    seeds = list(range(a.seeds))
    start = time.perf_counter()
    for cols in sets.values():
        train_ensemble(spec, TrainingData(x[:, cols], y, x[:, cols], y, val_truth=y), seeds, progress=False)
    per_cell = (time.perf_counter() - start) / a.epochs
    start = time.perf_counter()
    get_kind("mlp").train_stack(spec, TrainingData(x, y, x, y, val_truth=y), list(sets.values()), seeds,
                                progress=False)
    stacked = (time.perf_counter() - start) / a.epochs
    print(f"{a.layers}x{a.width}, {a.seeds} seeds x 3 feature sets, {a.events} events, {a.device}")
    print(f"one ensemble per cell (baseline)  {per_cell:8.3f} s per epoch")
    print(f"one stack of every cell           {stacked:8.3f} s per epoch   {per_cell / stacked:5.2f}x the baseline")


if __name__ == "__main__":
    main()
