"""Feature sets, splits, chunked merging, and the store: checksums, garbled files, reproducible bytes."""

import awkward as ak
import numpy as np
import pytest

from hepml.core.datasets import columns, feature_set
from hepml.core.splits import merge_shuffled, split_ranges, split_store
from hepml.core.store import StoreError, StoreWriter, n_entries, read_events, read_store, write_events


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
    r = split_ranges(1000, {"train": 0.6, "val": 0.1, "test": 0.3}, {"train": 50, "val": None, "test": None})
    assert r == {"train": (0, 50), "val": (600, 700), "test": (700, 1000)}
    with pytest.raises(ValueError, match="add up to more"):
        split_ranges(100, {"train": 90, "val": 10, "test": 10})


def _sample(n=1000, seed=0):
    rng = np.random.default_rng(seed)
    return {"label": (np.arange(n) % 2).astype(np.int32), "x": np.arange(n, dtype=np.float32),
            "y": rng.normal(size=n).astype(np.float32)}


@pytest.mark.parametrize("chunk", [7, 100, 10_000])
def test_split_store_in_chunks_writes_disjoint_parts(tmp_path, chunk):
    write_events(tmp_path / "e.root", _sample(100))
    out = {p: tmp_path / f"{p}.root" for p in ("train", "val", "test")}
    sizes = split_store(tmp_path / "e.root", out, {"train": 0.5, "val": 0.2, "test": 0.3}, chunk=chunk)
    assert sizes == {"train": 50, "val": 20, "test": 30}
    xs = np.concatenate([read_events(out[p])["x"] for p in ("train", "val", "test")])
    assert np.array_equal(xs, np.arange(100))


def test_chunked_merge_is_a_seeded_permutation_of_all_events(tmp_path):
    parts = [tmp_path / f"s{i}.root" for i in range(3)]
    for i, p in enumerate(parts):
        d = _sample(400, seed=i)
        d["x"] = d["x"] + 1000 * i
        write_events(p, d)
    whole = merge_shuffled(parts, tmp_path / "a.root", seed=5, chunk=10_000)   # one bucket
    chunked = merge_shuffled(parts, tmp_path / "b.root", seed=5, chunk=150)    # 8 buckets on disk
    merge_shuffled(parts, tmp_path / "c.root", seed=5, chunk=150)
    a, b = read_events(tmp_path / "a.root"), read_events(tmp_path / "b.root")
    assert whole == chunked == 1200
    for d in (a, b):
        assert np.array_equal(np.sort(d["x"]), np.sort(np.concatenate([read_events(p)["x"] for p in parts])))
        assert not np.array_equal(d["x"], np.sort(d["x"]))  # shuffled
    assert (tmp_path / "b.root").read_bytes() == (tmp_path / "c.root").read_bytes()
    # rows stay whole: each x goes with its own label and y
    lookup = {x: (l, y) for p in parts for x, l, y in zip(*(read_events(p)[k] for k in ("x", "label", "y")))}
    assert all(lookup[x] == (l, y) for x, l, y in zip(b["x"], b["label"], b["y"]))
    assert not list(tmp_path.glob("*bucket*")) and not list(tmp_path.glob(".*tmp*"))


def test_store_is_byte_reproducible_and_keeps_jagged_columns(tmp_path):
    jets = ak.zip({"pt": ak.Array([[3.0, 1.0], [], [2.0]]), "pid": ak.Array([[211, 22], [], [11]])})
    data = {"label": np.array([1, 0, 1]), "m": np.array([1.5, 2.5, 3.5]), "c": jets}
    write_events(tmp_path / "a.root", data)
    write_events(tmp_path / "b.root", data)
    assert (tmp_path / "a.root").read_bytes() == (tmp_path / "b.root").read_bytes()
    back = read_events(tmp_path / "a.root")
    assert list(back) == ["label", "m", "c"] and back["label"].dtype == np.int32
    assert ak.to_list(back["c"].pt) == [[3.0, 1.0], [], [2.0]] and ak.to_list(back["c"].pid) == [[211, 22], [], [11]]


