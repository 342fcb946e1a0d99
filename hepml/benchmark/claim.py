"""The paper's claim read off a learning curve: does the deep network on low-level features catch up
with the BDT, and with itself on complete features, as the training sample grows?

Input: the learning-curve CSV of a study (``tables/learning_curve_<dataset>_<source>.csv``), one row
per (model, feature set, training events) with the AUC's mean and std over seeds.

* :func:`crossing`: the training size where curve a overtakes curve b, interpolated linearly in
  log(n) between the two sizes that bracket the sign change of a - b (None if it never does);
* :func:`gap_table`: deep/complete - deep/low (and the BDT's) at each size, with the combined std;
* :func:`power_law`: a fit gap(n) = c n^(-k) (least squares in log-log; the report fits the sizes
  from the largest gap on, where the gap closes), and the size where that law reaches a target gap (the paper's 0.885 - 0.880 = 0.005 at 10M UCI events).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

import numpy as np

PAPER_GAP = 0.005     # Baldi et al., Table 1: DN complete 0.885 - DN low 0.880


@dataclass(frozen=True)
class Curve:
    """AUC (mean, std over seeds) against training events of one model and feature set."""

    model: str
    feature_set: str
    n: np.ndarray
    auc: np.ndarray
    std: np.ndarray


def read_curves(path) -> dict[tuple[str, str], Curve]:
    """{(model, feature set): Curve} from a learning-curve CSV, sizes increasing."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or not {"model", "feature_set", "train_events", "auc", "auc_std"} <= set(rows[0]):
        raise ValueError(f"{path}: not a learning-curve table (needs model, feature_set, train_events, auc, auc_std)")
    out = {}
    for key in dict.fromkeys((r["model"], r["feature_set"]) for r in rows):
        part = sorted((r for r in rows if (r["model"], r["feature_set"]) == key), key=lambda r: int(r["train_events"]))
        out[key] = Curve(*key, np.array([int(r["train_events"]) for r in part]),
                         np.array([float(r["auc"]) for r in part]), np.array([float(r["auc_std"]) for r in part]))
    return out


def _common(a: Curve, b: Curve) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n, ia, ib = np.intersect1d(a.n, b.n, return_indices=True)
    return n, a.auc[ia], b.auc[ib], a.std[ia], b.std[ib]


def crossing(a: Curve, b: Curve) -> float | None:
    """Training events where ``a`` first rises above ``b`` for good (log-linear interpolation of
    a - b between the bracketing sizes); the first size if a leads throughout; None if a ends below."""
    n, ya, yb, _, _ = _common(a, b)
    d = ya - yb
    if len(d) == 0 or d[-1] <= 0:
        return None
    below = np.flatnonzero(d <= 0)
    if len(below) == 0:
        return float(n[0])
    i = below[-1]
    t = -d[i] / (d[i + 1] - d[i])
    return float(math.exp(math.log(n[i]) + t * (math.log(n[i + 1]) - math.log(n[i]))))


def gap_table(curves: dict, model: str = "deep") -> list[dict]:
    """complete - low of ``model`` at each common size, with the combined std over seeds."""
    n, yc, yl, sc, sl = _common(curves[model, "complete"], curves[model, "low"])
    return [{"train_events": int(k), "complete": float(c), "low": float(lo), "gap": float(c - lo),
             "gap_std": float(math.hypot(s1, s2))} for k, c, lo, s1, s2 in zip(n, yc, yl, sc, sl)]


def power_law(n, gap, target: float = PAPER_GAP, min_points: int = 3) -> dict | None:
    """Fit gap = c n^(-k) to the positive gaps (least squares in log-log); the size where the law
    reaches ``target``. None with fewer than ``min_points`` positive gaps or a gap that does not
    shrink (k <= 0)."""
    n, gap = np.asarray(n, float), np.asarray(gap, float)
    ok = gap > 0
    if ok.sum() < min_points:
        return None
    slope, intercept = np.polyfit(np.log(n[ok]), np.log(gap[ok]), 1)
    k, c = -slope, math.exp(intercept)
    if k <= 0:
        return {"c": c, "k": k, "target": target, "n_target": None}
    return {"c": c, "k": k, "target": target, "n_target": float((c / target) ** (1 / k))}


def claim_markdown(curves: dict, title: str) -> str:
    """The learning-curve reading of the paper's claim, as Markdown."""
    lines = [f"### {title}", ""]
    for model_a, model_b, fset in (("deep", "bdt", "low"), ("deep", "bdt", "complete")):
        if (model_a, fset) in curves and (model_b, fset) in curves:
            x = crossing(curves[model_a, fset], curves[model_b, fset])
            said = f"from about {x:,.0f} training events" if x is not None else "not within the sizes run"
            lines.append(f"* {model_a}/{fset} overtakes {model_b}/{fset}: {said}.")
    if ("deep", "complete") in curves and ("deep", "low") in curves:
        rows = gap_table(curves)
        # the gap first opens (neither network learns much on a few events), then closes: fit the closing part
        start = int(np.argmax([r["gap"] for r in rows]))
        fit = power_law([r["train_events"] for r in rows[start:]], [r["gap"] for r in rows[start:]])
        lines += ["", "| training events | deep / complete | deep / low | gap | ± |", "|---|---|---|---|---|"]
        lines += [f"| {r['train_events']:,} | {r['complete']:.4f} | {r['low']:.4f} | {r['gap']:.4f} | {r['gap_std']:.4f} |"
                  for r in rows]
        if fit is None:
            lines += ["", "Too few positive gaps for a power-law fit."]
        elif fit["n_target"] is None:
            lines += ["", f"Power-law fit gap = {fit['c']:.3g} n^-{fit['k']:.3f}: the gap does not shrink."]
        else:
            lines += ["", f"Power-law fit to the {len(rows) - start} sizes from the largest gap on: gap = {fit['c']:.3g} · "
                          f"n^(−{fit['k']:.3f}); it reaches the paper's "
                          f"gap of {fit['target']:.3f} at about {fit['n_target']:.2g} training events "
                          "(an extrapolation of a fit, not a measurement)."]
    return "\n".join(lines) + "\n"
