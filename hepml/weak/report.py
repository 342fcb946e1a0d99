"""Weak-supervision outputs: AUC on truth-labelled test jets against the gap |f1 - f2|, for CWoLa
and LLP beside the fully supervised reference."""

from __future__ import annotations

from ..core.plotting import plt
from ..core.records import MetricRecord
from ..core.tables import Column, Summary, pm, summarise, write_tables
from .tasks import TITLE, method_and_fractions


def summary_rows(records: list[MetricRecord]) -> list[Summary]:
    """The supervised reference first, then each method by decreasing gap."""
    def order(s):
        method, f1, f2 = method_and_fractions(s.cell.task)
        return (method != "supervised", method, -abs(f1 - f2) if f1 is not None else 0.0)
    return sorted(summarise(records), key=order)


def _fractions(s: Summary) -> tuple[str, str, str]:
    method, f1, f2 = method_and_fractions(s.cell.task)
    return ("—", "—", "—") if f1 is None else (f"{f1:.2f}", f"{f2:.2f}", f"{abs(f1 - f2):.2f}")


def _gap_to_supervised(rows: list[Summary]):
    ref = [s.stat("auc")[0] for s in rows if s.cell.task == "supervised"]

    def cell(s: Summary) -> str:
        if not ref or s.cell.task == "supervised":
            return "—"
        return f"{s.stat('auc')[0] - ref[0]:+.3f}"
    return cell


def columns(rows: list[Summary]) -> list[Column]:
    return [Column("method", lambda s: method_and_fractions(s.cell.task)[0]),
            Column("f1", lambda s: _fractions(s)[0]), Column("f2", lambda s: _fractions(s)[1]),
            Column("abs(f1 - f2)", lambda s: _fractions(s)[2]), Column("AUC", lambda s: pm(s.stat("auc"), 3)),
            Column("gap to supervised", _gap_to_supervised(rows))]


def write_weak_tables(records: list[MetricRecord], title: str, csv_path, md_path, tex_path) -> None:
    rows = summary_rows(records)
    csv = []
    for s in rows:
        method, f1, f2 = method_and_fractions(s.cell.task)
        auc, std = s.stat("auc")
        csv.append({"method": method, "f1": f1, "f2": f2, "gap": None if f1 is None else abs(f1 - f2),
                    "n_seeds": s.n_seeds, "auc": auc, "auc_std": std})
    write_tables(title, columns(rows), rows, csv, csv_path, md_path, tex_path)


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