def test_several_trees_in_one_file(tmp_path):
    with StoreWriter(tmp_path / "s.root") as w:
        w.extend({"label": np.ones(3, int), "a": np.zeros(3)})
        w.extend({"pt": np.arange(5.0)}, tree="jets")
    assert n_entries(tmp_path / "s.root") == 3 and len(read_store(tmp_path / "s.root", "jets")["pt"]) == 5


def _garble(path, offset_fraction=0.5):
    raw = bytearray(path.read_bytes())
    i = int(len(raw) * offset_fraction)
    raw[i : i + 4] = bytes(b ^ 0xFF for b in raw[i : i + 4])
    path.write_bytes(bytes(raw))


def test_a_garbled_store_file_is_an_error_naming_it(tmp_path):
    """Random float32 do not compress, so ROOT stores them raw: flipping bytes in the middle
    changes values silently, unless the content checksum catches it."""
    rng = np.random.default_rng(0)
    write_events(tmp_path / "split.root", {"label": np.zeros(20000, int), "x": rng.normal(size=20000)})
    _garble(tmp_path / "split.root")
    with pytest.raises(StoreError, match=r"split.root: .*(checksum|corrupt)") as err:
        read_events(tmp_path / "split.root")
    assert "\n" not in str(err.value)


def test_missing_store_file_and_column_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.root"):
        read_events(tmp_path / "nope.root")
    write_events(tmp_path / "e.root", {"label": np.zeros(3, int), "x": np.ones(3)})
    with pytest.raises(StoreError, match=r"e.root: missing columns \['y'\]"):
        read_events(tmp_path / "e.root", ["y"])
    assert n_entries(tmp_path / "e.root") == 3
    (tmp_path / "not.root").write_bytes(b"hello")
    with pytest.raises(StoreError, match="not.root: not a readable ROOT file"):
        read_events(tmp_path / "not.root")


def test_float32_overflow_is_an_error_not_an_infinity(tmp_path):
    with pytest.raises(StoreError, match=r"o.root: column 'x', entry 1: 9e\+99 does not fit in float32"):
        write_events(tmp_path / "o.root", {"label": np.zeros(2, int), "x": np.array([1.0, 9e99])})
    assert not (tmp_path / "o.root").exists() and not list(tmp_path.glob(".*tmp*"))


def test_fractions_never_round_past_the_total():
    # 0.6 / 0.1 / 0.3 of 13046 rounds to 13047 events; the split must still fit
    r = split_ranges(13046, {"train": 0.6, "val": 0.1, "test": 0.3})
    assert r["test"][1] == 13046 and r["val"][1] <= r["test"][0]


def test_uci_counts_larger_than_the_file_name_the_file_and_the_config_key(tmp_path):
    source = tmp_path / "events.root"
    write_events(source, {"label": np.arange(100, dtype=np.int32) % 2, "x": np.zeros(100, np.float32)})
    outputs = {p: tmp_path / f"{p}.root" for p in ("train", "val", "test")}
    with pytest.raises(ValueError, match=rf"^{source}: split sizes .* add up to more than the 100 events available "
                                         r"\(config keys split.uci.higgs and limits\)"):
        split_store(source, outputs, {"train": 80, "val": 10, "test": 20}, sizes_key="split.uci.higgs")
    assert not any(p.exists() for p in outputs.values())


def test_a_rerun_removes_what_a_killed_writer_left_behind(tmp_path):
    """A SIGKILLed job leaves its temporary sibling (".name.tmp<pid>"); the next write of the same
    target deletes it when that process is gone, and keeps a live writer's."""
    import os

    from hepml.core.atomic import write_text

    target = tmp_path / "signal_1.root"
    no_pid = int(open("/proc/sys/kernel/pid_max").read())  # pids are below pid_max: no such process
    dead = tmp_path / f".signal_1.root.tmp{no_pid}"
    live = tmp_path / f".signal_1.root.tmp{os.getppid()}"  # the process that started this test
    other = tmp_path / f".signal_2.root.tmp{no_pid}"        # another target's: not this write's business
    for p in (dead, live, other):
        p.write_text("half")
    write_text(target, "whole")
    assert target.read_text() == "whole" and not dead.exists() and live.exists() and other.exists()
