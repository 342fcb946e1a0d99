#!/usr/bin/env python
"""Signal and background distributions of every feature of a dataset store (PNG and PDF)."""
import argparse

from hepml.cliutil import run_main
from hepml.plotting import feature_figure, save
from hepml.schema import LABEL, feature_columns
from hepml.store import read_events


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--input", required=True)
    p.add_argument("--dataset", required=True, choices=["higgs", "susy"])
    p.add_argument("--title", required=True)
    p.add_argument("--outputs", nargs="+", required=True)
    a = p.parse_args()
    data = read_events(a.input)
    save(feature_figure(data, feature_columns(a.dataset), LABEL, a.title), a.outputs)


if __name__ == "__main__":
    run_main(main)
