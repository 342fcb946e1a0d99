"""Generation throughput: hepml's full chain against a bare pythia.next() loop, same process.

The bare loop generates events and does nothing else; hepml's chain also extracts the
event record into awkward arrays, clusters jets with FastJet, runs the detector and
computes the features. Prints events/s of each and the ratio (goal >= 0.8).

    python benchmarks/bench_generation.py --dataset higgs --process background --events 2000
"""

from __future__ import annotations

import argparse
import time

from hepml.generation.processes import process_variants
from hepml.generation.pythia import make_pythia
from hepml.generation.shards import simulate

GEN = {"sqrt_s": 8000, "higgs": {"masses": {"H0": 425, "Hpm": 325, "h": 125}, "widths": {"H0": 1.0, "Hpm": 1.0}},
       "susy": {"slha": "config/susy_chargino.slha"}}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", default="higgs", choices=["higgs", "susy"])
    p.add_argument("--process", default="background", choices=["signal", "background"])
    p.add_argument("--events", type=int, default=2000)
    a = p.parse_args()
    variants = process_variants(a.dataset, a.process, GEN)
    # bare loop: time only pythia.next()
    bare_time = 0.0
    for i, settings in enumerate(variants):
        pythia = make_pythia(settings, 100 + i)
        t0 = time.perf_counter()
        for _ in range(a.events // len(variants)):
            pythia.next()
        bare_time += time.perf_counter() - t0
    # full chain: Pythia init excluded the same way (first batch includes it, so time it separately)
    for i, settings in enumerate(variants):
        make_pythia(settings, 100 + i)  # warm caches equally
    t0 = time.perf_counter()
    selected = sum(len(f["label"]) for f in simulate(a.dataset, a.process, a.events, 100, GEN, {}, progress=False))
    chain_time = time.perf_counter() - t0
    init = 0.0
    for i, settings in enumerate(variants):
        t1 = time.perf_counter()
        make_pythia(settings, 100 + i)
        init += time.perf_counter() - t1
    chain_time -= init
    print(f"{a.dataset} {a.process}: {a.events} events, {selected} selected")
    print(f"bare pythia.next() : {a.events / bare_time:8.1f} events/s")
    print(f"hepml full chain   : {a.events / chain_time:8.1f} events/s ({selected / chain_time:.1f} selected/s)")
    print(f"ratio: {bare_time / chain_time:.2f} (goal >= 0.8)")


if __name__ == "__main__":
    main()
