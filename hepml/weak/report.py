"""Weak-supervision outputs: AUC on truth-labelled test jets against the gap |f1 - f2|, for CWoLa
and LLP beside the fully supervised reference."""

from __future__ import annotations

from ..core.plotting import plt
from ..core.records import MetricRecord
from ..core.tables import Column, Summary, Table, csv_only, key, stat, summarise
from .tasks import TITLE, method_and_fractions


def summary_rows(records: list[MetricRecord]) -> list[Summary]:
    """The supervised reference first, then each method by decreasing gap."""
    def order(s):
        method, f1, f2 = method_and_fractions(s.cell.task)
        return (method != "supervised", method, -abs(f1 - f2) if f1 is not None else 0.0)
    return sorted(summarise(records), key=order)


def _fraction(i: int):
    """f1 (i = 0), f2 (1) or |f1 - f2| (2) of a row: printed with two decimals, a dash for supervised."""
    def value(s: Summary):
        _, f1, f2 = method_and_fractions(s.cell.task)
        return None if f1 is None else (f1, f2, abs(f1 - f2))[i]
    return value, lambda s: "—" if value(s) is None else f"{value(s):.2f}"


def _gap_to_supervised(rows: list[Summary]):
    ref = [s.stat("auc")[0] for s in rows if s.cell.task == "supervised"]

    def cell(s: Summary) -> str:
        if not ref or s.cell.task == "supervised":
            return "—"
        return f"{s.stat('auc')[0] - ref[0]:+.3f}"
    return cell


def columns(rows: list[Summary]) -> list[Column]:
    return [key("method", "method", lambda s: method_and_fractions(s.cell.task)[0]),
            key("f1", "f1", *_fraction(0)), key("f2", "f2", *_fraction(1)), key("abs(f1 - f2)", "gap", *_fraction(2)),
            csv_only("n_seeds", lambda s: s.n_seeds), stat("AUC", "auc", 3),
            Column("gap to supervised", _gap_to_supervised(rows))]


def weak_table(records: list[MetricRecord], title: str) -> Table:
    rows = summary_rows(records)
    return Table(title, columns(rows), rows)


def auc_vs_gap_figure(records: list[MetricRecord], title: str = TITLE):
    rows = summary_rows(records)
    fig, ax = plt.subplots(figsize=(8, 6))
    for method in ("cwola", "llp"):
        points = sorted((abs(f1 - f2), *s.stat("auc")) for s in rows
                        for m, f1, f2 in [method_and_fractions(s.cell.task)] if m == method)
        if points:
            gap, auc, std = zip(*points)
            ax.errorbar(gap, auc, yerr=std, marker="o", capsize=3, label=method.upper())
    for s in rows:
        if s.cell.task == "supervised":
            auc, std = s.stat("auc")
            ax.axhspan(auc - std, auc + std, color="grey", alpha=0.3)
            ax.axhline(auc, color="black", ls="--", label="fully supervised")
    ax.set_xlabel(r"$|f_1 - f_2|$ (quark fractions of the two mixtures)")
    ax.set_ylabel("AUC on truth-labelled test jets")
    ax.set_title(title, fontsize=13)
    ax.legend(fontsize=13)
    return fig
