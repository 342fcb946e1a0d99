"""Quark/gluon study outputs: the tagger table over seeds, ROC and SIC curves, average jet images."""

from __future__ import annotations

import numpy as np

from ..core.plotting import plt
from ..core.records import MetricRecord
from ..core.tables import Column, Summary, Table, csv_only, key, stat, summarise
from .observables import OBSERVABLES as UNTRAINED   # single observables: one evaluation, no seeds

MIN_GLUONS = 10   # curve points resting on fewer test gluon jets are not drawn


def summary_rows(records: list[MetricRecord]) -> list[Summary]:
    """One row per tagger, best AUC first. A single observable is not trained, so its seeds all
    give the same numbers: it counts once."""
    rows = summarise(records)
    rows = [Summary(s.cell, s.records[:1]) if s.cell.model in UNTRAINED else s for s in rows]
    return sorted(rows, key=lambda s: -s.stat("auc")[0])


COLUMNS = [
    key("tagger", "tagger", lambda s: s.cell.model),
    csv_only("inputs", lambda s: s.cell.feature_set),
    Column("seeds", lambda s: str(s.n_seeds), lambda s: {"n_seeds": s.n_seeds}),
    stat("AUC", "auc", 3),
    stat("gluon rejection at 50% quark eff.", "rejection_50", 1, hepdata="Gluon rejection at 50% quark efficiency"),
]


def jet_table(records: list[MetricRecord], title: str) -> Table:
    return Table(title, COLUMNS, summary_rows(records))


def curves_figure(records: list[MetricRecord], title: str):
    """Gluon rejection and SIC = eps_q / sqrt(eps_g) against quark efficiency; the median-AUC seed
    of each tagger (trained taggers solid, single observables dashed). Points whose gluon
    efficiency rests on fewer than 10 test gluon jets are left out: there 1/eps_g and the SIC are
    counting noise."""
    fig, (ax_roc, ax_sic) = plt.subplots(1, 2, figsize=(15, 6.5))
    colours = plt.get_cmap("tab10").colors   # one colour per tagger (style cycles repeat after six)
    for i, s in enumerate(summary_rows(records)):
        r = s.median
        eq, eg = np.array(r.roc.signal_efficiency), np.array(r.roc.background_efficiency)
        ok = eg * r.n_background >= MIN_GLUONS
        style = {"color": colours[i % len(colours)], "ls": "--" if s.cell.model in UNTRAINED else "-"}
        ax_roc.plot(eq[ok], 1 / eg[ok], label=f"{s.cell.model} (AUC {s.stat('auc')[0]:.3f})", **style)
        ax_sic.plot(eq[ok], eq[ok] / np.sqrt(eg[ok]), label=s.cell.model, **style)
    ax_roc.set_yscale("log")
    ax_roc.set_xlabel("Quark efficiency")
    ax_roc.set_ylabel("Gluon rejection")
    ax_sic.set_xlabel("Quark efficiency")
    ax_sic.set_ylabel(r"SIC $\epsilon_q/\sqrt{\epsilon_g}$")
    for ax in (ax_roc, ax_sic):
        ax.legend(fontsize=12)
        ax.set_title(title, fontsize=15)
    fig.tight_layout()
    return fig


def average_images_figure(images: np.ndarray, labels: np.ndarray, half_width: float):
    """Mean quark and gluon image (first channel), log colour scale."""
    fig, axes = plt.subplots(1, 2, figsize=(16, 6))
    ext = [-half_width, half_width, -half_width, half_width]
    for ax, value, name in zip(axes, (1, 0), ("quark", "gluon")):
        mean = images[labels == value, 0].mean(axis=0)
        shown = ax.imshow(np.log10(mean + 1e-6), origin="lower", extent=ext, cmap="viridis", vmin=-5)
        ax.set_title(f"average {name} jet ({(labels == value).sum()} jets)", fontsize=15)
        ax.set_xlabel("y' (centred, rotated)", fontsize=15)
        ax.set_ylabel(r"$\phi'$ (centred, rotated)", fontsize=15)
        bar = fig.colorbar(shown, ax=ax)
        bar.set_label(r"log$_{10}$ mean pT fraction", fontsize=14)
    fig.tight_layout()
    return fig
