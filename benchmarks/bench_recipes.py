"""Time to reach a validation AUC >= 0.99 x best: the fast recipe against the paper's SGD recipe.

Both train the configured deep network (``networks.deep``) with seed 0 on the same events: the
train/val splits made by the workflow (default: the offline HIGGS-like sample, complete
features), or, without them, a Gaussian toy. Prints epochs and seconds until each recipe first
reaches 0.99 x the best validation AUC seen by either, and their ratio. Seconds per epoch are the
run's total over its epochs (every epoch does the same work).

    python benchmarks/bench_recipes.py --data results/v1/data/higgs/pythia/split --paper-epochs 60
    python benchmarks/bench_recipes.py --quick
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from hepml.core.config import SCHEMA, validate_config
from hepml.pipeline.inputs import load_inputs
from hepml.pipeline.models import ModelSpec, TrainingData, train_model

ROOT = Path(__file__).resolve().parents[1]


def toy(n: int, features: int = 28, seed: int = 0):
    """Gaussian classes whose means differ by 0.3 in every feature."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return (rng.normal(0, 1, (n, features)) + 0.3 * y[:, None]).astype(np.float32), y


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="results/v1/data/higgs/pythia/split")
    p.add_argument("--dataset", default="higgs")
    p.add_argument("--features", default="complete")
    p.add_argument("--paper-epochs", type=int, default=60, help="cap on the paper recipe's epochs")
    p.add_argument("--max-train", type=int, default=None)
    p.add_argument("--quick", action="store_true", help="a smoke run: toy data, 3 epochs each")
    a = p.parse_args()
    config = validate_config({}, SCHEMA, ROOT)
    data = Path(a.data)
    if a.quick or not (data / "train.root").exists():
        print(f"{data}: no workflow split there; using a Gaussian toy" if not a.quick else "quick: Gaussian toy")
        (x, y), (xv, yv) = toy(4000 if a.quick else 50_000), toy(2000 if a.quick else 20_000, seed=1)
    else:
        x, y = load_inputs(a.dataset, a.features, data / "train.root")
        xv, yv = load_inputs(a.dataset, a.features, data / "val.root")
    x, y = x[: a.max_train], y[: a.max_train]
    net = config["networks"]["deep"]
    runs = {}
    for name in ("fast", "paper"):
        recipe = dict(config["recipes"][name])
        recipe["max_epochs"] = 3 if a.quick else min(recipe["max_epochs"], a.paper_epochs if name == "paper"
                                                     else recipe["max_epochs"])
        spec = ModelSpec("mlp", net, recipe)
        t0 = time.perf_counter()
        _, history = train_model(spec, TrainingData(x, y.astype(np.float32), xv, yv.astype(np.float32)), seed=0,
                                 threads=None, progress=False)
        runs[name] = (history["epochs"], (time.perf_counter() - t0) / len(history["epochs"]))
    best = max(e["val_auc"] for h, _ in runs.values() for e in h)
    print(f"{len(x)} training events, {net['layers']}x{net['width']} network; best validation AUC {best:.4f}")
    reached = {}
    for name, (h, per_epoch) in runs.items():
        hit = next((i for i, e in enumerate(h) if e["val_auc"] >= 0.99 * best), None)
        reached[name] = per_epoch * (hit + 1) if hit is not None else None
        where = (f"epoch {hit + 1}, {reached[name]:.1f} s" if hit is not None
                 else f"not within {len(h)} epochs ({per_epoch * len(h):.1f} s)")
        print(f"{name:5s}: best AUC {max(e['val_auc'] for e in h):.4f}, {per_epoch:.2f} s/epoch; "
              f"reaches 0.99 x best at {where}")
    if all(v is not None for v in reached.values()):
        print(f"ratio paper/fast time to 0.99 x best: {reached['paper'] / reached['fast']:.1f}")


if __name__ == "__main__":
    main()
