"""Shower weights: what Pythia's per-event scale variations cost, and what they leave of the sample.

On the same process and seed, in one process: (a) Pythia's ``nextBatch`` and the flattening without
weights (the baseline), (b) with the default ``systematics.shower`` variations and
``systematics.shower_settings``, (c) the same with Pythia's own FSR cutoff
(``UncertaintyBands:FSRpTmin2Fac = 4``). Prints seconds per 1000 events, the ratios to the baseline
and each variation's effective fraction (sum w)^2 / (n sum w^2) over the generated events.

    python benchmarks/bench_shower_weights.py --events 2000
    python benchmarks/bench_shower_weights.py --quick
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from hepml.benchmark.generation.recipes import process_variants
from hepml.benchmark.generation.shower_weights import effective_fraction, uncertainty_bands
from hepml.benchmark.generation.variations import shower_variations
from hepml.core.config import SCHEMA, validate_config
from hepml.core.pythia import generate, make_pythia, shard_seed, shower_weight_settings

ROOT = Path(__file__).resolve().parents[1]


def run(settings: list[str], seed: int, n: int, names: list[str]) -> tuple[float, dict[str, np.ndarray]]:
    """Seconds to generate ``n`` events with ``settings``, and each named variation's weights."""
    pythia = make_pythia(settings, seed)
    t0 = time.perf_counter()
    weights: dict[str, list] = {name: [] for name in names}
    for batch in generate(pythia, n, 1000, names):
        for name in names:
            weights[name].append(batch.weights[name])
    return time.perf_counter() - t0, {name: np.concatenate(w) for name, w in weights.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", default="higgs", choices=["higgs", "susy"])
    p.add_argument("--process", default="signal", choices=["signal", "background"])
    p.add_argument("--events", type=int, default=2000)
    p.add_argument("--quick", action="store_true", help="a smoke run: 200 events")
    a = p.parse_args()
    n = 200 if a.quick else a.events
    config = validate_config({}, SCHEMA, ROOT)
    syst = config["systematics"]
    variations = shower_variations(syst["shower"])
    settings = uncertainty_bands(syst["shower_settings"])
    base = list(process_variants(a.dataset, a.process, config["generation"])[0].settings)
    seed = shard_seed(0, f"bench/{a.dataset}/{a.process}", 0, 0)
    runs = {
        "no weights (baseline)": (base, []),
        "shower weights (defaults)": (base + shower_weight_settings(variations, settings), list(variations)),
        "shower weights, FSRpTmin2Fac 4": (base + shower_weight_settings(variations, {**settings, "FSRpTmin2Fac": 4.0}),
                                           list(variations)),
    }
    print(f"{a.dataset} {a.process}: {n} events per run; variations {variations}, settings {settings}")
    baseline = None
    for label, (lines, names) in runs.items():
        seconds, weights = run(lines, seed, n, names)
        baseline = baseline or seconds
        fractions = ", ".join(f"{name} {effective_fraction(w):.2f}" for name, w in weights.items())
        print(f"{label:32s} {1000 * seconds / n:7.3f} s / 1000 events  {seconds / baseline:5.2f}x"
              + (f"  effective fraction: {fractions}" if fractions else ""))


if __name__ == "__main__":
    main()
