"""The systematics study's step: a benchmark cell's seeds scored on every variation.

A detector variation is the same test-only events seen through a shifted detector card
(``hepml.benchmark.generation.variations``), a shower variation the nominal card's events with
per-event weights (``hepml.benchmark.generation.shower_weights``), so the difference between two
such variations' metrics is the change alone, not a statistical fluctuation of the events. The cut and the bins of
the significances are chosen on the nominal validation part, as for the benchmark: the analysis is
tuned on the simulation and then meets a detector that differs from it.
"""

from __future__ import annotations

import dataclasses
import logging
import os

from ..benchmark.generation.shower_weights import WEIGHT_PREFIX, event_weights
from ..benchmark.generation.variations import NOMINAL, evaluation_of, source_pairs
from ..core.atomic import read_json
from ..core.store import read_events, store_columns
from ..core.records import Cell, write_record
from .steps import metric_record, predict_part, verified_model

log = logging.getLogger(__name__)


def variation_metric_paths(metrics_dir, variations, seeds: list[int]) -> dict[str, list[str]]:
    """{variation: each seed's metric record path}: ``<metrics_dir>/syst_<variation>/seed<k>.json``,
    the layout of every cell's records (``metrics/CELL/<evaluation>/seed<k>.json``)."""
    return {v: [os.path.join(str(metrics_dir), evaluation_of(v), f"seed{s}.json") for s in seeds] for v in variations}


def score_variations(cell: Cell, seeds: list[int], model_paths: list, history_paths: list, val_path,
                     variation_paths: dict[str, str], significance: dict, outputs: dict[str, list]) -> None:
    """For every seed's model and every variation (``variation_paths``: {name: its events file; a
    shower variation: the nominal file, whose column ``weight_<name>`` weights its events}), the
    metric record of the cell evaluated as ``syst_<name>`` (``outputs``: {name: one file per seed});
    the nominal record also carries the significance with every source's up and down variation as
    pyhf modifiers (``z_systematics``)."""
    from ..core.roc import auc_shift_spread
    from ..core.significance import binned_significance_with_systematics

    pairs = source_pairs(variation_paths)
    columns = {path: _weight_columns(path) for path in dict.fromkeys(variation_paths.values())}   # each file once
    weights = {name: event_weights(columns[path], name) for name, path in variation_paths.items()}
    cache: dict = {}
    for i, (seed, model_path, history_path) in enumerate(zip(seeds, model_paths, history_paths, strict=True)):
        model = verified_model(model_path, history_path)
        train_events = read_json(history_path)["train_events"]
        val_scores, val_labels = predict_part(model, cell.dataset, cell.feature_set, val_path, cache)
        predicted = {path: predict_part(model, cell.dataset, cell.feature_set, path, cache)
                     for path in dict.fromkeys(variation_paths.values())}   # a file shared by variations once
        tested = {name: (*predicted[path], weights[name]) if weights[name] is not None else predicted[path]
                  for name, path in variation_paths.items()}
        for name, (scores, labels, *weighted) in tested.items():
            where = f"{variation_paths[name]} ({model_path})"
            record = metric_record(dataclasses.replace(cell, evaluation=evaluation_of(name)), seed,
                                   {"val_scores": val_scores, "val_labels": val_labels, "test_scores": scores,
                                    "test_labels": labels, "test_weights": weighted[0] if weighted else None},
                                   significance, where, train_events)
            if weighted:   # how much of the shift the weights' statistics can make
                record = dataclasses.replace(record, auc_shift_stat=auc_shift_spread(labels, scores, weighted[0], seed=seed))
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


def _weight_columns(path) -> dict:
    """The shower-variation weight columns of the events file ``path`` ({} when it has none)."""
    columns = [c for c in store_columns(path) if c.startswith(WEIGHT_PREFIX)]
    return read_events(path, columns) if columns else {}
