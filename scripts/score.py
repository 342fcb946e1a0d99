#!/usr/bin/env python
"""Score the validation and test parts with every seed's model of a cell; write scores and labels (.npz)."""
import argparse

from hepml.core.cli import run_main
from hepml.pipeline.steps import score_cell


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dataset", required=True)
    p.add_argument("--feature-set", required=True)
    p.add_argument("--models", nargs="+", required=True)
    p.add_argument("--val", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--evaluation", required=True, help="test, or m<mass> for the parameterized study")
    p.add_argument("--outputs", nargs="+", required=True, help="one per model")
    a = p.parse_args()
    score_cell(a.dataset, a.feature_set, a.models, a.val, a.test, a.outputs, a.evaluation)


if __name__ == "__main__":
    run_main(main)
