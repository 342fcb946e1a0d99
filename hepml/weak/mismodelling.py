"""Mis-modelling and weak supervision: taggers trained on simulation, scored on "data".

The nominal quark/gluon sample is the *simulation*; *data* are samples generated with one real-valued
Pythia parameter changed (``mismodelling.parameter``, one sample per value). Compared on each data
sample's truth-labelled test jets:

* the taggers trained on the simulation's truth (the weak study's network, the jets study's CNN and
  BDT): optimal for the simulation, not for the data;
* CWoLa and LLP trained on the data's own mixtures (quark fractions f1, f2): they never see a
  simulated jet;
* the weak study's network trained on the data's truth: what the same network could do there.

The data samples' names: ``hepml.weak.mismodelled_data``. This module makes the study's table and
figure and the data's validation report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.records import Cell, MetricRecord
from ..core.tables import Column, Summary, Table, csv_only, key, stat, summarise
from .mismodelled_data import alt_value, is_alt, nominal_value
from .tasks import method_and_fractions

# --- the study's table and figure -------------------------------------------------------------

TRAINED_ON = {"simulation": "simulation truth", "mixtures": "data mixtures", "truth": "data truth"}
_METHOD_ORDER = {"simulation": 0, "mixtures": 1, "truth": 2}
_MODEL_ORDER = {"dense": 0, "cnn": 1, "pfn": 2, "bdt": 3, "cwola": 4, "llp": 5}


@dataclass(frozen=True)
class Point:
    """One tagger at one value of the parameter."""

    value: float | None      # the data's parameter value; None: the nominal simulation itself
    model: str               # dense, cnn, bdt, ... or cwola, llp
    trained_on: str          # simulation, mixtures, truth (keys of TRAINED_ON)


def point_of(cell: Cell) -> Point:
    """Where a cell of the study sits: which data it is scored on, what it is and what it learnt from."""
    value = alt_value(cell.evaluation) if is_alt(cell.evaluation) else alt_value(cell.source)
    method, f1, _ = method_and_fractions(cell.task)
    if f1 is not None:
        return Point(value, method, "mixtures")
    return Point(value, cell.model, "truth" if is_alt(cell.source) else "simulation")


METHOD_NAMES = {"cwola": "CWoLa", "llp": "LLP"}


def label(point: Point) -> str:
    return f"{METHOD_NAMES.get(point.model, point.model)} on {TRAINED_ON[point.trained_on]}"


@dataclass
class Row:
    summary: Summary
    point: Point
    reference: Summary | None    # the like-for-like simulation-trained network at the same value


def rows(records: list[MetricRecord]) -> list[Row]:
    """One row per tagger and value (the nominal first), the simulation-trained ones first; each
    with the weak study's simulation-trained network at the same value (the like-for-like
    reference: same inputs, same network as CWoLa and LLP)."""
    summaries = [(s, point_of(s.cell)) for s in summarise(records)]
    weak_network = {p.value: s for s, p in summaries if p.trained_on == "simulation" and s.cell.study == "weak"}
    out = [Row(s, p, weak_network.get(p.value)) for s, p in summaries]
    return sorted(out, key=lambda r: (r.point.value is not None, r.point.value or 0.0,
                                      _METHOD_ORDER[r.point.trained_on], _MODEL_ORDER.get(r.point.model, 9)))


def _value(point: Point, nominal: float) -> float:
    """The parameter's value where ``point`` sits (``nominal`` for the simulation itself)."""
    return nominal if point.value is None else point.value


def _gap(r: Row) -> float | None:
    if r.reference is None or r.reference is r.summary:
        return None
    return r.summary.stat("auc")[0] - r.reference.stat("auc")[0]


def mismodelling_table(records: list[MetricRecord], title: str, parameter: str, nominal: float | None) -> Table:
    """AUC on each data sample's truth-labelled test jets, per tagger, and its difference to the
    simulation-trained network of the same inputs (negative: the simulation-trained one is better);
    ``nominal``: the parameter's value in the simulation (None: Pythia's default)."""
    nominal = nominal_value(parameter, nominal)
    columns = [
        key(parameter, "value", lambda r: _value(r.point, nominal),
            lambda r: f"{nominal:g} (nominal)" if r.point.value is None else f"{r.point.value:g}"),
        key("tagger", "tagger", lambda r: r.point.model),
        key("trained on", "trained_on", lambda r: TRAINED_ON[r.point.trained_on]),
        csv_only("inputs", lambda r: r.summary.cell.feature_set),
        csv_only("n_seeds", lambda r: r.summary.n_seeds),
        csv_only("n_test", lambda r: r.summary.records[0].n_test),
        stat("AUC on data", "auc", 3, of=lambda r: r.summary, hepdata="AUC on the data's truth-labelled test jets"),
        Column("ΔAUC to the simulation-trained network", lambda r: "—" if _gap(r) is None else f"{_gap(r):+.3f}",
               lambda r: {"auc_minus_simulation_network": _gap(r)}),
    ]
    return Table(f"{title}: {parameter}", columns, rows(records))


