#!/usr/bin/env python
"""Convert source data into one store file: a UCI HIGGS/SUSY .csv.gz, or the EnergyFlow quark/gluon .npz files."""
import argparse

from hepml.core.cli import run_main
from hepml.core.datasets import REGISTRY, sources


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--source", required=True, choices=[s for s in sources() if s != "pythia"])
    p.add_argument("--dataset", required=True, choices=[d.name for d in REGISTRY.values() if len(d.sources) > 1])
    p.add_argument("--inputs", nargs="+", required=True)
    p.add_argument("--stamps", nargs="+", required=True, help="each input's verification stamp, re-checked first")
    p.add_argument("--max-events", type=int, required=True, help="0 for all")
    p.add_argument("--output", required=True)
    a = p.parse_args()
    from hepml.core.download import check_stamp

    for path, stamp in zip(a.inputs, a.stamps, strict=True):
        check_stamp(path, stamp)
    if a.source == "uci":
        from hepml.benchmark.uci import convert_csv

        if len(a.inputs) != 1:
            raise ValueError(f"a UCI dataset is one file, got {len(a.inputs)}")
        n = convert_csv(a.inputs[0], a.output, a.dataset, a.max_events or None)
    else:
        from hepml.jets.energyflow import convert_npz

        n = convert_npz(a.inputs, a.output, a.max_events or None)
    print(f"{a.output}: {n} events")


if __name__ == "__main__":
    run_main(main)
