"""Generator-level truth of every event, for the validation report: the generated masses of the
resonances each reconstructed mass feature is meant to measure.

The masses come from the event record (the first copy of each resonance, its Breit-Wigner mass);
NaN where a process has no such resonance. Which W decayed to leptons is known from the
generation variant (``leptonic_charge``: +1 when the W+ decays to leptons).
"""

from __future__ import annotations

import numpy as np

from . import ragged
from ...core.pythia import GeneratedBatch

def first_of(gen: GeneratedBatch, pid: int) -> np.ndarray:
    """Flat record index of the first particle with id ``pid`` in each event (-1 where none)."""
    return ragged.first_per_event(gen.record.pid == pid, gen.record.counts, 1)[:, 0]


def _mass(gen: GeneratedBatch, index: np.ndarray) -> np.ndarray:
    return np.where(index >= 0, gen.mass[index], np.nan)


def _either_charge_mass(gen: GeneratedBatch, pid: int) -> np.ndarray:
    """Generated mass of the particle ``pid`` or its antiparticle (only one of them occurs)."""
    i, j = first_of(gen, pid), first_of(gen, -pid)
    return _mass(gen, np.where(i >= 0, i, j))


def higgs_truth(gen: GeneratedBatch, leptonic_charge: int) -> dict[str, np.ndarray]:
    """Truth masses of a HIGGS-like batch (signal or ttbar) whose W with charge ``leptonic_charge`` decays to leptons."""
    hpm_plus = first_of(gen, 37) >= 0
    hpm = hpm_plus | (first_of(gen, -37) >= 0)
    w_lep = _mass(gen, first_of(gen, 24 * leptonic_charge))
    w_had = _mass(gen, first_of(gen, -24 * leptonic_charge))
    return {
        "truth_m_h": _mass(gen, first_of(gen, 25)),
        "truth_m_hpm": _either_charge_mass(gen, 37),
        "truth_m_h0": _mass(gen, first_of(gen, 35)),
        "truth_m_w_had": w_had,
        "truth_m_w_lep": w_lep,
        "truth_m_top_had": _mass(gen, first_of(gen, -6 * leptonic_charge)),   # t -> W+ b
        "truth_m_top_lep": _mass(gen, first_of(gen, 6 * leptonic_charge)),
        "truth_m_hat": gen.m_hat,
        # 1 when the W from the H+- decay is the one that decays to leptons (H+ -> W+ h)
        "truth_hpm_w_leptonic": np.where(hpm, (hpm_plus == (leptonic_charge > 0)).astype(np.float64), np.nan),
    }


def susy_truth(gen: GeneratedBatch) -> dict[str, np.ndarray]:
    """The invariant mass of the produced pair (chargino pair or W pair)."""
    return {"truth_m_hat": gen.m_hat}
