"""How each generated benchmark dataset of the registry (``hepml.core.datasets``) is made and
validated: the Pythia settings of its processes, the event selection, the features, the
generator truth, the validation targets and what its cross sections mean.

A dataset without a recipe here is an error naming the ones that have one (never another
dataset's branch).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ...core.datasets import get_dataset
from ...core.pythia import GeneratedBatch
from . import features
from .detector import Reco
from .processes import Variant, higgs_variants, susy_variants
from .truth import higgs_truth, susy_truth

M_W = features.M_W   # the W mass of the neutrino-pz constraint, also the W-pair endpoints


@dataclass(frozen=True)
class Target:
    """A validation target: ``feature`` of ``process`` must peak (or end) inside ``window``
    (fractions of the reference). ``reference``: the generator-truth column whose peak it
    measures, or the expected kinematic endpoint in GeV."""

    feature: str
    process: str
    reference: str | float
    window: tuple[float, float]
    what: str


@dataclass(frozen=True)
class Recipe:
    """``variants(process, gen)``: Pythia settings per variant; ``selection(reco, detector)``: the
    events kept; ``features(reco)``: the dataset's columns of the kept events;
    ``truth(batch, variant)``: generator-level columns; ``peaks``: mass peaks against generated
    masses; ``endpoints``: kinematic endpoints (the 98th percentile)."""

    variants: Callable[[str, dict], list[Variant]]
    selection: Callable[[Reco, dict], np.ndarray]
    features: Callable[[Reco], dict[str, np.ndarray]]
    truth: Callable[[GeneratedBatch, Variant], dict[str, np.ndarray]]
    peaks: tuple[Target, ...] = ()
    endpoints: tuple[Target, ...] = ()
    cross_section_note: str = ""


HIGGS = Recipe(
    variants=higgs_variants,
    selection=lambda reco, detector: features.higgs_selection(reco, detector["btag"]["working_point"]),
    features=lambda reco: features.higgs_features(reco),
    truth=lambda batch, variant: higgs_truth(batch, variant.leptonic_charge),
    peaks=(
        Target("m_bb", "signal", "truth_m_h", (0.76, 1.08), "h -> b b"),
        Target("m_wbb", "signal", "truth_m_hpm", (0.85, 1.08), "H+- -> W h"),
        Target("m_wwbb", "signal", "truth_m_h0", (0.85, 1.08), "H0 -> W W b b"),
        Target("m_jj", "background", "truth_m_w_had", (0.82, 1.10), "W -> j j"),
        Target("m_lv", "background", "truth_m_w_lep", (0.95, 1.05), "W -> l nu (constrained)"),
        Target("m_jjj", "background", "truth_m_top_had", (0.85, 1.10), "t -> W b (hadronic)"),
        Target("m_jlv", "background", "truth_m_top_lep", (0.85, 1.10), "t -> W b (leptonic)"),
    ),
    cross_section_note=(
        "The signal cross section is Pythia's leading-order sigma(gg -> H0) times the open branching "
        "fractions of the forced chain, for a benchmark, not a model: H0 has SM-like couplings "
        "(sigma(gg -> H0, 425 GeV, 8 TeV) = 0.86 pb with all decays open) and a calculated width of "
        "35 GeV, which the card forces to 1 GeV; Pythia rescales every partial width with the forced "
        "total width, the gg one that produces H0 included, so sigma falls by about 35. Then only "
        "H0 -> W H+- (about 0.19), H+- -> W h, h -> b b (0.58) and one W -> e/mu nu with the other "
        "W -> q q' (0.15) are open. No model fixes these couplings, and no number of this analysis "
        "uses the sample's cross section: the significances take 100 signal and 1000 background "
        "events, as the paper does. The ttbar cross section is the leading-order sigma(t t~) times the "
        "semileptonic e/mu branching fraction."),
)

SUSY = Recipe(
    variants=susy_variants,
    selection=lambda reco, detector: features.susy_selection(reco),
    features=lambda reco: features.susy_features(reco),
    truth=lambda batch, variant: susy_truth(batch),
    # The signal chain chargino -> W LSP -> l nu LSP has no sharp lepton endpoint: not checked.
    endpoints=(
        Target("mt2", "background", M_W, (0.85, 1.2), "MT2 endpoint m_W (W pairs)"),
        Target("m_delta_r", "background", M_W, (0.85, 1.3), "M_Delta^R endpoint m_W (W pairs)"),
    ),
    cross_section_note=(
        "The chargino-pair cross section follows from the shipped SLHA spectrum at leading order, "
        "times BR(W -> e/mu nu)^2; no number of this analysis uses it (100 signal, 1000 background "
        "events)."),
)

RECIPES = {"higgs": HIGGS, "susy": SUSY}


def recipe(dataset: str) -> Recipe:
    """The recipe of ``dataset`` (a registered dataset generated with the detector)."""
    name = get_dataset(dataset).name
    if name not in RECIPES:
        raise ValueError(f"dataset {name!r} has no event-generation recipe; datasets with one: {sorted(RECIPES)}")
    return RECIPES[name]


def process_variants(dataset: str, process: str, gen: dict) -> list[Variant]:
    """Pythia settings of ``process`` ('signal' or 'background') of ``dataset``, per variant."""
    get_dataset(dataset).label(process)
    return recipe(dataset).variants(process, gen)
