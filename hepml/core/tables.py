"""Summary tables over seeds, for every study: group metric records, average, render.

A study describes its table once, as columns (:class:`Column`: the printed cell, the CSV fields, the
HEPData variable); :class:`Table` renders Markdown, LaTeX and CSV from them (HEPData:
``hepml.pipeline.hepdata``) and :func:`write_tables` writes them atomically.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from typing import Any, Callable

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
    ensemble: MetricRecord | None = field(default=None, repr=False)   # the mean score of the seeds

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
    """One summary per distinct ``key`` (the cell by default) of the seeds' records, in the order
    first seen; a seed-ensemble record among ``records`` becomes its group's ``ensemble``."""
    groups: dict = {}
    ensembles = {}
    for r in records:
        if r.is_ensemble:
            ensembles[key(r)] = r
        else:
            groups.setdefault(key(r), []).append(r)
    return [Summary(rs[0].cell, rs, ensembles.get(k)) for k, rs in groups.items()]


def pm(mean_and_std: tuple[float, float], digits: int) -> str:
    mean, std = mean_and_std
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def _no_fields(row) -> dict:
    return {}


@dataclass(frozen=True)
class Column:
    """One column of a study's table, for every format. ``header`` and ``text`` (the printed cell)
    make the Markdown and LaTeX column (no header: CSV and HEPData only); ``fields`` gives the CSV
    fields it contributes, in order; ``key`` marks a column that tells rows apart (a HEPData
    independent variable); ``value`` gives (mean, std over seeds) of a HEPData dependent variable
    named ``hepdata`` (default: the header)."""

    header: str | None
    text: Callable[[Any], str] | None = None
    fields: Callable[[Any], dict] = _no_fields
    key: bool = False
    value: Callable[[Any], tuple] | None = None
    hepdata: str | None = None

    @property
    def shown(self) -> bool:
        return self.header is not None

    @property
    def hepdata_name(self) -> str:
        return self.hepdata or self.header or ""


def key(header: str, field: str, get: Callable[[Any], object], show: Callable[[Any], str] | None = None) -> Column:
    """A column that tells rows apart: printed as ``show`` (default ``str``), stored as ``field``."""
    return Column(header, show or (lambda r: str(get(r))), lambda r: {field: get(r)}, key=True)


def csv_only(field: str, get: Callable[[Any], object]) -> Column:
    """A CSV field that the printed tables leave out (the dataset, the number of seeds)."""
    return Column(None, None, lambda r: {field: get(r)})


def stat(header: str | None, name: str, digits: int, of: Callable[[Any], Summary | None] = lambda r: r,
         field: str | None = None, hepdata: str | None = None) -> Column:
    """Mean ± std over seeds of the record field ``name`` of the row's summary (``of``: which
    summary of the row; none gives a dash and empty fields); CSV fields ``field`` and ``field_std``."""
    field = field or name

    def mean_std_of(r) -> tuple:
        s = of(r)
        return s.stat(name) if s is not None else (None, None)

    return Column(header, lambda r: "—" if of(r) is None else pm(mean_std_of(r), digits),
                  lambda r: dict(zip((field, field + "_std"), mean_std_of(r))), value=mean_std_of, hepdata=hepdata)


def ensemble_stat(header: str, name: str, digits: int, hepdata: str | None = None) -> Column:
    """The record field ``name`` of the row's seed ensemble (the mean score of its seeds; a dash
    where there is none); CSV field ``ensemble_<name>``; HEPData without an uncertainty."""
    def value(s) -> tuple:
        e = s.ensemble
        return (getattr(e, name), None) if e is not None else (None, None)

    return Column(header, lambda s: "—" if value(s)[0] is None else f"{value(s)[0]:.{digits}f}",
                  lambda s: {f"ensemble_{name}": value(s)[0]}, value=value, hepdata=hepdata)


@dataclass
class Table:
    """A study's table: its title, columns and rows (summaries, or a study's own row objects),
    rendered as Markdown, LaTeX and CSV here and as HEPData by ``hepml.pipeline.hepdata``."""

    title: str
    columns: list[Column]
    rows: list

    @property
    def shown(self) -> list[Column]:
        return [c for c in self.columns if c.shown]

    def markdown(self) -> str:
        cols = self.shown
        lines = [f"### {self.title}", "", "| " + " | ".join(c.header for c in cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(c.text(r) for c in cols) + " |" for r in self.rows]
        return "\n".join(lines) + "\n"

    def latex(self) -> str:
        cols = self.shown
        lines = [r"\begin{table}", r"\centering", rf"\caption{{{_latex(self.title)}}}",
                 r"\begin{tabular}{ll" + "r" * (len(cols) - 2) + "}", r"\hline",
                 " & ".join(_latex(c.header) for c in cols) + r" \\", r"\hline"]
        lines += [" & ".join(_latex(c.text(r)) for c in cols) + r" \\" for r in self.rows]
        lines += [r"\hline", r"\end{tabular}", r"\end{table}"]
        return "\n".join(lines) + "\n"

    def csv_rows(self) -> list[dict]:
        return [{k: v for c in self.columns for k, v in c.fields(r).items()} for r in self.rows]

    def csv(self) -> str:
        rows = self.csv_rows()
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()


def _latex(text: str) -> str:
    return (text.replace("±", r"$\pm$").replace("—", "--").replace("_", r"\_").replace("%", r"\%")
            .replace("≥", r"$\geq$").replace("|", r"$|$"))


def write_tables(table: Table, csv_path: str | os.PathLike | None = None, md_path: str | os.PathLike | None = None,
                 tex_path: str | os.PathLike | None = None) -> None:
    """Write whichever of the CSV, Markdown and LaTeX tables have a path."""
    for path, render in ((csv_path, table.csv), (md_path, table.markdown), (tex_path, table.latex)):
        if path is not None:
            write_text(path, render())
