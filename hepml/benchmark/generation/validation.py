"""Validation of a generated sample against generator truth: mass peaks and kinematic endpoints,
object resolutions and b-tag efficiencies, from the shards' ``truth``, ``leptons`` and ``jets`` trees.

* Peak: the half-sample mode (Bickel and Fruhwirth 2006: repeatedly keep the half of the sorted
  values with the smallest range), robust against tails and spikes; width: half the 16-84%
  interval of the values within +-50% of the peak (the sigma of a Gaussian core). Each
  reconstructed HIGGS mass must peak inside its window (the recipe's ``peaks``, fractions of the
  generated mass's peak).
* Endpoint (SUSY-like): the 98th percentile of MT2 and M_Delta^R of the W-pair background
  against their kinematic endpoint m_W (two-body W -> l nu decays). The signal chain
  chargino -> W LSP -> l nu LSP has no sharp lepton endpoint, so it is not checked.
* Resolutions and b-tag efficiencies use the objects of every generated event, so the selection
  (two b-tags in the HIGGS-like sample) does not bias them.
"""

from __future__ import annotations

from dataclasses import astuple

import numpy as np

from ...core.store import read_store
from .detector import FLAVOURS
from .recipes import Target, recipe

ENDPOINT_QUANTILE = 98


def half_sample_mode(values: np.ndarray) -> float:
    """The half-sample mode of ``values`` (finite, at least one)."""
    x = np.sort(values)
    while len(x) > 3:
        h = (len(x) + 1) // 2
        i = int(np.argmin(x[h - 1 :] - x[: len(x) - h + 1]))
        x = x[i : i + h]
    if len(x) == 3:
        x = x[:2] if x[1] - x[0] < x[2] - x[1] else x[1:] if x[1] - x[0] > x[2] - x[1] else x[1:2]
    return float(np.mean(x))


def peak_and_width(values: np.ndarray) -> tuple[float, float]:
    """Half-sample mode and half the 16-84% interval of the values within +-50% of it."""
    values = values[np.isfinite(values)]
    if len(values) < 10:
        return float("nan"), float("nan")
    peak = half_sample_mode(values)
    core = values[np.abs(values - peak) <= 0.5 * abs(peak)]
    lo, hi = np.percentile(core, [16, 84]) if len(core) > 2 else (np.nan, np.nan)
    return peak, float(0.5 * (hi - lo))


def load_shards(paths: list[str]) -> dict[str, dict[str, dict[str, np.ndarray]]]:
    """{process: {tree: columns}} of the shard files (the process from the shard's labels)."""
    out: dict[str, dict] = {}
    for p in paths:
        trees = {t: read_store(p, t) for t in ("events", "truth", "leptons", "jets")}
        process = "signal" if trees["events"]["label"][0] == 1 else "background"
        slot = out.setdefault(process, {t: [] for t in trees})
        for t, cols in trees.items():
            slot[t].append(cols)
    return {proc: {t: {c: np.concatenate([part[c] for part in parts]) for c in parts[0]}
                   for t, parts in trees.items()} for proc, trees in out.items()}


def mass_peaks(samples: dict, targets: tuple[Target, ...]) -> list[dict]:
    """One row per mass peak target: truth and reconstructed peak and width, window, inside."""
    rows = []
    for feature, process, truth, (lo, hi), what in (astuple(t) for t in targets):
        s = samples[process]
        t_peak, t_width = peak_and_width(s["truth"][truth])
        r_peak, r_width = peak_and_width(s["events"][feature])
        rows.append({"feature": feature, "process": process, "reconstructs": what, "truth": truth,
                     "truth_peak": t_peak, "truth_width": t_width, "reco_peak": r_peak, "reco_width": r_width,
                     "window": [lo * t_peak, hi * t_peak], "inside": bool(lo * t_peak <= r_peak <= hi * t_peak)})
    return rows


def endpoints(samples: dict, targets: tuple[Target, ...]) -> list[dict]:
    """One row per endpoint target: the 98th percentile against the kinematic endpoint."""
    rows = []
    for feature, process, e, (lo, hi), what in (astuple(t) for t in targets):
        value = float(np.percentile(samples[process]["events"][feature], ENDPOINT_QUANTILE))
        rows.append({"feature": feature, "process": process, "reconstructs": what, "expected": e,
                     "measured": value, "window": [lo * e, hi * e], "inside": bool(lo * e <= value <= hi * e)})
    return rows


JET_PT_BINS = ((20, 50), (50, 100), (100, 200), (200, 500))
JET_ETA_BINS = ((0.0, 1.5), (1.5, 2.5))


