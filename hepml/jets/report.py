"""Quark/gluon study outputs: table over seeds, ROC and SIC curves, average images."""

from __future__ import annotations

import numpy as np

from ..plotting import hep, plt, save
from ..atomic import atomic_output
from ..tables import mean_std


def summarise(records: list[dict]) -> list[dict]:
    """Mean and std over seeds of AUC and gluon rejection at 50% quark efficiency, per tagger."""
    rows = []
    for tagger in dict.fromkeys(r["tagger"] for r in records):
        rs = [r for r in records if r["tagger"] == tagger]
        row = {"tagger": tagger, "n_seeds": len(rs)}
        row["auc"], row["auc_std"] = mean_std([r["auc"] for r in rs])
        row["rejection_50"], row["rejection_50_std"] = mean_std([r["gluon_rejection_at_50"] for r in rs])
        rows.append(row)
    return sorted(rows, key=lambda r: -r["auc"])


def table_markdown(rows: list[dict], title: str) -> str:
    lines = [f"### {title}", "", "| tagger | seeds | AUC | gluon rejection at 50% quark eff. |", "|---|---|---|---|"]
    lines += [f"| {r['tagger']} | {r['n_seeds']} | {r['auc']:.3f} ± {r['auc_std']:.3f} | "
              f"{r['rejection_50']:.1f} ± {r['rejection_50_std']:.1f} |" for r in rows]
    return "\n".join(lines) + "\n"


def write_table(rows, title, csv_path, md_path) -> None:
    header = ["tagger", "n_seeds", "auc", "auc_std", "rejection_50", "rejection_50_std"]
    csv = ",".join(header) + "\n" + "".join(",".join(str(r[h]) for h in header) + "\n" for r in rows)
    for path, text in ((csv_path, csv), (md_path, table_markdown(rows, title))):
        with atomic_output(path) as tmp:
            tmp.write_text(text)


def curves_figure(records: list[dict], title: str):
    """Gluon rejection and SIC against quark efficiency; the median-AUC seed of each tagger."""
    fig, (ax_roc, ax_sic) = plt.subplots(1, 2, figsize=(15, 6.5))
    for tagger in dict.fromkeys(r["tagger"] for r in records):
        rs = sorted((r for r in records if r["tagger"] == tagger), key=lambda r: r["auc"])
        r = rs[len(rs) // 2]
        eq, eg = np.array(r["roc"]["quark_efficiency"]), np.array(r["roc"]["gluon_efficiency"])
        ok = eg > 0
        ax_roc.plot(eq[ok], 1 / eg[ok], label=f"{tagger} (AUC {np.mean([x['auc'] for x in rs]):.3f})")
        ax_sic.plot(eq, r["sic"], label=tagger)
    ax_roc.set_yscale("log")
    ax_roc.set_xlabel("Quark efficiency")
    ax_roc.set_ylabel("Gluon rejection")
    ax_sic.set_xlabel("Quark efficiency")
    ax_sic.set_ylabel(r"SIC $\epsilon_q/\sqrt{\epsilon_g}$")
    for ax in (ax_roc, ax_sic):
        ax.legend(fontsize=12)
        ax.set_title(title, fontsize=15)
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


__all__ = ["summarise", "write_table", "curves_figure", "average_images_figure", "save", "hep"]
