#!/usr/bin/env python
"""Merge generated shards into one shuffled store file."""
import argparse

from hepml.cliutil import run_main
from hepml.generation.shards import merge_shards


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--inputs", nargs="+", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--seed", type=int, required=True)
    a = p.parse_args()
    print(f"{a.output}: {merge_shards(a.inputs, a.output, a.seed)} events")


if __name__ == "__main__":
    run_main(main)
