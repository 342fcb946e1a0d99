#!/usr/bin/env python
"""Convert a UCI HIGGS/SUSY .csv.gz into a hepml store file (ROOT TTree)."""
import argparse

from hepml.cliutil import run_main
from hepml.convert import convert_csv


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--dataset", required=True, choices=["higgs", "susy"])
    p.add_argument("--max-events", type=int, default=None)
    a = p.parse_args()
    n = convert_csv(a.input, a.output, a.dataset, a.max_events)
    print(f"{a.output}: {n} events")


if __name__ == "__main__":
    run_main(main)
