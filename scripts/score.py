#!/usr/bin/env python
"""Score the validation and test parts with every seed's model of a cell (scores and labels, .npz),
then each seed's metric record: AUC, background rejection, ROC and (benchmark studies) the
discovery significances; and the same for the seed ensemble (the mean score of the seeds, with the
spread of their scores per event)."""
import argparse

from hepml.core.cli import json_arg, run_main, seeds_of


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dataset", required=True)
    p.add_argument("--feature-set", required=True)
    p.add_argument("--models", nargs="+", required=True)
    p.add_argument("--val", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--evaluation", required=True, help="test, m<mass> for the parameterized study, or alt_<value> (the --test file of that mis-modelled sample)")
    p.add_argument("--scores", nargs="+", required=True, help="one per model")
    p.add_argument("--cell", type=json_arg, required=True, help="JSON: the cell the scores belong to")
    p.add_argument("--seeds", type=int, nargs="+",
                   help="default: the seeds the --models files name (seed<N>.model)")
    p.add_argument("--histories", nargs="+", required=True, help="each seed's training history")
    p.add_argument("--significance", type=json_arg, required=True, help="JSON: the significance config, or null")
    p.add_argument("--metrics", nargs="+", required=True, help="one metric record per seed")
    p.add_argument("--ensemble-scores", required=True, help="the seed ensemble's scores and per-event spread (.npz)")
    p.add_argument("--ensemble-metrics", required=True, help="the seed ensemble's metric record")
    a = p.parse_args()
    from hepml.core.records import Cell
    from hepml.pipeline.steps import ensemble_cell, metrics_cell, score_cell

    seeds = a.seeds or seeds_of(a.models)
    score_cell(a.dataset, a.feature_set, a.models, a.histories, a.val, a.test, a.scores, a.evaluation)
    metrics_cell(Cell(**a.cell), seeds, a.scores, a.histories, a.significance, a.metrics)
    ensemble_cell(Cell(**a.cell), seeds, a.scores, a.histories, a.significance, a.ensemble_scores, a.ensemble_metrics)


if __name__ == "__main__":
    run_main(main)