def jet_response(samples: dict, detector: dict) -> list[dict]:
    """Response (median of pT_reco / pT_particle) and resolution (half the 16-84% interval of that
    ratio) of reconstructed jets against the particle-level jets matched to them (generator-level
    anti-kT jets of every visible final-state particle, Delta R < 0.2), in bins of particle-jet
    pT and |eta|; the card's expected resolution and the energy-scale correction 1 / response.
    Jets below the reconstruction pT cut are missing from the sample, which biases the response
    of the lowest bin upwards."""
    jets = {k: np.concatenate([s["jets"][k] for s in samples.values()]) for k in ("pt_particle", "pt_reco", "eta")}
    jcfg = detector["jet"]
    rows = []
    for eta_lo, eta_hi in JET_ETA_BINS:
        for lo, hi in JET_PT_BINS:
            pt = jets["pt_particle"]
            m = np.isfinite(pt) & (pt >= lo) & (pt < hi) & (np.abs(jets["eta"]) >= eta_lo) & (np.abs(jets["eta"]) < eta_hi)
            if m.sum() < 20:
                continue
            ratio = jets["pt_reco"][m] / pt[m]
            e = pt[m] * np.cosh(jets["eta"][m])
            expected = np.sqrt(jcfg["stochastic"] ** 2 / e + jcfg["constant"] ** 2)
            q16, q50, q84 = np.percentile(ratio, [16, 50, 84])
            rows.append({"pt_bin": f"{lo}-{hi} GeV", "eta_bin": f"{eta_lo}-{eta_hi}", "jets": int(m.sum()),
                         "response": float(q50), "resolution": float(0.5 * (q84 - q16)),
                         "expected_resolution": float(np.sqrt(np.mean(expected**2))),
                         "energy_scale": jcfg["energy_scale"], "correction": float(1 / q50)})
    return rows


def resolutions(samples: dict, detector: dict) -> list[dict]:
    """Measured against configured resolutions: leptons against their generated pT, missing pT
    against the invisible momentum (jets: :func:`jet_response`)."""
    leptons = np.concatenate([s["leptons"]["pt_reco"] / s["leptons"]["pt_true"] - 1 for s in samples.values()])
    rows = [{"object": "lepton", "quantity": "pT_reco / pT_true - 1", "bin": "all",
             "measured": float(np.std(leptons)), "expected": detector["lepton"]["resolution"]}]
    dx = np.concatenate([np.r_[s["truth"]["met_reco_px"] - s["truth"]["met_true_px"],
                               s["truth"]["met_reco_py"] - s["truth"]["met_true_py"]] for s in samples.values()])
    q16, q84 = np.percentile(dx, [16, 84])
    rows.append({"object": "missing pT", "quantity": "per component, reco - true (GeV)", "bin": "all",
                 "measured": float(0.5 * (q84 - q16)), "expected": None})
    return rows


def btag_efficiencies(samples: dict, detector: dict) -> list[dict]:
    """Fraction of jets of each true flavour tagged loose (level >= 1) and tight (level 2)."""
    flavour = np.concatenate([s["jets"]["flavour"] for s in samples.values()])
    level = np.concatenate([s["jets"]["btag"] for s in samples.values()])
    rows = []
    for name, code in FLAVOURS.items():
        m = flavour == code
        if not m.any():
            continue
        for wp, threshold in (("loose", 1), ("tight", 2)):
            eff = float(np.mean(level[m] >= threshold))
            n = int(m.sum())
            rows.append({"flavour": name, "working_point": wp, "jets": n, "measured": eff,
                         "uncertainty": float(np.sqrt(eff * (1 - eff) / n)),
                         "card": detector["btag"][wp][name]})
    return rows


def validation_report(dataset: str, shards: list[str], generation: dict, detector: dict) -> dict:
    """Everything the validation report shows, as one JSON-able dict."""
    samples = load_shards(shards)
    r = recipe(dataset)
    peaks = mass_peaks(samples, r.peaks) + endpoints(samples, r.endpoints)
    return {"dataset": dataset, "peaks": peaks,
            "resolutions": resolutions(samples, detector), "jet_response": jet_response(samples, detector),
            "btag": btag_efficiencies(samples, detector), "cross_section_note": r.cross_section_note,
            "generation": {p: {k: r[k] for k in ("generator", "tune_pp", "events_generated", "events_selected",
                                                 "efficiency", "sigma_mb", "sigma_err_mb")}
                           | {"errors": sum(r["errors"].values()), "warnings": sum(r["warnings"].values())}
                           for p, r in generation["processes"].items()}}


def _fmt(x, digits=1):
    return "—" if x is None or (isinstance(x, float) and not np.isfinite(x)) else f"{x:.{digits}f}"


