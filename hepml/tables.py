"""Summary tables over seeds: ours beside the paper's, as CSV, Markdown and LaTeX."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import numpy as np

from .paper import paper_values
from .atomic import atomic_output


def mean_std(values) -> tuple[float, float]:
    """Mean and sample standard deviation over seeds (0 for a single seed)."""
    values = np.asarray(values, dtype=float)
    return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0


def summarise(records: list[dict]) -> list[dict]:
    """Group per-seed metric records by (model, feature set): mean and std over seeds."""
    groups: dict[tuple, list[dict]] = {}
    for r in records:
        groups.setdefault((r["dataset"], r["model"], r["feature_set"]), []).append(r)
    rows = []
    for (dataset, model, fset), rs in groups.items():
        row = {"dataset": dataset, "model": model, "feature_set": fset, "n_seeds": len(rs)}
        for key in ("auc", "z_binned", "z_best_threshold"):
            row[key], row[key + "_std"] = mean_std([r[key] for r in rs])
        paper = paper_values(dataset, model, fset)
        row["paper_auc"], row["paper_auc_sd"], row["paper_z"] = paper["auc"], paper["auc_sd"], paper["z"]
        rows.append(row)
    order = {"bdt": 0, "shallow": 1, "deep": 2}
    fsets = {"low": 0, "high": 1, "complete": 2}
    rows.sort(key=lambda r: (r["dataset"], order.get(r["model"], 9), fsets.get(r["feature_set"], 9)))
    return rows


def load_records(paths: list[str | os.PathLike]) -> list[dict]:
    records = []
    for p in paths:
        with open(p) as f:
            records.append(json.load(f))
    return records


def _pm(mean: float, std: float, digits: int) -> str:
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def _paper(value, sd=None, digits=3) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}" + (f" ({sd:.{digits}f})" if sd is not None else "")


HEADER = ["model", "features", "AUC", "paper AUC", "Z binned (pyhf)", "Z best cut", "paper Z"]


def _cells(row: dict) -> list[str]:
    return [row["model"], row["feature_set"], _pm(row["auc"], row["auc_std"], 3),
            _paper(row["paper_auc"], row["paper_auc_sd"]), _pm(row["z_binned"], row["z_binned_std"], 2),
            _pm(row["z_best_threshold"], row["z_best_threshold_std"], 2), _paper(row["paper_z"], digits=1)]


def to_markdown(rows: list[dict], title: str) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def to_latex(rows: list[dict], title: str) -> str:
    esc = lambda s: s.replace("±", r"$\pm$").replace("—", "--").replace("_", r"\_")  # noqa: E731
    lines = [r"\begin{table}", r"\centering", rf"\caption{{{esc(title)}}}",
             r"\begin{tabular}{ll" + "r" * (len(HEADER) - 2) + "}", r"\hline",
             " & ".join(HEADER) + r" \\", r"\hline"]
    lines += [" & ".join(esc(c) for c in _cells(r)) + r" \\" for r in rows]
    lines += [r"\hline", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_tables(rows: list[dict], title: str, csv_path, md_path, tex_path) -> None:
    for path, text in ((csv_path, to_csv(rows)), (md_path, to_markdown(rows, title)), (tex_path, to_latex(rows, title))):
        with atomic_output(path) as tmp:
            Path(tmp).write_text(text)
