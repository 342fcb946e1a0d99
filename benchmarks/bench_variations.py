"""Detector variations: what one more detector card costs, against generating the events.

On the same generated batches, in one process: (a) Pythia's ``nextBatch`` and the flattening (the
baseline: what a variation must not repeat), (b) the nominal detector, (c) every varied card of
``systematics.sources`` through the nominal pass (the workflow's way: shared objects and random
numbers, only the measurement rerun), and (d) the same cards each with a full detector of their
own (clustering again). Prints seconds per 1000 events and the ratios to the baseline.

    python benchmarks/bench_variations.py --events 4000
    python benchmarks/bench_variations.py --quick
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from hepml.benchmark.generation.detector import reconstruct_card
from hepml.benchmark.generation.recipes import process_variants
from hepml.benchmark.generation.variations import variation_cards
from hepml.core.config import SCHEMA, validate_config
from hepml.core.pythia import _capture_stdout, flatten_batch, make_pythia, shard_seed

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", default="higgs", choices=["higgs", "susy"])
    p.add_argument("--process", default="signal", choices=["signal", "background"])
    p.add_argument("--events", type=int, default=4000)
    p.add_argument("--batch-size", type=int, default=2000)
    p.add_argument("--quick", action="store_true", help="a smoke run: 200 events")
    a = p.parse_args()
    n = 200 if a.quick else a.events
    config = validate_config({}, SCHEMA, ROOT)
    cards = variation_cards(config["detector"], config["systematics"]["sources"])
    nominal, *others = cards
    variant = process_variants(a.dataset, a.process, config["generation"])[0]
    seed = shard_seed(0, f"bench/{a.dataset}/{a.process}", 0, 0)
    pythia = make_pythia(list(variant.settings), seed)
    rng, extra = np.random.default_rng(seed), np.random.default_rng([seed, 1])
    seconds = dict.fromkeys(("generation", "nominal", "shared", "full"), 0.0)
    done = 0
    while done < n:
        k = min(a.batch_size, n - done)
        t0 = time.perf_counter()
        with _capture_stdout():
            batch = flatten_batch(pythia.nextBatch(k, "skip"))
        t1 = time.perf_counter()
        _, shared = reconstruct_card(batch, cards[nominal], rng)
        t2 = time.perf_counter()
        for name in others:
            reconstruct_card(batch, cards[name], extra, shared)
        t3 = time.perf_counter()
        for name in others:
            reconstruct_card(batch, cards[name], np.random.default_rng(1))
        t4 = time.perf_counter()
        for key, dt in zip(seconds, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            seconds[key] += dt
        done += batch.n_events
    per_k = {key: 1e3 * s / done for key, s in seconds.items()}
    base = per_k["generation"]
    print(f"{a.dataset} {a.process}: {done} events, {len(others)} varied cards ({', '.join(others)})")
    print(f"{'step':52s} {'s per 1000 ev':>14s} {'x baseline':>10s}")
    for label, key in (("Pythia nextBatch + flatten (baseline)", "generation"), ("nominal detector", "nominal"),
                       (f"{len(others)} cards through the nominal pass", "shared"),
                       (f"{len(others)} cards, each a full detector", "full")):
        print(f"{label:52s} {per_k[key]:14.3f} {per_k[key] / base:10.2f}")
    print(f"one more card costs {per_k['shared'] / len(others) / base:.3f}x the generation "
          f"({per_k['full'] / per_k['shared']:.1f}x less than a full detector per card)")


if __name__ == "__main__":
    main()