def auc_vs_strength_figure(records: list[MetricRecord], title: str, parameter: str, nominal: float | None):
    """Left: AUC on the data against the parameter's value, every tagger (the nominal value marked);
    right: each tagger's AUC minus that of the simulation-trained network of the same inputs."""
    from ..core.plotting import plt

    nominal = nominal_value(parameter, nominal)
    table = rows(records)
    fig, axes = plt.subplots(1, 2, figsize=(17, 7), layout="constrained")
    styles = {"simulation": "-", "mixtures": "--", "truth": ":"}
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, name in enumerate(dict.fromkeys(label(r.point) for r in table)):
        mine = [r for r in table if label(r.point) == name]
        x = np.array([_value(r.point, nominal) for r in mine])
        auc, std = np.array([r.summary.stat("auc") for r in mine]).T
        order = np.argsort(x)
        style = styles[mine[0].point.trained_on]
        colour = colours[i % len(colours)]
        axes[0].errorbar(x[order], auc[order], yerr=std[order], marker="o", ls=style, capsize=3, color=colour, label=name)
        gaps = [(xi, _gap(r)) for xi, r in zip(x, mine) if _gap(r) is not None]
        if gaps:
            gx, gy = np.array(sorted(gaps)).T
            axes[1].plot(gx, gy, marker="o", ls=style, color=colour, label=name)
    for ax in axes:
        ax.axvline(nominal, color="grey", lw=1)
        ax.text(nominal, 0.02, " simulation", transform=ax.get_xaxis_transform(), color="grey", fontsize=12)
        ax.set_xlabel(f"{parameter} of the data", fontsize=18)
    axes[1].axhline(0.0, color="black", lw=1)
    axes[0].set_ylabel("AUC on the data's truth-labelled test jets", fontsize=18)
    axes[1].set_ylabel("AUC minus the simulation-trained network's", fontsize=18)
    axes[0].set_title(title, fontsize=14)
    axes[1].set_title("Against the same network trained on simulation", fontsize=14)
    axes[0].legend(fontsize=12)
    axes[1].legend(fontsize=12)
    return fig


# --- what the parameter does to the jets ------------------------------------------------------

FLAVOURS = (("quark", 1), ("gluon", 0))   # the jets' labels

def observable_medians(samples: dict[str, dict[str, np.ndarray]], observables) -> dict:
    """{sample: {flavour: {observable: median}}} of every sample's jets (``samples``: name -> the
    arrays of a jet features file)."""
    out = {}
    for name, data in samples.items():
        labels = np.asarray(data["labels"])
        out[name] = {flavour: {o: float(np.median(np.asarray(data[f"obs_{o}"])[labels == value])) for o in observables}
                     for flavour, value in FLAVOURS}
    return out


def observables_markdown(medians: dict, parameter: str, nominal: str) -> str:
    """The medians of every sample and their change against the nominal one, per flavour."""
    observables = list(next(iter(next(iter(medians.values())).values())))
    lines = [f"### Quark/gluon jets with {parameter} changed: medians of the jet observables", "",
             "| sample | flavour | " + " | ".join(observables) + " |", "|---|---|" + "---|" * len(observables)]
    for name, by_flavour in medians.items():
        for flavour, values in by_flavour.items():
            ref = medians[nominal][flavour]
            cells = [f"{values[o]:.4g}" + ("" if name == nominal or ref[o] == 0 else f" ({values[o] / ref[o] - 1:+.1%})")
                     for o in observables]
            lines.append(f"| {name} | {flavour} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _bins(values: np.ndarray, integer: bool) -> np.ndarray:
    lo, hi = np.quantile(values, [0.005, 0.995])
    if not integer:
        return np.linspace(lo, hi, 31)
    step = max(1, int(np.ceil((hi - lo) / 30)))   # whole counts per bin: no comb
    return np.arange(np.floor(lo) - 0.5, np.ceil(hi) + step, step)


UNITS = {"mass": " [GeV]"}


def observables_figure(samples: dict[str, dict[str, np.ndarray]], observables, parameter: str, values: dict):
    """Each observable's distribution (columns) for quark (top row) and gluon jets (bottom row) of
    every sample (``values``: sample -> its parameter value)."""
    from ..core.plotting import plt

    fig, axes = plt.subplots(2, len(observables), figsize=(6 * len(observables), 11), layout="constrained",
                             squeeze=False)
    for j, o in enumerate(observables):
        every = np.concatenate([np.asarray(d[f"obs_{o}"]) for d in samples.values()])
        bins = _bins(every, o == "multiplicity")
        for i, (flavour, value) in enumerate(FLAVOURS):
            ax = axes[i, j]
            for name, data in samples.items():
                labels = np.asarray(data["labels"])
                ax.hist(np.asarray(data[f"obs_{o}"])[labels == value], bins=bins, histtype="step", density=True,
                        lw=2, label=f"{values[name]:g}" + (" (simulation)" if not is_alt(name) else ""))
            ax.set_xlabel(o + UNITS.get(o, ""), fontsize=18)
            ax.set_ylabel(f"{flavour} jets (normalised)", fontsize=18)
            ax.set_title(f"{flavour} jets: {o}", fontsize=14)
    axes[0, 0].legend(title=parameter, fontsize=12, title_fontsize=12)
    fig.suptitle(f"Quark/gluon jets with {parameter} changed (test parts)", fontsize=16)
    return fig


def validate(samples: dict[str, str], nominal: str, parameter: str, nominal_parameter: float | None,
             markdown, json_path, plots) -> dict:
    """The observables of every sample's jets (``samples``: name -> its features file; ``nominal``: the
    simulation's name) as a Markdown table of medians, their JSON, and a figure; return the medians."""
    from ..core.atomic import load_npz, write_json, write_text
    from ..core.plotting import save
    from ..jets.observables import OBSERVABLES

    data = {name: load_npz(path) for name, path in samples.items()}
    values = {name: alt_value(name) if is_alt(name) else nominal_value(parameter, nominal_parameter) for name in data}
    medians = observable_medians(data, OBSERVABLES)
    write_text(markdown, observables_markdown(medians, parameter, nominal))
    write_json(json_path, {"parameter": parameter, "values": values, "medians": medians})
    save(observables_figure(data, OBSERVABLES, parameter, values), plots)
    return medians
