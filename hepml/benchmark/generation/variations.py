"""Variations: the nominal detector card with one systematic source shifted up or down, and
generator variations (test-only events generated again with Pythia parameters changed).

A *source* (``systematics.sources`` in the config) shifts one or more numbers of the detector card
together by a relative amount: ``{"jet.energy_scale": 0.03}`` makes ``jes_up`` (x 1.03) and
``jes_down`` (x 0.97). Efficiencies stay at most 1. Only numbers that change how objects are
measured or tagged may vary, not what decides which objects exist to be smeared (cuts, cone
sizes), so every card runs on the same random numbers (:class:`~.detector.NominalPass`); the
config schema lists the keys that may. A *generator* source (``systematics.generator``) is one-sided:
``{"tune": {"TimeShower:alphaSvalue": 0.127}}`` makes ``tune_alt``, events generated again with those
Pythia parameters and seen through the nominal card (its down shift is the mirror image of its up).
A *shower* source (``systematics.shower``) makes ``<source>_up`` and ``<source>_down`` of the
nominal card's events, each event weighted (``hepml.benchmark.generation.shower_weights``).
"""

from __future__ import annotations

import copy
import itertools

import numpy as np

NOMINAL = "nominal"
DIRECTIONS = {"up": 1.0, "down": -1.0}
ALTERNATIVE = "alt"   # the one direction of a generator source
EVALUATION_PREFIX = "syst_"   # a cell scored on a card is evaluated as syst_<variation>


def variation_name(source: str, direction: str) -> str:
    return f"{source}_{direction}"


def variation_names(sources: dict[str, dict[str, float]], generator: dict | None = None,
                    shower: dict | None = None) -> list[str]:
    """``nominal``, then ``<source>_up`` and ``<source>_down`` for every detector source, then
    ``<source>_alt`` for every generator source, then ``<source>_up`` and ``<source>_down`` for
    every shower source, in config order."""
    return detector_variation_names(sources) + generator_variation_names(generator or {}) + shower_variation_names(shower or {})


def shower_variation_names(shower: dict[str, dict[str, float]]) -> list[str]:
    """The variations that reweight the nominal card's events: each shower source up and down."""
    return [variation_name(s, d) for s in shower for d in DIRECTIONS]


def detector_variation_names(sources: dict[str, dict[str, float]]) -> list[str]:
    """The variations that see the same events: ``nominal`` and each detector source up and down."""
    return [NOMINAL] + [variation_name(s, d) for s in sources for d in DIRECTIONS]


def generator_variation_names(generator: dict[str, dict[str, float]]) -> list[str]:
    """The variations generated again: ``<source>_alt`` for each generator source."""
    return [variation_name(g, ALTERNATIVE) for g in generator]


