"""Learning curves: test AUC of the benchmark models against the number of training events.

The table has the benchmark table's columns plus the training events of each point (mean over
seeds; a size the sample cannot provide is capped at the full split, and such duplicates are
dropped). The figure draws AUC against training events (log scale) for every model and feature
set, with the paper's UCI values (10M training events) as dashed reference lines.
"""

from __future__ import annotations

import numpy as np

from ..core.records import MetricRecord
from ..core.tables import Summary, Table, key, summarise
from .paper import paper_values
from .report import SEED_COLUMNS as BENCHMARK_COLUMNS
from .report import FSET_ORDER, MODEL_ORDER


def summary_rows(records: list[MetricRecord]) -> list[Summary]:
    """One row per (model, feature set, training size), sizes increasing; capped duplicates dropped."""
    rows = sorted(summarise(records), key=lambda s: (MODEL_ORDER.get(s.cell.model, 9),
                                                     FSET_ORDER.get(s.cell.feature_set, 9), train_events(s)))
    out: list[Summary] = []
    for s in rows:
        if out and (out[-1].cell.model, out[-1].cell.feature_set) == (s.cell.model, s.cell.feature_set) \
                and train_events(out[-1]) == train_events(s):
            out[-1] = s if s.cell.task == "all" else out[-1]   # a capped size equals the full split
            continue
        out.append(s)
    return out


def train_events(s: Summary) -> int:
    return int(round(np.mean([r.train_events for r in s.records])))


_AFTER = [c.header for c in BENCHMARK_COLUMNS].index("features") + 1   # the training size follows the feature set
COLUMNS = [*BENCHMARK_COLUMNS[:_AFTER], key("training events", "train_events", train_events), *BENCHMARK_COLUMNS[_AFTER:]]


def learning_curve_table(records: list[MetricRecord], title: str) -> Table:
    return Table(title, COLUMNS, summary_rows(records))


def learning_curve_figure(records: list[MetricRecord], title: str):
    """AUC (mean and std over seeds) against training events, the paper's values as references."""
    from ..core.plotting import plt

    rows = summary_rows(records)
    fig, ax = plt.subplots(figsize=(9, 6.5))
    curves: dict = {}
    for s in rows:
        curves.setdefault((s.cell.model, s.cell.feature_set), []).append(s)
    for (model, fset), points in curves.items():
        n = [train_events(s) for s in points]
        mean, std = zip(*(s.stat("auc") for s in points))
        line = ax.errorbar(n, mean, yerr=std, marker="o", capsize=3, label=f"{model} / {fset}")
        paper = paper_values(points[0].cell.dataset, model, fset)["auc"]
        if paper is not None:
            ax.axhline(paper, ls="--", lw=1, color=line[0].get_color(), alpha=0.7)
    if any(paper_values(s.cell.dataset, s.cell.model, s.cell.feature_set)["auc"] is not None for s in rows):
        ax.plot([], [], ls="--", lw=1, color="grey", label="Baldi et al., 10M UCI events")
    ax.set_xscale("log")
    ax.set_xlabel("training events")
    ax.set_ylabel("test AUC (mean ± std over seeds)")
    ax.set_title(title, fontsize=14)
    ax.legend(fontsize=12, loc="upper left", bbox_to_anchor=(1.02, 1))   # beside the axes: the lines stay visible
    return fig
