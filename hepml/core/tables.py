"""Summary tables over seeds, for every study: group metric records, average, render.

A study describes its table as columns (a header and how to print a summary row) and its CSV
fields; :func:`write_tables` writes the CSV, Markdown and LaTeX versions atomically.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .atomic import write_text
from .records import Cell, MetricRecord


def mean_std(values) -> tuple[float, float]:
    """Mean and sample standard deviation over seeds (0 for a single seed)."""
    values = np.asarray(values, dtype=float)
    return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0


@dataclass
class Summary:
    """Mean and standard deviation over the seeds of one cell."""

    cell: Cell
    records: list[MetricRecord] = field(repr=False)

    @property
    def n_seeds(self) -> int:
        return len(self.records)

    def stat(self, name: str) -> tuple[float, float]:
        """(mean, std) over seeds of a numeric record field (``auc``, ``z_binned``, ...)."""
        return mean_std([getattr(r, name) for r in self.records])

    def stats(self, *names: str) -> dict[str, float]:
        """``{name: mean, name_std: std}`` for each field, for a CSV row."""
        out = {}
        for name in names:
            out[name], out[name + "_std"] = self.stat(name)
        return out

    @property
    def median(self) -> MetricRecord:
        """The seed with the median AUC (the one whose curve a plot draws)."""
        ordered = sorted(self.records, key=lambda r: r.auc)
        return ordered[len(ordered) // 2]


def summarise(records: list[MetricRecord], key: Callable[[MetricRecord], object] = lambda r: r.cell) -> list[Summary]:
    """One summary per distinct ``key`` (the cell by default), in the order first seen."""
    groups: dict = {}
    for r in records:
        groups.setdefault(key(r), []).append(r)
    return [Summary(rs[0].cell, rs) for rs in groups.values()]


def pm(mean_and_std: tuple[float, float], digits: int) -> str:
    mean, std = mean_and_std
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Summary], str]


def to_markdown(title: str, columns: list[Column], rows: list[Summary]) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(c.header for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(c.cell(r) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _latex(text: str) -> str:
    return (text.replace("±", r"$\pm$").replace("—", "--").replace("_", r"\_").replace("%", r"\%")
            .replace("≥", r"$\geq$").replace("|", r"$|$"))


def to_latex(title: str, columns: list[Column], rows: list[Summary]) -> str:
    lines = [r"\begin{table}", r"\centering", rf"\caption{{{_latex(title)}}}",
             r"\begin{tabular}{ll" + "r" * (len(columns) - 2) + "}", r"\hline",
             " & ".join(_latex(c.header) for c in columns) + r" \\", r"\hline"]
    lines += [" & ".join(_latex(c.cell(r)) for c in columns) + r" \\" for r in rows]
    lines += [r"\hline", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_tables(title: str, columns: list[Column], rows: list[Summary], csv_rows: list[dict],
                 csv_path: str | os.PathLike | None = None, md_path: str | os.PathLike | None = None,
                 tex_path: str | os.PathLike | None = None) -> None:
    """Write whichever of the CSV, Markdown and LaTeX tables have a path."""
    for path, render in ((csv_path, lambda: to_csv(csv_rows)), (md_path, lambda: to_markdown(title, columns, rows)),
                         (tex_path, lambda: to_latex(title, columns, rows))):
        if path is not None:
            write_text(path, render())
