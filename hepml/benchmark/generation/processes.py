"""Pythia 8 settings of the benchmark processes (see docs/physics.md for the physics).

Each process is generated as a list of *variants* that share the event budget. The HIGGS-like
processes need one W decaying to a lepton and the other to quarks, which Pythia expresses per
W charge (``24:onPosIfAny`` / ``onNegIfAny``), so half the events have the leptonic W+ and half
the leptonic W-; each variant records the charge of its leptonic W.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LEPTONIC_W = "11 13"          # W -> e nu, mu nu
HADRONIC_W = "1 2 3 4 5"      # W -> q q'


@dataclass(frozen=True)
class Variant:
    settings: tuple[str, ...]
    leptonic_charge: int       # +1: the W+ decays to leptons; 0: both (SUSY-like)


def _w_semileptonic(leptonic_charge: str) -> list[str]:
    hadronic_charge = "Neg" if leptonic_charge == "Pos" else "Pos"
    return ["24:onMode = off", f"24:on{leptonic_charge}IfAny = {LEPTONIC_W}",
            f"24:on{hadronic_charge}IfAny = {HADRONIC_W}"]


def higgs_signal(masses: dict, widths: dict) -> list[str]:
    """gg -> H0 -> W-+ H+-, H+- -> W+- h, h -> b b~ (Higgs:useBSM)."""
    return [
        "Higgs:useBSM = on", "HiggsBSM:gg2H2 = on",
        f"35:m0 = {masses['H0']}", f"37:m0 = {masses['Hpm']}", f"25:m0 = {masses['h']}",
        f"35:mWidth = {widths['H0']}", "35:doForceWidth = on",
        f"37:mWidth = {widths['Hpm']}", "37:doForceWidth = on",
        "35:onMode = off", "35:addChannel = 1 0.5 100 24 -37", "35:addChannel = 1 0.5 100 -24 37",
        "37:onMode = off", "37:onIfMatch = 24 25",
        "25:onMode = off", "25:onIfMatch = 5 -5",
    ]


def ttbar() -> list[str]:
    """t t~ -> W+ b W- b~ (gg and q q~ initial states)."""
    return ["Top:gg2ttbar = on", "Top:qqbar2ttbar = on"]


def chargino_pairs(slha: str | Path) -> list[str]:
    """q q~ -> chi+_1 chi-_1, chi+- -> W+- chi0_1, spectrum and decays from the SLHA file."""
    return ["SUSY:all = off", "SUSY:qqbar2chi+chi- = on", "SUSY:idVecA = 1000024",
            f"SLHA:file = {Path(slha).resolve()}", "SLHA:useDecayTable = on"]


def ww() -> list[str]:
    """q q~ -> W+ W-."""
    return ["WeakDoubleBoson:ffbar2WW = on"]


def _beam(gen: dict) -> list[str]:
    return [f"Beams:eCM = {float(gen['sqrt_s'])}", "PartonLevel:MPI = off"]


def higgs_variants(process: str, gen: dict) -> list[Variant]:
    """The HIGGS-like signal or ttbar, one variant per charge of the leptonic W."""
    hard = higgs_signal(gen["higgs"]["masses"], gen["higgs"]["widths"]) if process == "signal" else ttbar()
    return [Variant(tuple(_beam(gen) + hard + _w_semileptonic(c)), q) for c, q in (("Pos", 1), ("Neg", -1))]


def susy_variants(process: str, gen: dict) -> list[Variant]:
    """Chargino pairs or W pairs, both W to leptons."""
    hard = chargino_pairs(gen["susy"]["slha"]) if process == "signal" else ww()
    return [Variant(tuple(_beam(gen) + hard + ["24:onMode = off", f"24:onIfAny = {LEPTONIC_W}"]), 0)]
