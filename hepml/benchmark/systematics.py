"""The systematics study's table and figure: how much each benchmark number moves when the detector,
the generator setting or the shower's scale differs from the one the models were trained with, and
the significance with those shifts as pyhf modifiers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.records import MetricRecord
from ..core.tables import Column, Summary, Table, csv_only, key, mean_std, stat, summarise
from .generation.variations import NOMINAL, source_pairs, variation_of_evaluation
from .report import FSET_ORDER, MODEL_ORDER

@dataclass
class SystematicsRow:
    """One benchmark cell on every variation: {variation: the summary over seeds}."""

    by_variation: dict[str, Summary]

    @property
    def nominal(self) -> Summary:
        return self.by_variation[NOMINAL]

    @property
    def cell(self):
        return self.nominal.cell

    def shift(self, name: str, variation: str) -> tuple[float, float]:
        """Mean and std over seeds of the seed-by-seed change of the field ``name`` from nominal to ``variation``."""
        nominal = {r.seed: getattr(r, name) for r in self.nominal.records}
        return mean_std([getattr(r, name) - nominal[r.seed] for r in self.by_variation[variation].records])

    def shift_stat(self, variation: str) -> float | None:
        """A shower variation: the mean over seeds of its AUC shift's statistical spread (the
        weights' statistics, ``MetricRecord.auc_shift_stat``); None for any other variation."""
        values = [r.auc_shift_stat for r in self.by_variation[variation].records]
        return None if None in values else float(np.mean(values))


def systematics_rows(records: list[MetricRecord]) -> list[SystematicsRow]:
    """One row per benchmark cell, in the paper's order (the nominal variation must be among them)."""
    rows: dict = {}
    for s in summarise(records):
        rows.setdefault((s.cell.dataset, s.cell.feature_set, s.cell.model), {})[variation_of_evaluation(s.cell.evaluation)] = s
    missing = [k for k, v in rows.items() if NOMINAL not in v]
    if missing:
        raise ValueError(f"systematics: no nominal-variation records for {missing[0]}")
    return sorted((SystematicsRow(v) for v in rows.values()),
                  key=lambda r: (r.cell.dataset, MODEL_ORDER.get(r.cell.model, 9), FSET_ORDER.get(r.cell.feature_set, 9)))


def _shift_column(source: str, up: str, down: str | None, name: str, header: str, digits: int) -> Column:
    """The shift of ``name`` under a source up and down (a generator source: its one variation); a
    shower source's AUC shifts also carry their weights' statistical spread, ``(± up / down)``."""
    variations = (up,) if down is None else (up, down)
    label = f"{header} {up}" if down is None else f"{header} {source} up / down"

    def text(r):
        out = " / ".join(f"{r.shift(name, v)[0]:+.{digits}f}" for v in variations)
        stats = [r.shift_stat(v) for v in variations] if name == "auc" else [None]
        return out if None in stats else out + " (± " + " / ".join(f"{x:.{digits}f}" for x in stats) + ")"

    def fields(r):
        out = {f"{name}_shift_{v}": r.shift(name, v)[0] for v in variations}
        if name == "auc":
            out.update({f"auc_shift_stat_{v}": r.shift_stat(v) for v in variations if r.shift_stat(v) is not None})
        return out

    return Column(label, text, fields)


def _shift(name: str, variation: str, label: str) -> Column:
    """The shift of ``name`` under ``variation``: a CSV field (mean over seeds) and a HEPData variable."""
    return Column(None, fields=lambda r: {f"{name}_shift_{variation}": r.shift(name, variation)[0]},
                  value=lambda r: r.shift(name, variation), hepdata=f"{label} shift, {variation}")


