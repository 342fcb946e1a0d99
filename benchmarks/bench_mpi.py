"""Cost of multiple interactions in the quark/gluon generation: events/s with ``jets.generation.mpi``
off (the default) and on (as in the EnergyFlow sample), same seeds, one core.

    python benchmarks/bench_mpi.py --events 2000
    python benchmarks/bench_mpi.py --quick
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from hepml.core.config import SCHEMA, validate_config
from hepml.jets.generation import generate_jet_shard

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=2000, help="generated events per flavour and setting")
    p.add_argument("--quick", action="store_true", help="a smoke run: 100 events")
    a = p.parse_args()
    n = 100 if a.quick else a.events
    gen = validate_config({}, SCHEMA, ROOT)["jets"]["generation"]
    cfg = {k: v for k, v in gen.items() if k not in ("shards", "events_per_shard", "seed")}
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mpi in (False, True):
            for flavour in ("quark", "gluon"):
                t0 = time.perf_counter()
                r = generate_jet_shard(flavour, 0, n, 7, {**cfg, "mpi": mpi}, Path(tmp) / "j.root",
                                       Path(tmp) / "j.json", progress=False)
                rates[mpi, flavour] = n / (time.perf_counter() - t0)
                print(f"mpi {'on ' if mpi else 'off'} {flavour}: {rates[mpi, flavour]:7.1f} events/s, "
                      f"{r['events_selected']} jets selected")
    for flavour in ("quark", "gluon"):
        print(f"{flavour}: multiple interactions make generation {rates[False, flavour] / rates[True, flavour]:.1f}x slower")


if __name__ == "__main__":
    main()
