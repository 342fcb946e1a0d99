"""Generation: where the time per event goes, and the full chain against a bare ``pythia.next()`` loop.

Runs, in one process and on the same seeds, (a) a bare loop that calls ``pythia.next()`` and
nothing else, and (b) hepml's chain split into its stages: ``Pythia.nextBatch`` (generation plus
the event record as awkward arrays), flattening to numpy, the detector (FastJet clustering,
isolation, smearing, b-tagging, MET), truth, selection + features, and writing the store.
Pythia's initialisation is excluded from both. Prints ms/event per stage, the events/s of each
loop and the ratio chain/bare.

    python benchmarks/bench_generation.py --dataset higgs --process background --events 4000
    python benchmarks/bench_generation.py --quick
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from hepml.benchmark.generation.detector import reconstruct
from hepml.benchmark.generation.recipes import RECIPES, process_variants, recipe
from hepml.benchmark.generation.shards import _batch_output
from hepml.core.config import SCHEMA, validate_config
from hepml.core.pythia import _capture_stdout, flatten_batch, make_pythia, shard_seed
from hepml.core.store import StoreWriter

ROOT = Path(__file__).resolve().parents[1]
STAGES = ["pythia nextBatch", "flatten (awkward -> numpy)", "detector (FastJet, smearing, b-tag)", "truth",
          "selection + features", "store write"]


def bare_rate(variants, per_variant: list[int], base: str) -> float:
    """Events/s of ``pythia.next()`` alone."""
    elapsed = 0.0
    for v, (variant, n) in enumerate(zip(variants, per_variant)):
        pythia = make_pythia(list(variant.settings), shard_seed(0, base, 0, v))
        with _capture_stdout():
            t0 = time.perf_counter()
            for _ in range(n):
                pythia.next()
            elapsed += time.perf_counter() - t0
    return sum(per_variant) / elapsed


def chain_stages(dataset, process, variants, per_variant, base, detector, batch_size, path) -> dict[str, float]:
    """Seconds spent in each stage of hepml's chain."""
    seconds = dict.fromkeys(STAGES, 0.0)

    def timed(stage, fn, *args):
        t0 = time.perf_counter()
        out = fn(*args)
        seconds[stage] += time.perf_counter() - t0
        return out

    with StoreWriter(path) as writer:
        for v, (variant, n) in enumerate(zip(variants, per_variant)):
            seed = shard_seed(0, base, 0, v)
            rng = np.random.default_rng(seed)
            pythia = make_pythia(list(variant.settings), seed)
            done = 0
            while done < n:
                k = min(batch_size, n - done)
                with _capture_stdout():
                    batch = timed(STAGES[0], pythia.nextBatch, k, "skip")
                gen = timed(STAGES[1], flatten_batch, batch)
                reco = timed(STAGES[2], reconstruct, gen, detector, rng)
                truth = timed(STAGES[3], recipe(dataset).truth, gen, variant)
                trees = timed(STAGES[4], lambda: _batch_output(dataset, process, reco, truth,
                                                                recipe(dataset).selection(reco, detector)))
                for tree, data in trees.items():
                    timed(STAGES[5], writer.extend, data, tree)
                done += k
    return seconds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", default="higgs", choices=sorted(RECIPES))
    p.add_argument("--process", default="background", choices=["signal", "background"])
    p.add_argument("--events", type=int, default=4000)
    p.add_argument("--batch-size", type=int, default=2000, help="events per nextBatch call, as in the workflow")
    p.add_argument("--quick", action="store_true", help="a smoke run: 200 events")
    p.add_argument("--out", help="also write the figures as JSON")
    a = p.parse_args()
    n = 200 if a.quick else a.events
    config = validate_config({}, SCHEMA, ROOT)
    gen, detector = config["generation"], config["detector"]
    variants = process_variants(a.dataset, a.process, gen)
    per_variant = [n // len(variants) + (i < n % len(variants)) for i in range(len(variants))]
    base = f"bench/{a.dataset}/{a.process}"

    bare = bare_rate(variants, per_variant, base)
    with tempfile.TemporaryDirectory() as tmp:
        seconds = chain_stages(a.dataset, a.process, variants, per_variant, base, detector, a.batch_size,
                               Path(tmp) / "shard.root")
    total = sum(seconds.values())
    chain = n / total
    print(f"{a.dataset} {a.process}: {n} events, {len(variants)} Pythia run(s), batches of {a.batch_size}")
    print(f"{'stage':40s} {'ms/event':>9s} {'share':>6s}")
    for stage, s in seconds.items():
        print(f"{stage:40s} {1e3 * s / n:9.3f} {s / total:6.1%}")
    print(f"bare pythia.next()   : {bare:8.1f} events/s")
    print(f"hepml full chain     : {chain:8.1f} events/s")
    print(f"nextBatch alone      : {n / seconds[STAGES[0]]:8.1f} events/s")
    print(f"ratio chain/bare     : {chain / bare:.2f}")
    print(f"ratio chain/nextBatch: {seconds[STAGES[0]] / total:.2f}  (the most the Python side can give back)")
    if a.out:
        Path(a.out).write_text(json.dumps({"dataset": a.dataset, "process": a.process, "events": n,
                                           "bare_events_per_s": bare, "chain_events_per_s": chain,
                                           "stage_seconds": seconds}, indent=1))


if __name__ == "__main__":
    main()
