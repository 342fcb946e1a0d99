"""The systematics study's step: a benchmark cell's seeds scored on every detector variation.

Each variation is the same test-only events seen through a shifted detector card
(``hepml.benchmark.generation.variations``), so the difference between two variations' metrics is
the detector change alone, not a statistical fluctuation of the events. The cut and the bins of
the significances are chosen on the nominal validation part, as for the benchmark: the analysis is
tuned on the simulation and then meets a detector that differs from it.
"""

from __future__ import annotations

import dataclasses
import logging
import os

from ..benchmark.generation.variations import NOMINAL, evaluation_of, source_pairs
from ..core.atomic import read_json
from ..core.records import Cell, write_record
from .steps import metric_record, predict_part, verified_model

log = logging.getLogger(__name__)


def variation_metric_paths(metrics_dir, variations, seeds: list[int]) -> dict[str, list[str]]:
    """{variation: each seed's metric record path}: ``<metrics_dir>/syst_<variation>/seed<k>.json``,
    the layout of every cell's records (``metrics/CELL/<evaluation>/seed<k>.json``)."""
    return {v: [os.path.join(str(metrics_dir), evaluation_of(v), f"seed{s}.json") for s in seeds] for v in variations}


def score_variations(cell: Cell, seeds: list[int], model_paths: list, history_paths: list, val_path,
                     variation_paths: dict[str, str], significance: dict, outputs: dict[str, list]) -> None:
    """For every seed's model and every variation (``variation_paths``: {name: its events}), the
    metric record of the cell evaluated as ``syst_<name>`` (``outputs``: {name: one file per seed});
    the nominal record also carries the significance with every source's up and down variation as
    pyhf modifiers (``z_systematics``)."""
    from ..core.significance import binned_significance_with_systematics

    pairs = source_pairs(variation_paths)
    cache: dict = {}
    for i, (seed, model_path, history_path) in enumerate(zip(seeds, model_paths, history_paths, strict=True)):
        model = verified_model(model_path, history_path)
        train_events = read_json(history_path)["train_events"]
        val_scores, val_labels = predict_part(model, cell.dataset, cell.feature_set, val_path, cache)
        tested = {name: predict_part(model, cell.dataset, cell.feature_set, path, cache)
                  for name, path in variation_paths.items()}
        for name, (scores, labels) in tested.items():
            where = f"{variation_paths[name]} ({model_path})"
            record = metric_record(dataclasses.replace(cell, evaluation=evaluation_of(name)), seed,
                                   {"val_scores": val_scores, "val_labels": val_labels, "test_scores": scores,
                                    "test_labels": labels}, significance, where, train_events)
            if name == NOMINAL:
                sig = {k: significance[k] for k in ("n_signal", "n_background", "background_uncertainty")}
                z = binned_significance_with_systematics(
                    val_scores, val_labels, tested[NOMINAL],
                    {s: (tested[u], tested[d] if d else None) for s, (u, d) in pairs.items()},
                    **sig, n_bins=significance["bins"])
                record = dataclasses.replace(record, z_systematics=z)
                log.info("%s: AUC %.4f on the nominal variation sample; Z %.2f, %.2f with %d systematic sources",
                         model_path, record.auc, record.z_binned, z, len(pairs))
            write_record(outputs[name][i], record)
