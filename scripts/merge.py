#!/usr/bin/env python
"""Merge generated shards into one shuffled store file, and their records into the sample's record."""
import argparse

from hepml.core.atomic import read_json, write_json
from hepml.core.cli import json_arg, run_main
from hepml.benchmark.generation.shards import merge_records
from hepml.core.splits import merge_shuffled


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--inputs", nargs="+", required=True)
    p.add_argument("--records", nargs="+", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--record", required=True)
    p.add_argument("--masses", type=json_arg, required=True,
                   help="JSON: null, or for the parameterized study each input's signal mass (null for background)")
    p.add_argument("--training-masses", type=json_arg, required=True, help="JSON: null, or the training masses")
    a = p.parse_args()
    records = [read_json(r) for r in a.records]
    record = merge_records(records)
    if a.masses is None:
        n = merge_shuffled(a.inputs, a.output, a.seed)
    else:
        from hepml.parameterized.sample import merge_parameterized

        signal, background, selected = {}, [], {}
        for path, rec, mass in zip(a.inputs, records, a.masses, strict=True):
            if mass is None:
                background.append(path)
            else:
                signal.setdefault(float(mass), []).append(path)
                selected[float(mass)] = selected.get(float(mass), 0) + rec["events_selected"]
        n = merge_parameterized(signal, background, a.output, a.seed, [float(m) for m in a.training_masses],
                                selected)
    print(f"{a.output}: {n} events")
    for process, r in record["processes"].items():
        print(f"  {process}: {r['events_selected']} of {r['events_generated']} selected "
              f"(efficiency {r['efficiency']:.3f}), {len(r['errors'])} kinds of Pythia errors")
    write_json(a.record, record)


if __name__ == "__main__":
    run_main(main)