def report_markdown(report: dict) -> str:
    """The validation report as Markdown tables."""
    d = report["dataset"]
    lines = [f"### Validation of the generated {d} sample", "",
             "| process | generator | generated | selected | efficiency | cross section (pb) | Pythia errors | warnings |",
             "|---|---|---|---|---|---|---|---|"]
    for p, g in report["generation"].items():
        lines.append(f"| {p} | {g['generator']} (tune {g['tune_pp']}) | {g['events_generated']} | {g['events_selected']} | "
                     f"{g['efficiency']:.3f} | {g['sigma_mb'] * 1e9:.4g} ± {g['sigma_err_mb'] * 1e9:.2g} | "
                     f"{g['errors']} | {g['warnings']} |")
    peaks = [r for r in report["peaks"] if "truth" in r]
    if peaks:
        lines += ["", "| feature | process | reconstructs | truth peak ± width (GeV) | reco peak ± width (GeV) | "
                  "window (GeV) | inside |", "|---|---|---|---|---|---|---|"]
        for r in peaks:
            lines.append(f"| {r['feature']} | {r['process']} | {r['reconstructs']} | {_fmt(r['truth_peak'])} ± "
                         f"{_fmt(r['truth_width'])} | {_fmt(r['reco_peak'])} ± {_fmt(r['reco_width'])} | "
                         f"{_fmt(r['window'][0], 0)}–{_fmt(r['window'][1], 0)} | {'yes' if r['inside'] else '**no**'} |")
    ends = [r for r in report["peaks"] if "truth" not in r]
    if ends:
        lines += ["", f"| feature | process | endpoint | expected (GeV) | {ENDPOINT_QUANTILE}th percentile (GeV) | "
                  "window (GeV) | inside |", "|---|---|---|---|---|---|---|"]
        for r in ends:
            lines.append(f"| {r['feature']} | {r['process']} | {r['reconstructs']} | {_fmt(r['expected'])} | "
                         f"{_fmt(r['measured'])} | {_fmt(r['window'][0], 0)}–{_fmt(r['window'][1], 0)} | "
                         f"{'yes' if r['inside'] else '**no**'} |")
    lines += ["", report["cross_section_note"]]
    lines += ["", "| object | quantity | bin | measured resolution | configured |", "|---|---|---|---|---|"]
    for r in report["resolutions"]:
        lines.append(f"| {r['object']} | {r['quantity']} | {r['bin']} | {_fmt(r['measured'], 3)} | "
                     f"{_fmt(r['expected'], 3)} |")
    lines += ["", "Jets against the particle-level jets matched to them (Delta R < 0.2): response = median "
              "pT_reco / pT_particle, resolution = half its 16-84% interval; correction = 1 / response "
              "(the energy scale a calibration would apply, beside the card's `jet.energy_scale`).", "",
              "| particle-jet pT | abs(eta) | jets | response | resolution | card resolution | correction | card energy_scale |",
              "|---|---|---|---|---|---|---|---|"]
    for r in report["jet_response"]:
        lines.append(f"| {r['pt_bin']} | {r['eta_bin']} | {r['jets']} | {r['response']:.3f} | {r['resolution']:.3f} | "
                     f"{r['expected_resolution']:.3f} | {r['correction']:.3f} | {r['energy_scale']:.3f} |")
    lines += ["", "| true flavour | working point | jets | measured efficiency | card |", "|---|---|---|---|---|"]
    for r in report["btag"]:
        lines.append(f"| {r['flavour']} | {r['working_point']} | {r['jets']} | {r['measured']:.3f} ± "
                     f"{r['uncertainty']:.3f} | {r['card']:.3f} |")
    return "\n".join(lines) + "\n"


def report_figure(report: dict, shards: list[str]):
    """Reconstructed masses against the generated masses they measure (HIGGS), or the endpoint
    variables with their expected endpoints (SUSY): one readable panel per target, four per row."""
    from ...core.plotting import hep, plt

    samples = load_shards(shards)
    rows = report["peaks"]
    ncol = min(4, len(rows))
    nrow = -(-len(rows) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(6.5 * ncol, 5.5 * nrow), squeeze=False)
    for ax, r in zip(axes.flat, rows):
        s = samples[r["process"]]
        reco = s["events"][r["feature"]]
        if "truth" in r:
            scale = r["truth_peak"] if np.isfinite(r["truth_peak"]) else float(np.median(reco))
            curves = ((s["truth"][r["truth"]], "generated"), (reco, f"reconstructed {r['feature']}"))
        else:
            scale = r["expected"]
            curves = ((reco, r["feature"]),)
            ax.axvline(r["expected"], color="black", ls="--", label=f"expected endpoint {r['expected']:g} GeV")
        bins = np.linspace(0, 2 * scale, 61)
        for values, label in curves:
            h, _ = np.histogram(values[np.isfinite(values)], bins)
            if h.sum():
                hep.histplot(h / h.sum(), bins, ax=ax, label=label)
        ax.axvspan(*r["window"], color="grey", alpha=0.15, label="window")
        ax.set_title(f"{r['reconstructs']} ({r['process']})", fontsize=16)
        ax.set_xlabel(f"{r['feature']} [GeV]", fontsize=16)
        ax.set_ylabel("Fraction of events / bin", fontsize=16)
        ax.tick_params(labelsize=13)
        ax.legend(fontsize=12, loc="upper right")
    for ax in list(axes.flat)[len(rows):]:
        ax.axis("off")
    fig.suptitle(f"Validation of the generated {report['dataset']} sample against generator truth", fontsize=20)
    fig.tight_layout()
    return fig
