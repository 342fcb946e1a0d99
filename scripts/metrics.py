#!/usr/bin/env python
"""AUC, ROC and expected discovery significance of one model's scores."""
import argparse

from hepml.atomic import load_npz, write_json
from hepml.cliutil import json_arg, run_main
from hepml.metrics import classifier_metrics


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--scores", required=True)
    p.add_argument("--significance", type=json_arg, required=True, help="JSON: the significance config")
    p.add_argument("--tag", type=json_arg, required=True, help="JSON: fields to record (dataset, model, ...)")
    p.add_argument("--output", required=True)
    a = p.parse_args()
    s = load_npz(a.scores)
    metrics = classifier_metrics(s["val_scores"], s["val_labels"], s["test_scores"], s["test_labels"],
                                 a.significance, where=a.scores)
    write_json(a.output, {**a.tag, **metrics})
    print(f"{a.output}: AUC {metrics['auc']:.4f}, Z binned {metrics['z_binned']:.2f}, "
          f"Z best cut {metrics['z_best_threshold']:.2f}")


if __name__ == "__main__":
    run_main(main)
