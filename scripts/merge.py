#!/usr/bin/env python
"""Merge generated shards into one shuffled store file, and their records into the sample's record."""
import argparse

from hepml.core.atomic import read_json, write_json
from hepml.core.cli import run_main
from hepml.benchmark.generation.shards import merge_records
from hepml.core.splits import merge_shuffled


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--inputs", nargs="+", required=True)
    p.add_argument("--records", nargs="+", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--record", required=True)
    a = p.parse_args()
    record = merge_records([read_json(r) for r in a.records])
    print(f"{a.output}: {merge_shuffled(a.inputs, a.output, a.seed)} events")
    for process, r in record["processes"].items():
        print(f"  {process}: {r['events_selected']} of {r['events_generated']} selected "
              f"(efficiency {r['efficiency']:.3f}), {len(r['errors'])} kinds of Pythia errors")
    write_json(a.record, record)


if __name__ == "__main__":
    run_main(main)
