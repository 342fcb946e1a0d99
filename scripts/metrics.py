#!/usr/bin/env python
"""AUC, background rejection, ROC and (benchmark) discovery significance of every seed's scores of a cell."""
import argparse

from hepml.core.cli import json_arg, run_main
from hepml.core.records import Cell
from hepml.pipeline.steps import metrics_cell


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cell", type=json_arg, required=True, help="JSON: the cell the scores belong to")
    p.add_argument("--seeds", type=int, nargs="+", required=True)
    p.add_argument("--scores", nargs="+", required=True, help="one per seed")
    p.add_argument("--histories", nargs="+", required=True, help="each seed's training history")
    p.add_argument("--significance", type=json_arg, required=True, help="JSON: the significance config, or null")
    p.add_argument("--outputs", nargs="+", required=True, help="one per seed")
    a = p.parse_args()
    metrics_cell(Cell(**a.cell), a.seeds, a.scores, a.histories, a.significance, a.outputs)


if __name__ == "__main__":
    run_main(main)
