#!/usr/bin/env python
"""Train a BDT, shallow or deep network on one feature set of a benchmark dataset."""
import argparse

from hepml.cliutil import json_arg, run_main
from hepml.atomic import write_json
from hepml.train_benchmark import train_model


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dataset", required=True, choices=["higgs", "susy"])
    p.add_argument("--feature-set", required=True, choices=["low", "high", "complete"])
    p.add_argument("--model", required=True, help="bdt, or a network name from the config (shallow, deep)")
    p.add_argument("--model-config", type=json_arg, required=True, help="JSON: the model's config section")
    p.add_argument("--train", required=True)
    p.add_argument("--val", required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--history", required=True)
    a = p.parse_args()
    history = train_model(a.dataset, a.feature_set, a.model, a.model_config, a.train, a.val, a.seed,
                          a.output, a.threads)
    write_json(a.history, history)


if __name__ == "__main__":
    run_main(main)
