"""The datasets: one registry of their names, processes, sources and feature columns.

Everything else takes these from here: the config schema's enums (filled in when the schema is
loaded), the scripts' ``choices``, the workflow's wildcard constraints and process lists, the
inputs of a feature set. How a dataset is generated (Pythia settings, selection, features,
truth, validation targets) is its study's recipe, keyed by these names
(``hepml.benchmark.generation.recipes`` for the HIGGS- and SUSY-like events). A name that is not
here is an error naming the known ones, never another dataset's branch.

The UCI files have no header: column 0 is the label (1 signal, 0 background), followed by the
low-level then the high-level features in the order below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LABEL = "label"
FEATURE_SETS = ("low", "high", "complete")
SIGNAL_LABEL, BACKGROUND_LABEL = 1, 0


@dataclass(frozen=True)
class Dataset:
    """One dataset. ``processes``: what is generated, the signal-like one (label 1) first;
    ``sources``: where its events come from, ``pythia`` (generated here) first;
    ``store``: ``events`` (a ROOT store of named columns) or ``jets`` (arrays per jet in .npz);
    ``process_pattern``: the processes as a regular expression, where a process carries a
    parameter (the parameterized study's ``signal_m<mass>``);
    ``parameter``: the input a ``<set>_<parameter>`` feature set adds to a feature set;
    ``generates_as``: the dataset whose recipe generates this one's events;
    ``config_files``: per process, the config key of a file its generation reads."""

    name: str
    title: str
    study: str
    processes: tuple[str, ...]
    sources: tuple[str, ...]
    low_level: tuple[str, ...] = ()
    high_level: tuple[str, ...] = ()
    store: str = "events"
    process_pattern: str = ""
    parameter: str | None = None
    generates_as: str | None = None
    config_files: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def label(self, process: str) -> int:
        """1 for the signal-like process (and its parameter points), 0 for the other."""
        if not re.fullmatch(self.process_regex, process):
            raise ValueError(f"dataset {self.name!r} has no process {process!r}; expected {self.process_regex}")
        return BACKGROUND_LABEL if process == self.processes[-1] else SIGNAL_LABEL

    def base_process(self, process: str) -> str:
        """The process a parameter point belongs to (``signal_m375`` -> ``signal``)."""
        return self.processes[0] if self.label(process) == SIGNAL_LABEL else self.processes[-1]

    @property
    def process_regex(self) -> str:
        return self.process_pattern or "|".join(self.processes)

    @property
    def feature_columns(self) -> list[str]:
        """All feature columns in file order (label excluded)."""
        return [*self.low_level, *self.high_level]

    @property
    def columns(self) -> list[str]:
        """All columns in file order, label first."""
        return [LABEL, *self.feature_columns]

    def feature_set(self, name: str) -> list[str]:
        """Column names of feature set ``name``: low, high, complete, or one of them + ``_<parameter>``.

        >>> len(get_dataset("higgs").feature_set("low")), len(get_dataset("higgs").feature_set("complete"))
        (21, 28)
        """
        if not self.feature_columns:
            raise ValueError(f"dataset {self.name!r} has no named feature columns (its inputs are per jet)")
        if self.parameter and name.endswith("_" + self.parameter):
            return self.feature_set(name.removesuffix("_" + self.parameter)) + [self.parameter]
        sets = {"low": list(self.low_level), "high": list(self.high_level), "complete": self.feature_columns}
        if name not in sets:
            allowed = FEATURE_SETS + ((tuple(f"{s}_{self.parameter}" for s in FEATURE_SETS)) if self.parameter else ())
            raise ValueError(f"unknown feature set {name!r} of dataset {self.name!r}; expected one of {allowed}")
        return sets[name]


HIGGS_LOW = (
    "lepton_pt", "lepton_eta", "lepton_phi", "missing_energy_magnitude", "missing_energy_phi",
    *[f"jet{i}_{v}" for i in range(1, 5) for v in ("pt", "eta", "phi", "btag")],
)
HIGGS_HIGH = ("m_jj", "m_jjj", "m_lv", "m_jlv", "m_bb", "m_wbb", "m_wwbb")

REGISTRY: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    if dataset.name in REGISTRY:
        raise ValueError(f"dataset {dataset.name!r} registered twice")
    REGISTRY[dataset.name] = dataset
    return dataset


register(Dataset(
    "higgs", "HIGGS-like: gg -> H0 -> W H+- -> W W h (b b) against t t~ (Baldi et al. 2014)", "benchmark",
    ("signal", "background"), ("pythia", "uci"), HIGGS_LOW, HIGGS_HIGH))
register(Dataset(
    "susy", "SUSY-like: chargino pairs -> W W + 2 LSP (two leptons) against W pairs (Baldi et al. 2014)", "benchmark",
    ("signal", "background"), ("pythia", "uci"),
    ("lepton1_pt", "lepton1_eta", "lepton1_phi", "lepton2_pt", "lepton2_eta", "lepton2_phi",
     "missing_energy_magnitude", "missing_energy_phi"),
    ("met_rel", "axial_met", "m_r", "m_tr_2", "r", "mt2", "s_r", "m_delta_r", "dphi_r_b", "cos_theta_r1"),
    config_files={"signal": ("generation", "susy", "slha")}))
register(Dataset(
    "qg", "Quark and gluon jets from Z + jet (Komiske, Metodiev, Schwartz 2017)", "jets",
    ("quark", "gluon"), ("pythia", "energyflow"), store="jets"))
register(Dataset(
    "hpar", "HIGGS-like signal at several H0 masses against t t~ (parameterized networks, Baldi et al. 2016)",
    "parameterized", ("signal", "background"), ("pythia",), HIGGS_LOW, HIGGS_HIGH,
    process_pattern="signal_m[0-9]+|background", parameter="mass", generates_as="higgs"))


def get_dataset(name: str) -> Dataset:
    """The registered dataset ``name``; an unknown name is an error listing the known ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown dataset {name!r}; expected one of {sorted(REGISTRY)}") from None


def dataset_names(study: str | None = None) -> list[str]:
    """The registered datasets' names (of one study), in registration order."""
    return [d.name for d in REGISTRY.values() if study is None or d.study == study]


def sources(study: str | None = None) -> list[str]:
    """Every source of the datasets (of one study), ``pythia`` first."""
    out: list[str] = []
    for d in REGISTRY.values():
        if study is None or d.study == study:
            out += [s for s in d.sources if s not in out]
    return out


def process_regex() -> str:
    """Every dataset's processes as one regular expression (a wildcard constraint)."""
    return "|".join(dict.fromkeys(d.process_regex for d in REGISTRY.values()))


def schema_definitions() -> dict[str, dict]:
    """The config schema's registry-derived definitions (``$ref``'d there; filled in on loading)."""
    return {"benchmark_dataset": {"enum": dataset_names("benchmark")},
            "benchmark_source": {"enum": sources("benchmark")},
            "jet_source": {"enum": sources("jets")}}


GEV_COLUMNS = {"missing_energy_magnitude", "met_rel", "axial_met", "mt2", "s_r", "mass"}
RADIAN_COLUMNS = {"dphi_r_b"}


def unit(column: str) -> str:
    """The unit of a feature column: GeV for momenta, energies and masses, rad for angles, "" else.

    >>> unit("jet1_pt"), unit("m_wwbb"), unit("lepton_phi"), unit("jet1_eta"), unit("r")
    ('GeV', 'GeV', 'rad', '', '')
    """
    if column.endswith("_pt") or column.startswith("m_") or column in GEV_COLUMNS:
        return "GeV"
    if column.endswith("_phi") or column in RADIAN_COLUMNS:
        return "rad"
    return ""


def feature_set(dataset: str, name: str) -> list[str]:
    """Column names of feature set ``name`` of ``dataset``."""
    return get_dataset(dataset).feature_set(name)


def columns(dataset: str) -> list[str]:
    """All columns of ``dataset`` in file order, label first."""
    return get_dataset(dataset).columns
