#!/usr/bin/env python
"""Score the validation and test splits with a trained model; write scores and labels (.npz)."""
import argparse

from hepml.cliutil import run_main
from hepml.train_benchmark import score_model


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model-file", required=True)
    p.add_argument("--val", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--output", required=True)
    a = p.parse_args()
    score_model(a.model_file, a.val, a.test, a.output)


if __name__ == "__main__":
    run_main(main)
