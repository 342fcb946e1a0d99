"""The weak-supervision study on quark/gluon jets: one (method, f1, f2) over seeds, and its report."""

from __future__ import annotations

import numpy as np

from ..jets.tagging import load_images, observable_matrix
from ..plotting import plt
from ..tables import mean_std
from ..training import Recipe
from .methods import train_weak, truth_auc
from .mixtures import build_weak_sample


def inputs(data: dict, kind: str) -> np.ndarray:
    """Jet observables (dense network) or jet images (CNN)."""
    if kind == "observables":
        return observable_matrix(data)
    if kind == "images":
        return data["images"]
    raise ValueError(f"weak.inputs must be 'observables' or 'images', got {kind!r}")


def mixtures_of(x: np.ndarray, labels: np.ndarray, fractions: list[float], seed: int, mixture_fraction: float,
                where: str):
    """Mixtures of ``mixture_fraction`` x len(x) events each: the same size for every point of a scan."""
    size = int(round(mixture_fraction * len(x)))
    try:
        return build_weak_sample(x, labels, fractions, seed, size)
    except ValueError as err:
        raise ValueError(f"{where}: {err}; lower weak.mixture_fraction ({mixture_fraction})") from None


def run(method: str, f1: float, f2: float, train_path, val_path, test_path, cfg: dict, seeds: list[int],
        threads: int | None = None) -> dict:
    """Train ``method`` for every seed; AUC on the truly labelled test jets."""
    tr, va, te = (load_images(p) for p in (train_path, val_path, test_path))
    x, xv, xt = (inputs(d, cfg["inputs"]) for d in (tr, va, te))
    recipe = Recipe.from_dict(cfg["recipe"])
    aucs = []
    for seed in seeds:
        if method == "supervised":
            train = (x, tr["labels"].astype(np.float32))
            val = (xv, va["labels"].astype(np.float32))
        else:
            train = mixtures_of(x, tr["labels"], [f1, f2], seed, cfg["mixture_fraction"], train_path)
            val = mixtures_of(xv, va["labels"], [f1, f2], seed + 10_000, cfg["mixture_fraction"], val_path)
        model, sign = train_weak(method, train, val, cfg["network"]["layers"], cfg["network"]["width"], recipe,
                                 seed, cfg["network"]["device"], threads, cnn=cfg["cnn"])
        aucs.append(truth_auc(model, sign, xt, te["labels"]))
    auc_mean, auc_std = mean_std(aucs)
    return {"method": method, "f1": f1, "f2": f2, "gap": abs(f1 - f2), "seeds": list(seeds), "auc": aucs,
            "auc_mean": auc_mean, "auc_std": auc_std}


def table_markdown(records: list[dict]) -> str:
    sup = [r for r in records if r["method"] == "supervised"]
    ref = sup[0]["auc_mean"] if sup else None
    lines = ["### Weak supervision on quark/gluon jets (AUC on truth-labelled test jets)", "",
             "| method | f1 | f2 | abs(f1 - f2) | AUC | gap to supervised |", "|---|---|---|---|---|---|"]
    for r in sorted(records, key=lambda r: (r["method"] != "supervised", r["method"], -r["gap"])):
        gap = "—" if ref is None or r["method"] == "supervised" else f"{r['auc_mean'] - ref:+.3f}"
        f = ("—", "—", "—") if r["method"] == "supervised" else (f"{r['f1']:.2f}", f"{r['f2']:.2f}", f"{r['gap']:.2f}")
        lines.append(f"| {r['method']} | {f[0]} | {f[1]} | {f[2]} | {r['auc_mean']:.3f} ± {r['auc_std']:.3f} | {gap} |")
    return "\n".join(lines) + "\n"


def auc_vs_gap_figure(records: list[dict]):
    fig, ax = plt.subplots(figsize=(8, 6))
    for method in ("cwola", "llp"):
        rs = sorted((r for r in records if r["method"] == method), key=lambda r: r["gap"])
        if rs:
            ax.errorbar([r["gap"] for r in rs], [r["auc_mean"] for r in rs], yerr=[r["auc_std"] for r in rs],
                        marker="o", capsize=3, label=method.upper())
    for r in records:
        if r["method"] == "supervised":
            ax.axhspan(r["auc_mean"] - r["auc_std"], r["auc_mean"] + r["auc_std"], color="grey", alpha=0.3)
            ax.axhline(r["auc_mean"], color="black", ls="--", label="fully supervised")
    ax.set_xlabel(r"$|f_1 - f_2|$ (quark fractions of the two mixtures)")
    ax.set_ylabel("AUC on truth-labelled test jets")
    ax.legend(fontsize=13)
    return fig
