import numpy as np
import pytest

from hepml.schema import columns, feature_set
from hepml.splits import split_ranges, split_store
from hepml.store import n_events, read_events, write_events


def test_feature_sets_follow_the_uci_layout():
    assert len(feature_set("higgs", "low")) == 21 and len(feature_set("higgs", "high")) == 7
    assert len(feature_set("susy", "low")) == 8 and len(feature_set("susy", "high")) == 10
    assert feature_set("higgs", "complete") == columns("higgs")[1:]
    assert columns("higgs")[0] == "label" and columns("higgs")[22] == "m_jj"
    with pytest.raises(ValueError, match="unknown feature set"):
        feature_set("higgs", "medium")


def test_authors_split_takes_last_events_for_test():
    r = split_ranges(11_000_000, {"train": 10_000_000, "val": 500_000, "test": 500_000})
    assert r == {"train": (0, 10_000_000), "val": (10_000_000, 10_500_000), "test": (10_500_000, 11_000_000)}


def test_fraction_split_and_limits():
    r = split_ranges(1000, {"train": 0.6, "val": 0.1, "test": 0.3}, {"train": 50})
    assert r == {"train": (0, 50), "val": (600, 700), "test": (700, 1000)}
    with pytest.raises(ValueError, match="add up to more"):
        split_ranges(100, {"train": 90, "val": 10, "test": 10})


def test_split_store_writes_disjoint_parts(tmp_path):
    data = {"label": np.arange(100) % 2, "x": np.arange(100, dtype=np.float32)}
    write_events(tmp_path / "e.root", data)
    out = {p: tmp_path / f"{p}.root" for p in ("train", "val", "test")}
    assert split_store(tmp_path / "e.root", out, {"train": 0.5, "val": 0.2, "test": 0.3}) == {"train": 50, "val": 20, "test": 30}
    xs = np.concatenate([read_events(out[p])["x"] for p in ("train", "val", "test")])
    assert np.array_equal(xs, np.arange(100))


def test_missing_store_file_and_column_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.root"):
        read_events(tmp_path / "nope.root")
    write_events(tmp_path / "e.root", {"label": np.zeros(3, int), "x": np.ones(3)})
    with pytest.raises(ValueError, match=r"e.root: missing columns \['y'\]"):
        read_events(tmp_path / "e.root", ["y"])
    assert n_events(tmp_path / "e.root") == 3


def test_fractions_never_round_past_the_total():
    # 0.6 / 0.1 / 0.3 of 13046 rounds to 13047 events; the split must still fit
    r = split_ranges(13046, {"train": 0.6, "val": 0.1, "test": 0.3})
    assert r["test"][1] == 13046 and r["val"][1] <= r["test"][0]
