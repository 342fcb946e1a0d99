#!/usr/bin/env python
"""ROC curves of every model and feature set of one dataset (PNG and PDF)."""
import argparse

from hepml.cliutil import run_main
from hepml.plotting import roc_figure, save
from hepml.tables import load_records


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--metrics", nargs="+", required=True)
    p.add_argument("--title", required=True)
    p.add_argument("--outputs", nargs="+", required=True)
    a = p.parse_args()
    save(roc_figure(load_records(a.metrics), a.title), a.outputs)


if __name__ == "__main__":
    run_main(main)
