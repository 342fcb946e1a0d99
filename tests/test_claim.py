"""Reading the paper's claim off a learning curve: crossings, gaps and the power-law extrapolation,
against hand-built curves with known answers."""

import csv
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hepml.benchmark.claim import Curve, claim_markdown, crossing, gap_table, power_law, read_curves

ROOT = Path(__file__).resolve().parents[1]


def curve(model, fset, n, auc, std=None):
    n = np.asarray(n)
    return Curve(model, fset, n, np.asarray(auc, float), np.zeros(len(n)) if std is None else np.asarray(std, float))


def test_crossing_interpolates_in_log_n():
    n = [1000, 10000, 100000]
    # a - b = -0.02, +0.02, +0.04: zero halfway between 1e3 and 1e4 in log n, i.e. at sqrt(1e7)
    a, b = curve("deep", "low", n, [0.70, 0.74, 0.76]), curve("bdt", "low", n, [0.72, 0.72, 0.72])
    assert crossing(a, b) == pytest.approx(math.sqrt(1e7), rel=1e-9)
    assert crossing(b, a) is None                                        # b ends below
    assert crossing(curve("x", "low", n, [0.8] * 3), b) == 1000          # leads throughout
    # a dip back below counts: the last crossing is the one that holds
    c = curve("deep", "low", n, [0.73, 0.71, 0.73])
    assert crossing(c, b) == pytest.approx(math.sqrt(1e9), rel=1e-9)


def test_power_law_recovers_an_exact_law_and_its_target_size():
    n = np.array([1e3, 1e4, 1e5, 3e5])
    gap = 0.4 * n**-0.3
    fit = power_law(n, gap, target=0.005)
    assert fit["c"] == pytest.approx(0.4, rel=1e-9) and fit["k"] == pytest.approx(0.3, rel=1e-9)
    assert fit["n_target"] == pytest.approx((0.4 / 0.005) ** (1 / 0.3), rel=1e-9)
    assert 0.4 * fit["n_target"] ** -0.3 == pytest.approx(0.005, rel=1e-9)
    assert power_law(n, -gap) is None                                    # no positive gaps
    assert power_law(n, 0.01 * n**0.1)["n_target"] is None               # a growing gap never closes


def _write(path, curves):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, ["dataset", "model", "feature_set", "train_events", "auc", "auc_std"])
        w.writeheader()
        for c in curves:
            for k, a, s in zip(c.n, c.auc, c.std):
                w.writerow({"dataset": "higgs", "model": c.model, "feature_set": c.feature_set,
                            "train_events": int(k), "auc": a, "auc_std": s})


def test_claim_report_from_a_table(tmp_path):
    n = [1000, 10000, 100000]
    curves = [curve("deep", "low", n, [0.60, 0.70, 0.78], [0.01, 0.01, 0.003]),
              curve("deep", "complete", n, [0.80, 0.82, 0.83], [0.004, 0.003, 0.004]),
              curve("bdt", "low", n, [0.66, 0.70, 0.72]), curve("bdt", "complete", n, [0.81, 0.82, 0.825])]
    path = tmp_path / "lc.csv"
    _write(path, curves)
    read = read_curves(path)
    assert set(read) == {("deep", "low"), ("deep", "complete"), ("bdt", "low"), ("bdt", "complete")}
    rows = gap_table(read)
    assert [r["gap"] for r in rows] == pytest.approx([0.20, 0.12, 0.05])
    assert rows[0]["gap_std"] == pytest.approx(math.hypot(0.004, 0.01))
    text = claim_markdown(read, "toy")
    assert "deep/low overtakes bdt/low: from about 10,000 training events" in text
    assert "| 100,000 | 0.8300 | 0.7800 | 0.0500 |" in text and "Power-law fit to the 3 sizes" in text
    out = tmp_path / "claim.md"
    subprocess.run([sys.executable, str(ROOT / "scripts/claim.py"), "--curve", str(path), "--markdown", str(out)],
                   check=True)
    assert out.read_text().startswith("### The paper's claim")


def test_the_fit_starts_at_the_largest_gap():
    """A gap that opens before it closes: only the closing part enters the power law."""
    n = [1000, 4000, 16000, 64000]
    gaps = [0.05, 0.2, 0.2 * 4**-0.25, 0.2 * 16**-0.25]   # from 4000 on: 0.2 (n / 4000)^-0.25
    curves = {("deep", "low"): curve("deep", "low", n, [0.6] * 4),
              ("deep", "complete"): curve("deep", "complete", n, 0.6 + np.array(gaps))}
    text = claim_markdown(curves, "toy")
    assert "fit to the 3 sizes from the largest gap on" in text and "n^(−0.250)" in text


def test_a_table_without_the_columns_is_refused_naming_the_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("model,auc\nbdt,0.7\n")
    with pytest.raises(ValueError, match="bad.csv: not a learning-curve table"):
        read_curves(bad)