def shower_variations(shower: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """{``<source>_up``: {shower: factor}, ``<source>_down``: {shower: 1 / factor}} for every shower
    source of ``shower`` ({source: {"fsr" or "isr": factor of the renormalisation scale}})."""
    out = {}
    for source, factors in shower.items():
        for direction, sign in DIRECTIONS.items():
            out[variation_name(source, direction)] = {kind: float(f) ** sign for kind, f in factors.items()}
    return out


def generator_parameters(generator: dict[str, dict[str, float]], variation: str) -> dict[str, float]:
    """The Pythia parameters of the generator variation ``variation`` (``<source>_alt``)."""
    source, _, direction = variation.rpartition("_")
    if direction != ALTERNATIVE or source not in generator:
        raise ValueError(f"{variation!r} is not a generator variation of {sorted(generator)} (<source>_{ALTERNATIVE})")
    return generator[source]


def evaluation_of(variation: str) -> str:
    """The evaluation name of a cell scored on the card ``variation`` (its metric records' directory)."""
    return EVALUATION_PREFIX + variation


def variation_of_evaluation(evaluation: str) -> str:
    """The card an evaluation ``syst_<variation>`` was scored on."""
    if not evaluation.startswith(EVALUATION_PREFIX):
        raise ValueError(f"evaluation {evaluation!r}: not on a detector variation ({EVALUATION_PREFIX}<variation>)")
    return evaluation.removeprefix(EVALUATION_PREFIX)


def varied_card(detector: dict, shifts: dict[str, float], direction: str) -> dict:
    """A copy of ``detector`` with every ``key: relative size`` of ``shifts`` scaled by 1 +- size."""
    card = copy.deepcopy(detector)
    for key, size in shifts.items():   # the keys that may vary: the schema's systematics.sources
        *path, last = key.split(".")
        node = card
        for k in path:
            node = node.get(k) if isinstance(node, dict) else None
        if not isinstance(node, dict) or not isinstance(node.get(last), (int, float)):
            raise ValueError(f"systematics: the detector card has no number {key!r} to shift")
        value = node[last] * (1 + DIRECTIONS[direction] * size)
        node[last] = min(value, 1.0) if key.startswith("btag.") else value
    return card


def variation_cards(detector: dict, sources: dict[str, dict[str, float]], generator: dict | None = None,
                    shower: dict | None = None) -> dict[str, dict]:
    """{variation name: its detector card}, the nominal card first (a generator or shower variation:
    the nominal card)."""
    cards = {NOMINAL: detector}
    for source, shifts in sources.items():
        for direction in DIRECTIONS:
            cards[variation_name(source, direction)] = varied_card(detector, shifts, direction)
    for name in generator_variation_names(generator or {}) + shower_variation_names(shower or {}):
        cards[name] = detector
    return cards


def source_pairs(names) -> dict[str, tuple[str, str | None]]:
    """{source: (its up variation, its down variation)} of the variation names ``names``; a
    generator source has one variation: (``<source>_alt``, None)."""
    pairs = {}
    for name in names:
        if name != NOMINAL:
            source, direction = name.rsplit("_", 1)
            pairs.setdefault(source, {})[direction] = name
    return {s: (d[ALTERNATIVE], None) if ALTERNATIVE in d else (d["up"], d["down"]) for s, d in pairs.items()}


LABEL_SUFFIX = "_variations"   # a variation shard's process label: its own seed stream, apart from the training sample's


def card_record(record: dict, name: str) -> dict:
    """A shard's generation record as seen through the card ``name`` (its selected events; the
    process without the variation sample's label suffix)."""
    selected = record["cards_selected"][name]
    return {**record, "process": record["process"].removesuffix(LABEL_SUFFIX), "events_selected": selected,
            "efficiency": selected / record["events_generated"]}


def variation_reports(dataset: str, shards: dict[str, list[str]], records: dict[str, list[dict]],
                      cards: dict[str, dict]) -> dict:
    """{variation: the validation report of its shards (``hepml.benchmark.generation.validation``)
    and generation records}, each peak and endpoint row with the median of its feature too: on the
    same events, a shift of the median is a steadier measure of a card's effect than a shift of the
    peak (a mode). A shower variation (its shards are the nominal card's, with its weights) reports
    the weighted medians, each process's sum of weights as its selected events and their effective
    fraction; its peaks (modes) and b-tag efficiencies are not measured (nan and none)."""
    from .shards import merge_records
    from .shower_weights import event_weights
    from .validation import validation_report

    loaded = _load_once(shards)
    reports = {}
    for name, card in cards.items():
        samples = loaded[name]
        weights = {p: event_weights(s["events"], name) for p, s in samples.items()}
        if any(w is not None for w in weights.values()):
            reports[name] = _weighted_report(reports[NOMINAL], samples, weights)
            continue
        report = validation_report(dataset, shards[name], merge_records([card_record(r, name) for r in records[name]]),
                                   card)
        for row in report["peaks"]:
            values = samples[row["process"]]["events"][row["feature"]]
            row["median"] = float(np.median(values[np.isfinite(values)]))
        reports[name] = report
    return reports


def _load_once(shards: dict[str, list[str]]) -> dict[str, dict]:
    """{variation: its shards' samples (``validation.load_shards``)}, each list of files read once (a
    shower variation's shards are the nominal card's)."""
    from .validation import load_shards

    by_files = {tuple(paths): None for paths in shards.values()}
    by_files = {files: load_shards(list(files)) for files in by_files}
    return {name: by_files[tuple(paths)] for name, paths in shards.items()}


def _weighted_report(nominal: dict, samples: dict, weights: dict) -> dict:
    """A shower variation's report: the nominal one's rows with weighted medians and totals."""
    from .shower_weights import effective_fraction, weighted_quantile

    report = copy.deepcopy(nominal)
    for process, g in report["generation"].items():
        w = weights[process]
        g["events_selected"] = float(np.sum(w))
        g["efficiency"] = g["events_selected"] / g["events_generated"]
        g["effective_fraction"] = effective_fraction(w)
    for row in report["peaks"]:
        values, w = samples[row["process"]]["events"][row["feature"]], weights[row["process"]]
        finite = np.isfinite(values)
        row["median"] = float(weighted_quantile(values[finite], w[finite], 0.5))
        row["reco_peak" if "truth" in row else "measured"] = float("nan")
    report["btag"] = []
    return report


def _shift(value: float, nominal: float) -> str:
    if not (np.isfinite(value) and np.isfinite(nominal)) or nominal == 0:
        return "—"
    return f"{100 * (value / nominal - 1):+.1f}%"


def _number(value: float, digits: int = 1) -> str:
    """A count as it is, any other number as ``validation._fmt`` writes it ("—" when not finite)."""
    from .validation import _fmt

    return str(value) if isinstance(value, (int, np.integer)) else _fmt(value, digits)


def variations_markdown(dataset: str, reports: dict[str, dict]) -> str:
    """What each variation changes against the nominal card: selected events per process, the
    reconstructed mass peaks (or endpoints) and the measured b-tag efficiencies."""
    nominal = reports[NOMINAL]
    lines = [f"### Detector, generator and shower variations of the generated {dataset} sample", "",
             "The same generated events through every card, with the same detector random numbers: a "
             "difference is the card's change alone (a generator variation, <source>_alt, is generated "
             "again: its difference includes the statistics of other events; a shower variation weights "
             "the nominal card's events: its selected events are their sum of weights, its medians "
             "weighted ones). Shifts relative to the nominal card.", "",
             "| variation | process | selected | shift |", "|---|---|---|---|"]
    for name, report in reports.items():
        for process, g in report["generation"].items():
            n0 = nominal["generation"][process]["events_selected"]
            lines.append(f"| {name} | {process} | {_number(g['events_selected'])} | {_shift(g['events_selected'], n0)} |")
    weighted = [(name, p, g) for name, r in reports.items() for p, g in r["generation"].items() if "effective_fraction" in g]
    if weighted:
        lines += ["", "Shower variations: the effective fraction (sum w)^2 / (n sum w^2) of the selected events, "
                  "what share of their statistical power the weights leave.", "",
                  "| variation | process | effective fraction |", "|---|---|---|"]
        lines += [f"| {name} | {p} | {g['effective_fraction']:.2f} |" for name, p, g in weighted]
    lines += ["", "Reconstructed masses: the peak (half-sample mode) or endpoint (98th percentile) of the "
              "validation report, and the median of the selected events (on the same events its shift is "
              "the steadier measure of a card's effect).", "",
              "| variation | feature | process | peak or endpoint (GeV) | shift | median (GeV) | shift |",
              "|---|---|---|---|---|---|---|"]
    for name, report in reports.items():
        for row, row0 in zip(report["peaks"], nominal["peaks"]):
            key = "reco_peak" if "truth" in row else "measured"
            lines.append(f"| {name} | {row['feature']} | {row['process']} | {_number(row[key])} | {_shift(row[key], row0[key])} | "
                         f"{row['median']:.1f} | {_shift(row['median'], row0['median'])} |")
    lines += ["", "| variation | true flavour | working point | measured efficiency | card | shift |",
              "|---|---|---|---|---|---|"]
    for name, report in reports.items():
        for row, row0 in zip(report["btag"], nominal["btag"]):
            lines.append(f"| {name} | {row['flavour']} | {row['working_point']} | {row['measured']:.3f} ± "
                         f"{row['uncertainty']:.3f} | {row['card']:.3f} | {_shift(row['measured'], row0['measured'])} |")
    return "\n".join(lines) + "\n"


QUANTILES = np.linspace(0.05, 0.95, 19)


def variations_figure(dataset: str, reports: dict[str, dict], shards: dict[str, list[str]]):
    """Each reconstructed mass (or endpoint variable) of the validation report through every card:
    the relative shift of each quantile of its distribution against the nominal card, one colour per
    source, up solid and down dashed. On the same events a scale change is a flat line at its size;
    a resolution change tilts the line (the tails move, the median stays)."""
    from ...core.plotting import plt

    from .shower_weights import event_weights, weighted_quantile

    samples = _load_once(shards)
    rows = reports[NOMINAL]["peaks"]
    ncol = min(4, len(rows))
    nrow = -(-len(rows) // ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(6.5 * ncol, 5.5 * nrow), squeeze=False, layout="constrained")
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]   # the style's few colours, then tab20's
    colours = list(colours) + [c for c in plt.get_cmap("tab20").colors if c not in colours]
    pairs = source_pairs(reports)
    for ax, row in zip(axes.flat, rows):
        def quantiles(name):
            events = samples[name][row["process"]]["events"]
            values, weights = events[row["feature"]], event_weights(events, name)
            finite = np.isfinite(values)
            return weighted_quantile(values[finite], None if weights is None else weights[finite], QUANTILES)

        nominal = quantiles(NOMINAL)
        ax.axhline(0, color="grey", lw=1)
        for colour, (source, (up, down)) in zip(itertools.cycle(colours), pairs.items()):
            for name, style in ((up, "-"), (down, "--")) if down else ((up, ":"),):
                ax.plot(QUANTILES, 100 * (quantiles(name) / nominal - 1), color=colour, ls=style, marker=".", label=name)
        ax.set_xlabel(f"Quantile of {row['feature']}")
        ax.set_ylabel("Shift against the nominal card (%)")
        ax.set_title(f"{dataset}: {row['feature']}, {row['reconstructs']} ({row['process']})", fontsize=12)
        ax.legend(fontsize=9, ncol=2)
    for ax in list(axes.flat)[len(rows):]:
        ax.set_axis_off()
    return fig
