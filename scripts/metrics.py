#!/usr/bin/env python
"""AUC, ROC and expected discovery significance of one model's test scores."""
import argparse

import numpy as np

from hepml.cliutil import json_arg, run_main
from hepml.metrics import classifier_metrics
from hepml.store import write_json


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--scores", required=True)
    p.add_argument("--significance", type=json_arg, required=True, help="JSON: the significance config")
    p.add_argument("--tag", type=json_arg, default={}, help="JSON: fields to record (dataset, model, ...)")
    p.add_argument("--output", required=True)
    a = p.parse_args()
    with np.load(a.scores) as f:
        metrics = classifier_metrics(f["scores"], f["labels"], a.significance)
    write_json(a.output, {**a.tag, **metrics})


if __name__ == "__main__":
    run_main(main)
