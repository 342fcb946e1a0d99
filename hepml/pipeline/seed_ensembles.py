"""The figure of a study's seed ensembles: is the mean score of a cell's seeds a probability, and how
much do the seeds disagree on one event (the classifier's own uncertainty)?"""

from __future__ import annotations

import numpy as np

from ..core.atomic import load_npz
from ..core.calibration import reliability


def calibration_figure(panels: dict[str, dict[str, str]], title: str, bins: int = 10):
    """One column per panel (a feature set: {model: its seed ensemble's scores file}): on top the
    reliability curve of each model's mean score on the test part (observed signal fraction against
    the predicted probability, binomial errors; the legend gives the expected calibration error),
    below the distribution of the per-event standard deviation of the seeds' scores."""
    from ..core.plotting import plt

    fig, axes = plt.subplots(2, len(panels), figsize=(8 * len(panels), 13), squeeze=False,
                             gridspec_kw={"height_ratios": [3, 2]}, layout="constrained")
    for (panel, files), top, bottom in zip(panels.items(), axes[0], axes[1]):
        top.plot([0, 1], [0, 1], ls=":", color="grey", label="calibrated")
        for label, path in files.items():
            s = load_npz(path)
            curve = reliability(s["test_scores"], s["test_labels"], bins)
            line = top.errorbar(curve.predicted, curve.observed, yerr=curve.error, marker="o", ms=4, capsize=2,
                                label=f"{label}: ECE {curve.calibration_error:.3f}")
            spread = s["test_spread"]
            bottom.hist(spread, bins=np.linspace(0, max(0.3, float(spread.max())), 41), histtype="step", lw=1.5,
                        color=line[0].get_color(), label=f"{label}: mean {spread.mean():.3f}")
        top.set_xlim(0, 1)
        top.set_ylim(0, 1)
        top.set_xlabel("Mean of the seeds' scores")
        top.set_ylabel("Signal fraction (test part)")
        top.set_title(f"{panel}: reliability of the mean score", fontsize=16)
        top.legend(fontsize=11, loc="upper left")
        bottom.set_yscale("log")
        bottom.set_xlabel("Std of the seeds' scores per event")
        bottom.set_ylabel("Test events")
        bottom.set_title(f"{panel}: how much the seeds disagree", fontsize=14)
        bottom.legend(fontsize=11, loc="upper right")
    fig.suptitle(title, fontsize=18)
    return fig
