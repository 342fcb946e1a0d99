"""Benchmark outputs: the tables beside the paper's numbers, and ROC curves (median seed per model)."""

from __future__ import annotations

from ..core.records import MetricRecord
from ..core.tables import Column, Summary, Table, csv_only, ensemble_stat, key, stat, summarise
from .paper import paper_values

MODEL_ORDER = {"bdt": 0, "shallow": 1, "deep": 2}
FSET_ORDER = {"low": 0, "high": 1, "complete": 2}


def _paper(value, sd=None, digits=3) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}" + (f" ({sd:.{digits}f})" if sd is not None else "")


def _paper_cells(s: Summary) -> dict:
    return paper_values(s.cell.dataset, s.cell.model, s.cell.feature_set)


def _paper_auc(s: Summary) -> dict:
    p = _paper_cells(s)
    return {"paper_auc": p["auc"], "paper_auc_sd": p["auc_sd"]}


SEED_COLUMNS = [   # over seeds, beside the paper
    csv_only("dataset", lambda s: s.cell.dataset),
    key("model", "model", lambda s: s.cell.model),
    key("features", "feature_set", lambda s: s.cell.feature_set),
    csv_only("n_seeds", lambda s: s.n_seeds),
    stat("AUC", "auc", 3),
    Column("paper AUC", lambda s: _paper(_paper_cells(s)["auc"], _paper_cells(s)["auc_sd"]), _paper_auc),
    stat("Z binned + MC stat.", "z_binned", 2, hepdata="Expected significance, binned (pyhf, background MC stat.)"),
    stat("Z best cut", "z_best_threshold", 2, hepdata="Expected significance, best cut"),
    stat("Z binned, paper def.", "z_paper", 2, hepdata="Expected significance, binned (paper's definition)"),
    Column("paper Z", lambda s: _paper(_paper_cells(s)["z"], digits=1), lambda s: {"paper_z": _paper_cells(s)["z"]}),
]
ENSEMBLE_COLUMNS = [   # the seed ensemble (the mean score of the seeds), a model of its own
    ensemble_stat("AUC, seeds' mean score", "auc", 3, hepdata="AUC of the mean score of the seeds"),
    ensemble_stat("Z binned, seeds' mean score", "z_binned", 2,
                  hepdata="Expected significance, binned (pyhf, background MC stat.), mean score of the seeds"),
    Column(None, fields=lambda s: {"ensemble_spread": s.ensemble.spread if s.ensemble else None}),
]
COLUMNS = SEED_COLUMNS + ENSEMBLE_COLUMNS


def summary_rows(records: list[MetricRecord]) -> list[Summary]:
    """One row per (dataset, model, feature set), in the paper's order."""
    rows = summarise(records)
    return sorted(rows, key=lambda s: (s.cell.dataset, MODEL_ORDER.get(s.cell.model, 9),
                                       FSET_ORDER.get(s.cell.feature_set, 9)))


def benchmark_table(records: list[MetricRecord], title: str) -> Table:
    return Table(title, COLUMNS, summary_rows(records))


def roc_figure(records: list[MetricRecord], title: str):
    """Background rejection 1 - eps_b against signal efficiency, one panel per feature set: for each
    model the median-AUC seed as a line and the band every seed's curve spans, labelled with the
    mean ± std of the AUC over seeds and the paper's AUC where it published one."""
    import numpy as np

    from ..core.plotting import plt

    rows = summary_rows(records)
    fsets = [f for f in FSET_ORDER if any(s.cell.feature_set == f for s in rows)]
    grid = np.linspace(0, 1, 201)
    fig, axes = plt.subplots(1, len(fsets), figsize=(7 * len(fsets), 6.5), squeeze=False)
    for ax, fset in zip(axes[0], fsets):
        for s in (s for s in rows if s.cell.feature_set == fset):
            auc, std = s.stat("auc")
            paper = _paper_cells(s)["auc"]
            label = f"{s.cell.model}: AUC {auc:.3f} ± {std:.3f}" + (f" (paper {paper:.3f})" if paper else "")
            roc = s.median.roc
            line, = ax.plot(roc.signal_efficiency, 1 - np.asarray(roc.background_efficiency), label=label)
            if s.n_seeds > 1:
                curves = np.array([1 - np.interp(grid, r.roc.signal_efficiency, r.roc.background_efficiency)
                                   for r in s.records])
                ax.fill_between(grid, curves.min(0), curves.max(0), color=line.get_color(), alpha=0.2, lw=0)
        ax.plot([0, 1], [1, 0], ls=":", color="grey")
        ax.set_xlabel("Signal efficiency")
        ax.set_ylabel(r"Background rejection $1 - \epsilon_b$")
        ax.set_title(f"{title}: {fset} features", fontsize=16)
        ax.legend(fontsize=12, loc="lower left", title=f"line: median-AUC seed; band: {rows[0].n_seeds} seeds",
                  title_fontsize=11)
    return fig
