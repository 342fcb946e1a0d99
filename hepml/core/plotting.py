"""Plots with the mplhep style: saving figures, feature distributions."""

from __future__ import annotations

import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mplhep as hep  # noqa: E402
import numpy as np  # noqa: E402

from .atomic import atomic_output  # noqa: E402

plt.style.use(hep.style.ROOT)


def save(fig, paths) -> None:
    """Save ``fig`` atomically to each of ``paths`` (format from the suffix) and close it."""
    for path in paths:
        fmt = os.path.splitext(str(path))[1][1:]
        # no creation date in the PDF, so the same figure gives the same bytes
        metadata = {"CreationDate": None} if fmt == "pdf" else None
        with atomic_output(path) as tmp:
            fig.savefig(tmp, format=fmt, bbox_inches="tight", metadata=metadata)
    plt.close(fig)


def feature_figure(data: dict[str, np.ndarray], columns: list[str], label_column: str, title: str,
                   units: dict[str, str] | None = None):
    """Normalised signal and background distribution of every feature (cf. paper Figs. 2-3)."""
    n = len(columns)
    ncol = 4
    nrow = int(np.ceil(n / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(5 * ncol, 4 * nrow), squeeze=False)
    labels = data[label_column]
    for ax, column in zip(axes.flat, columns):
        x = data[column]
        finite = np.isfinite(x)
        lo, hi = np.quantile(x[finite], [0.005, 0.995]) if finite.any() else (0, 1)
        if hi <= lo:
            hi = lo + 1
        bins = np.linspace(lo, hi, 41)
        for value, name in ((1, "signal"), (0, "background")):
            h, _ = np.histogram(x[(labels == value) & finite], bins)
            if h.sum():
                hep.histplot(h / h.sum(), bins, ax=ax, label=name)
        ax.set_xlabel(column + (f" [{units[column]}]" if units and column in units else ""), fontsize=13)
        ax.set_ylabel("Fraction", fontsize=13)
        ax.tick_params(labelsize=11)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=12)
    fig.suptitle(title, fontsize=18)
    fig.tight_layout()
    return fig
