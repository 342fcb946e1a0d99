#!/usr/bin/env python
"""Split a store file into train/val/test parts (counts, or fractions of the file)."""
import argparse

from hepml.core.cli import json_arg, run_main
from hepml.core.splits import split_store


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--input", required=True)
    p.add_argument("--sizes", type=json_arg, required=True, help='JSON {"train": n|fraction, "val": ..., "test": ...}')
    p.add_argument("--limits", type=json_arg, required=True, help='JSON caps per part, e.g. {"train": 100000}')
    p.add_argument("--sizes-key", default=None, help="the config key the sizes come from, named in errors")
    p.add_argument("--train", required=True)
    p.add_argument("--val", required=True)
    p.add_argument("--test", required=True)
    a = p.parse_args()
    sizes = split_store(a.input, {"train": a.train, "val": a.val, "test": a.test}, a.sizes, a.limits, sizes_key=a.sizes_key)
    print(sizes)


if __name__ == "__main__":
    run_main(main)
