"""Time to reach a validation AUC >= 0.99 x best: the fast recipe against the paper's SGD recipe.

Both train the same deep network (config `networks.deep`) on the same fixed subset, the
train/val splits of a store made by the workflow (default: the offline HIGGS-like sample,
complete features). Prints epochs and seconds until each recipe first reaches
0.99 x the best validation AUC seen by either, and their ratio.

    python benchmarks/bench_recipes.py --data results/v1/data/higgs/pythia/split --paper-epochs 60
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import yaml

from hepml.schema import feature_set
from hepml.store import read_matrix
from hepml.tabular import train_network
from hepml.training import Recipe


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="results/v1/data/higgs/pythia/split")
    p.add_argument("--dataset", default="higgs")
    p.add_argument("--features", default="complete")
    p.add_argument("--config", default="config/config.yaml")
    p.add_argument("--paper-epochs", type=int, default=60, help="cap on the paper recipe's epochs")
    p.add_argument("--max-train", type=int, default=None)
    a = p.parse_args()
    cfg = yaml.safe_load(Path(a.config).read_text())
    cols = feature_set(a.dataset, a.features)
    x, y = read_matrix(Path(a.data) / "train.root", cols, entry_stop=a.max_train)
    xv, yv = read_matrix(Path(a.data) / "val.root", cols)
    net = cfg["networks"]["deep"]
    runs = {}
    for name in ("fast", "paper"):
        r = dict(cfg["recipes"][name])
        if name == "paper":
            r["max_epochs"] = min(r["max_epochs"], a.paper_epochs)
        recipe = Recipe.from_dict(r)
        _, history = train_network(x, y.astype(np.float32), xv, yv.astype(np.float32), net["layers"], net["width"],
                                   recipe, seed=0, threads=None, progress=False)
        runs[name] = history["epochs"]
    best = max(e["val_auc"] for h in runs.values() for e in h)
    print(f"{len(x)} training events, {net['layers']}x{net['width']} network; best validation AUC {best:.4f}")
    reached = {}
    for name, h in runs.items():
        t = np.cumsum([e["seconds"] for e in h])
        hit = next((i for i, e in enumerate(h) if e["val_auc"] >= 0.99 * best), None)
        reached[name] = t[hit] if hit is not None else None
        where = f"epoch {hit + 1}, {t[hit]:.1f} s" if hit is not None else f"not within {len(h)} epochs ({t[-1]:.1f} s)"
        print(f"{name:5s}: best AUC {max(e['val_auc'] for e in h):.4f}; reaches 0.99 x best at {where}")
    if all(v is not None for v in reached.values()):
        print(f"fast recipe is {reached['paper'] / reached['fast']:.1f}x faster to 0.99 x best")


if __name__ == "__main__":
    main()
