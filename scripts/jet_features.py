#!/usr/bin/env python
"""Jet images and substructure observables of one split part of the quark/gluon jets (.npz)."""
import argparse

from hepml.core.cli import json_arg, run_main
from hepml.jets.features import make_features


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--input", required=True)
    p.add_argument("--images", type=json_arg, required=True, help="JSON: the jets.images config")
    p.add_argument("--output", required=True)
    a = p.parse_args()
    print(f"{a.output}: {make_features(a.input, a.output, a.images)} jets")


if __name__ == "__main__":
    run_main(main)