def systematics_table(records: list[MetricRecord], title: str) -> Table:
    """Per benchmark cell: AUC and significances on the nominal variation sample, the seed-by-seed
    shift of the AUC under each source up and down, and the significance with systematics; the CSV
    and HEPData add both significances' shifts (binned, best cut) under every variation."""
    rows = systematics_rows(records)
    pairs = source_pairs(rows[0].by_variation)
    nominal = lambda r: r.nominal  # noqa: E731
    columns = [
        csv_only("dataset", lambda r: r.cell.dataset),
        key("model", "model", lambda r: r.cell.model),
        key("features", "feature_set", lambda r: r.cell.feature_set),
        csv_only("n_seeds", lambda r: r.nominal.n_seeds),
        stat("AUC", "auc", 3, of=nominal),
        *[_shift_column(source, up, down, "auc", "ΔAUC", 4) for source, (up, down) in pairs.items()],
        stat("Z binned + MC stat.", "z_binned", 2, of=nominal,
             hepdata="Expected significance, binned (pyhf, background MC stat.), nominal detector"),
        stat("Z with systematics", "z_systematics", 2, of=nominal,
             hepdata="Expected significance, binned, with the detector variations as pyhf modifiers"),
        stat(None, "z_best_threshold", 2, of=nominal, hepdata="Expected significance, best cut, nominal detector"),
        *[_shift(n, v, label) for pair in pairs.values() for v in pair if v
          for n, label in (("auc", "AUC"), ("z_binned", "Z binned"), ("z_best_threshold", "Z best cut"))],
    ]
    return Table(title, columns, rows)


def shifts_figure(records: list[MetricRecord], title: str):
    """Left and middle: the shift of the AUC (x 1000; a shower weight's with its statistical spread)
    and of the binned significance (%) of every benchmark cell under every variation, mean over
    seeds; right: the binned significance without and with the variations as pyhf modifiers."""
    from ..core.plotting import plt

    rows = systematics_rows(records)
    variations = [v for pair in source_pairs(rows[0].by_variation).values() for v in pair if v]
    labels = [f"{r.cell.model} / {r.cell.feature_set}" for r in rows]
    auc = np.array([[1000 * r.shift("auc", v)[0] for v in variations] for r in rows])
    auc_stat = [[r.shift_stat(v) for v in variations] for r in rows]
    z = np.array([[100 * r.shift("z_binned", v)[0] / r.nominal.stat("z_binned")[0] for v in variations] for r in rows])
    fig, axes = plt.subplots(1, 3, figsize=(28, 0.9 * len(rows) + 5), gridspec_kw={"width_ratios": [4, 4, 3]},
                             layout="constrained")
    for ax, values, what in ((axes[0], auc, "AUC shift (x 1000)"), (axes[1], z, "Z binned shift (%)")):
        limit = max(float(np.abs(values).max()), 1e-9)
        image = ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        for (i, j), v in np.ndenumerate(values):
            stat = auc_stat[i][j] if ax is axes[0] else None   # a shower weight's statistical spread
            ax.text(j, i, f"{v:+.1f}" if stat is None else f"{v:+.1f}\n±{1000 * stat:.1f}", ha="center", va="center",
                    fontsize=11 if stat is None else 9, color="white" if abs(v) > 0.6 * limit else "black")
        ax.set_xticks(range(len(variations)), variations, rotation=45, ha="right")
        ax.set_yticks(range(len(rows)), labels)
        ax.minorticks_off()
        ax.set_xlabel("Variation\n(detector card or shower weight; *_alt: generator setting)")
        ax.set_ylabel("Model / features")
        ax.set_title(f"{title}: {what}", fontsize=14)
        fig.colorbar(image, ax=ax, shrink=0.8)
    y = np.arange(len(rows))
    for offset, name, label in ((-0.2, "z_binned", "nominal detector"), (0.2, "z_systematics", "with systematics")):
        means, stds = zip(*(r.nominal.stat(name) for r in rows))
        axes[2].barh(y + offset, means, height=0.4, xerr=stds, label=label)
    axes[2].set_yticks(y, labels)
    axes[2].tick_params(axis="y", which="minor", left=False, right=False)
    axes[2].invert_yaxis()
    axes[2].set_xlabel("Expected significance Z (binned, pyhf)")
    axes[2].set_ylabel("Model / features")
    axes[2].set_title("Significance with the variations as modifiers", fontsize=14)
    axes[2].legend(fontsize=11)
    return fig

