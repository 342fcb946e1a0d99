"""Column layout of the HIGGS and SUSY benchmark datasets and their feature sets.

The UCI files have no header: column 0 is the label (1 signal, 0 background),
followed by the low-level then the high-level features in the order below.
Feature sets are defined once here, by column name.
"""

from __future__ import annotations

LABEL = "label"

LOW_LEVEL = {
    "higgs": [
        "lepton_pt", "lepton_eta", "lepton_phi",
        "missing_energy_magnitude", "missing_energy_phi",
        *[f"jet{i}_{v}" for i in range(1, 5) for v in ("pt", "eta", "phi", "btag")],
    ],
    "susy": [
        "lepton1_pt", "lepton1_eta", "lepton1_phi",
        "lepton2_pt", "lepton2_eta", "lepton2_phi",
        "missing_energy_magnitude", "missing_energy_phi",
    ],
}

HIGH_LEVEL = {
    "higgs": ["m_jj", "m_jjj", "m_lv", "m_jlv", "m_bb", "m_wbb", "m_wwbb"],
    "susy": [
        "met_rel", "axial_met", "m_r", "m_tr_2", "r", "mt2",
        "s_r", "m_delta_r", "dphi_r_b", "cos_theta_r1",
    ],
}

DATASETS = tuple(LOW_LEVEL)
FEATURE_SETS = ("low", "high", "complete")


def _check_dataset(dataset: str) -> None:
    if dataset not in LOW_LEVEL:
        raise ValueError(f"unknown dataset {dataset!r}; expected one of {DATASETS}")


def feature_columns(dataset: str) -> list[str]:
    """All feature columns of ``dataset`` in file order (label excluded)."""
    _check_dataset(dataset)
    return LOW_LEVEL[dataset] + HIGH_LEVEL[dataset]


def columns(dataset: str) -> list[str]:
    """All columns of ``dataset`` in file order, label first."""
    return [LABEL, *feature_columns(dataset)]


def feature_set(dataset: str, name: str) -> list[str]:
    """Column names of feature set ``name`` (low, high or complete) of ``dataset``.

    >>> len(feature_set("higgs", "low")), len(feature_set("higgs", "complete"))
    (21, 28)
    """
    _check_dataset(dataset)
    if name == "low":
        return list(LOW_LEVEL[dataset])
    if name == "high":
        return list(HIGH_LEVEL[dataset])
    if name == "complete":
        return feature_columns(dataset)
    raise ValueError(f"unknown feature set {name!r}; expected one of {FEATURE_SETS}")
