"""The generator's inputs and truth, tested directly: the Pythia settings of each process (what is
produced and how the W bosons decay) and the truth masses read off an event record built by hand."""

import numpy as np
import pytest

from hepml.benchmark.generation.processes import HADRONIC_W, LEPTONIC_W, chargino_pairs, ttbar
from hepml.benchmark.generation.recipes import process_variants
from hepml.benchmark.generation.truth import first_of, higgs_truth, susy_truth
from hepml.core.pythia import GeneratedBatch, Particles
from tests.helpers import default_config

GEN = default_config()["generation"]


def _settings(variant) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in variant.settings:
        key, _, value = (part.strip() for part in line.partition("="))
        out.setdefault(key, []).append(value)
    return out


def test_higgs_variants_make_one_w_leptonic_and_the_other_hadronic_for_each_charge():
    for process in ("signal", "background"):
        variants = process_variants("higgs", process, GEN)
        assert [v.leptonic_charge for v in variants] == [1, -1]
        for v, (lep, had) in zip(variants, (("Pos", "Neg"), ("Neg", "Pos"))):
            s = _settings(v)
            assert s[f"24:on{lep}IfAny"] == [LEPTONIC_W] and s[f"24:on{had}IfAny"] == [HADRONIC_W]
            assert s["24:onMode"] == ["off"] and s["Beams:eCM"] == [str(float(GEN["sqrt_s"]))]
    assert set(LEPTONIC_W.split()) == {"11", "13"} and set(HADRONIC_W.split()) == {"1", "2", "3", "4", "5"}


def test_the_higgs_signal_chain_takes_its_masses_and_widths_from_the_config():
    gen = {**GEN, "higgs": {"masses": {"H0": 500, "Hpm": 350, "h": 125}, "widths": {"H0": 2.0, "Hpm": 1.5}}}
    s = _settings(process_variants("higgs", "signal", gen)[0])
    assert s["35:m0"] == ["500"] and s["37:m0"] == ["350"] and s["25:m0"] == ["125"]
    assert s["35:mWidth"] == ["2.0"] and s["37:mWidth"] == ["1.5"]
    # H0 -> W-+ H+-, H+- -> W h (Pythia's own channel switched on), h -> b b~ only
    assert sorted(s["35:addChannel"]) == ["1 0.5 100 -24 37", "1 0.5 100 24 -37"]
    assert s["37:onIfMatch"] == ["24 25"] and s["25:onIfMatch"] == ["5 -5"]
    assert ttbar() == ["Top:gg2ttbar = on", "Top:qqbar2ttbar = on"]


def test_susy_variants_decay_both_w_to_electrons_or_muons(tmp_path):
    slha = tmp_path / "spectrum.slha"
    for process in ("signal", "background"):
        (v,) = process_variants("susy", process, {**GEN, "susy": {**GEN["susy"], "slha": str(slha)}})
        s = _settings(v)
        assert v.leptonic_charge == 0 and s["24:onIfAny"] == [LEPTONIC_W]
    assert f"SLHA:file = {slha.resolve()}" in chargino_pairs(slha)
    with pytest.raises(ValueError, match="unknown dataset 'zprime'"):
        process_variants("zprime", "signal", GEN)


def _record(events: list[list[tuple[int, float]]], m_hat) -> GeneratedBatch:
    """A batch whose event record holds (pid, generated mass) particles."""
    pid = np.array([p for e in events for p, _ in e])
    mass = np.array([m for e in events for _, m in e], dtype=float)
    counts = np.array([len(e) for e in events])
    zeros = np.zeros(len(pid))
    record = Particles(zeros, zeros, zeros, zeros, pid, counts)
    empty = Particles(*(np.zeros(0),) * 4, np.zeros(0, int), np.zeros(len(events), int))
    n = len(events)
    return GeneratedBatch(empty, np.zeros(n), np.zeros(n), empty, empty, record, np.ones(len(pid)), mass,
                          np.asarray(m_hat, dtype=float))


SIGNAL = [(35, 424.0), (-24, 80.1), (37, 326.0), (24, 80.3), (25, 125.2), (5, 4.8), (-5, 4.8), (25, 124.0)]
TTBAR = [(6, 173.1), (-6, 172.2), (24, 80.5), (-24, 79.9), (5, 4.8), (-5, 4.8)]


def test_truth_masses_are_the_first_copies_of_each_resonance_with_the_leptonic_w_by_charge():
    gen = _record([SIGNAL, TTBAR], [424.0, 400.0])
    assert first_of(gen, 25).tolist() == [4, -1]      # the first h, none in the ttbar event
    plus = higgs_truth(gen, leptonic_charge=1)
    assert plus["truth_m_h"][0] == 125.2 and np.isnan(plus["truth_m_h"][1])
    assert plus["truth_m_h0"][0] == 424.0 and plus["truth_m_hpm"][0] == 326.0
    # W+ leptonic: the leptonic W is the W+, the leptonic top the t (t -> W+ b)
    assert plus["truth_m_w_lep"].tolist() == [80.3, 80.5] and plus["truth_m_w_had"].tolist() == [80.1, 79.9]
    assert np.isnan(plus["truth_m_top_lep"][0]) and plus["truth_m_top_lep"][1] == 173.1
    assert plus["truth_m_top_had"][1] == 172.2
    # H+ -> W+ h: its W is the leptonic one exactly when the W+ decays to leptons
    assert plus["truth_hpm_w_leptonic"][0] == 1 and np.isnan(plus["truth_hpm_w_leptonic"][1])
    minus = higgs_truth(gen, leptonic_charge=-1)
    assert minus["truth_hpm_w_leptonic"][0] == 0 and minus["truth_m_w_lep"].tolist() == [80.1, 79.9]
    assert minus["truth_m_top_lep"][1] == 172.2
    charge_conjugate = _record([[(p if abs(p) in (25, 35) else -p, m) for p, m in SIGNAL]], [424.0])
    assert higgs_truth(charge_conjugate, -1)["truth_hpm_w_leptonic"][0] == 1   # H- -> W- h, W- leptonic
    assert higgs_truth(charge_conjugate, -1)["truth_m_hpm"][0] == 326.0
    assert susy_truth(gen)["truth_m_hat"].tolist() == [424.0, 400.0]
