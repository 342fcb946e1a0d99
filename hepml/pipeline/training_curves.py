"""Training curves of a study's cells from their training histories: per cell, the training and
validation loss (the loss the cell trains with: binary cross-entropy, or LLP's proportion loss)
and the validation AUC of every seed against the epoch (networks) or boosting round (BDTs), the
epoch each seed kept (early stopping) marked. The AUC is of the labels the cell learns from: the
truth when supervised, the mixture a jet came from for CWoLa; LLP has none."""

from __future__ import annotations

import numpy as np


def _curves(history: dict) -> tuple[str, dict[str, list[float]], int | None]:
    """(x label, {curve: values}, the kept epoch or round) of one seed's history."""
    if "epochs" in history:
        epochs = history["epochs"]
        return "epoch", {"train loss": [e["train_loss"] for e in epochs], "validation loss": [e["val_loss"] for e in epochs],
                         "validation AUC": [e["val_auc"] for e in epochs]}, history.get("best_epoch")
    if "val_logloss" in history:
        return "boosting round", {"validation loss": history["val_logloss"], "validation AUC": history["val_auc"]}, \
            history.get("best_iteration")
    return "", {}, None


def trainable(history: dict) -> bool:
    """Whether a history has curves (a single observable is not trained)."""
    return bool(_curves(history)[1])


def training_figure(cells: dict[str, list[dict]], title: str):
    """One panel per cell ({label: each seed's history}): losses on the left axis, the validation
    AUC on the right, a dotted line at each seed's kept epoch."""
    from ..core.plotting import plt

    cells = {label: hs for label, hs in cells.items() if hs and trainable(hs[0])}
    if not cells:
        raise ValueError(f"{title}: no trained cell has a training history with curves")
    ncol = min(3, len(cells))
    nrow = -(-len(cells) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(7 * ncol, 5 * nrow), squeeze=False)
    colours = {"train loss": "tab:blue", "validation loss": "tab:orange", "validation AUC": "tab:green"}
    for ax, (label, histories) in zip(axes.flat, cells.items()):
        with_auc = any(np.isfinite(v).any() for h in histories for k, v in _curves(h)[1].items() if k == "validation AUC")
        auc_ax = ax.twinx() if with_auc else None
        for i, history in enumerate(histories):
            xlabel, curves, kept = _curves(history)
            for name, values in curves.items():
                if name == "validation AUC" and auc_ax is None:
                    continue   # no AUC to show (LLP learns fractions, not labels)
                target = auc_ax if name == "validation AUC" else ax
                target.plot(np.arange(len(values)), values, color=colours[name], lw=1.2, alpha=0.8,
                            ls="--" if name == "validation loss" else "-", label=name if i == 0 else None)
            if kept is not None and kept >= 0:
                ax.axvline(kept, color="grey", ls=":", lw=1, label="kept (early stopping)" if i == 0 else None)
        ax.set_xlabel(xlabel, fontsize=14)
        ax.set_ylabel("loss", fontsize=14)
        ax.set_title(f"{label} ({len(histories)} seeds)", fontsize=14)
        ax.tick_params(labelsize=11)
        if auc_ax is not None:
            auc_ax.set_ylabel("validation AUC", fontsize=14, color=colours["validation AUC"])
            auc_ax.tick_params(labelsize=11)
    handles = {}
    for ax in fig.axes:   # one legend for the figure: every curve name once, in a fixed order
        for handle, name in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(name, handle)
    order = [*colours, "kept (early stopping)"]
    legend = {name: handles[name] for name in order if name in handles}
    for ax in list(axes.flat)[len(cells):]:
        ax.axis("off")
    height = 5 * nrow   # inches: the title and the legend take about 0.65 of them at the top
    fig.suptitle(title, fontsize=18, y=1 - 0.05 / height)
    fig.tight_layout()
    fig.subplots_adjust(top=1 - 1.15 / height)   # the panels' titles just below the legend
    fig.legend(legend.values(), legend.keys(), loc="upper center", ncol=len(legend), fontsize=13,
               bbox_to_anchor=(0.5, 1 - 0.32 / height), frameon=False)
    return fig
