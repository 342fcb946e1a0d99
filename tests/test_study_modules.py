"""Each study's own modules, tested directly on records built by hand: the paper's transcribed
values, the benchmark, learning-curve, jet, weak-supervision and parameterized tables (what each
row holds and in which order), the inputs of each dataset, and the jet CNN."""

import numpy as np
import pytest
import torch

from hepml.benchmark import learning_curve, paper
from hepml.benchmark import report as benchmark
from hepml.core.datasets import columns, feature_set
from hepml.core.records import Cell, MetricRecord, Roc
from hepml.core.store import write_events
from hepml.jets import report as jets
from hepml.jets.cnn import JetCNN
from hepml.parameterized import report as parameterized
from hepml.pipeline.inputs import input_names, load_inputs, load_parameter, select_inputs
from hepml.weak import report as weak

ROC = Roc([0.0, 0.5, 1.0], [0.0, 0.1, 1.0])


def record(cell, seed, auc, rejection_50=10.0, **kw):
    return MetricRecord(cell, seed, auc, 1000, 500, rejection_50, ROC, **kw)


def bench(model, fset, task="all", dataset="higgs", study="benchmark"):
    return Cell(study, dataset, "pythia", fset, model, task)


def test_the_paper_values_are_table_1_of_baldi_et_al():
    """Nature Commun. 5 (2014) 4308, Table 1 (HIGGS): AUC and the 100 s / 1000 +- 50 b significance."""
    assert paper.paper_values("higgs", "deep", "complete") == {"auc": 0.885, "auc_sd": 0.002, "z": 5.0}
    assert paper.paper_values("higgs", "deep", "low") == {"auc": 0.880, "auc_sd": 0.001, "z": 4.9}
    assert paper.paper_values("higgs", "shallow", "high") == {"auc": 0.777, "auc_sd": 0.001, "z": 3.1}
    assert paper.paper_values("higgs", "bdt", "complete") == {"auc": 0.81, "auc_sd": 0.01, "z": None}
    assert paper.paper_values("susy", "deep", "low") == {"auc": None, "auc_sd": None, "z": None}
    assert paper.paper_values("higgs", "cnn", "low")["auc"] is None
    assert len(paper.HIGGS_AUC) == 9 and len(paper.HIGGS_SIGNIFICANCE) == 6


def test_the_benchmark_table_orders_cells_as_the_paper_and_averages_seeds():
    records = [record(bench(m, f), s, 0.7 + 0.01 * s + 0.001 * i, z_binned=2.0 + s, z_paper=3.0, z_best_threshold=1.0)
               for i, (m, f) in enumerate([("deep", "complete"), ("bdt", "high"), ("bdt", "low"), ("shallow", "low")])
               for s in (0, 1, 2)]
    rows = benchmark.summary_rows(records)
    assert [(s.cell.model, s.cell.feature_set) for s in rows] == [("bdt", "low"), ("bdt", "high"), ("shallow", "low"),
                                                                 ("deep", "complete")]
    csv = benchmark.benchmark_table(records, "T").csv_rows()
    deep = csv[-1]
    assert deep["auc"] == pytest.approx(0.71) and deep["auc_std"] == pytest.approx(0.01)   # sample std of .70 .71 .72
    assert deep["z_binned"] == pytest.approx(3.0) and deep["z_binned_std"] == pytest.approx(1.0)
    assert (deep["paper_auc"], deep["paper_auc_sd"], deep["paper_z"]) == (0.885, 0.002, 5.0)
    assert [c.text(rows[-1]) for c in benchmark.COLUMNS if c.shown] == [
        "deep", "complete", "0.710 ± 0.010", "0.885 (0.002)", "3.00 ± 1.00", "1.00 ± 0.00", "3.00 ± 0.00", "5.0", "—", "—"]  # no ensemble record given


def test_the_learning_curve_keeps_one_point_per_size_and_the_full_split_for_a_capped_size():
    cell = lambda task: bench("deep", "low", task, study="learning_curve")  # noqa: E731
    records = [record(cell("n1000"), s, 0.60, train_events=1000) for s in (0, 1)]
    records += [record(cell("n100000"), s, 0.70, train_events=5000) for s in (0, 1)]   # capped at the split
    records += [record(cell("all"), s, 0.71, train_events=5000) for s in (0, 1)]
    rows = learning_curve.summary_rows(records)
    assert [(s.cell.task, learning_curve.train_events(s)) for s in rows] == [("n1000", 1000), ("all", 5000)]
    assert [c.header for c in learning_curve.COLUMNS if c.shown][:3] == ["model", "features", "training events"]


def test_the_jet_table_sorts_by_auc_and_counts_an_observable_once():
    cell = lambda model, fset: Cell("jets", "qg", "pythia", fset, model, "all")  # noqa: E731
    records = [record(cell("cnn", "images"), s, 0.80 + 0.01 * s, rejection_50=20.0 + s) for s in (0, 1, 2)]
    records += [record(cell("multiplicity", "observables"), s, 0.75) for s in (0, 1, 2)]
    records += [record(cell("bdt", "observables"), s, 0.82) for s in (0, 1, 2)]
    rows = jets.summary_rows(records)
    assert [(s.cell.model, s.n_seeds) for s in rows] == [("bdt", 3), ("cnn", 3), ("multiplicity", 1)]
    assert jets.jet_table(records, "T").csv_rows()[1] == {"tagger": "cnn", "inputs": "images", "n_seeds": 3, "auc": pytest.approx(0.81),
                                      "auc_std": pytest.approx(0.01), "rejection_50": pytest.approx(21.0),
                                      "rejection_50_std": pytest.approx(1.0)}


def test_the_weak_table_parses_tasks_and_measures_the_gap_to_supervised():
    assert weak.method_and_fractions("cwola_0.8_0.2") == ("cwola", 0.8, 0.2)
    assert weak.method_and_fractions("llp_0.00001_0.00002") == ("llp", 1e-5, 2e-5)
    assert weak.method_and_fractions("supervised") == ("supervised", None, None)
    cell = lambda task: Cell("weak", "qg", "pythia", "observables", "shallow", task)  # noqa: E731
    records = [record(cell(t), s, auc) for t, auc in (("llp_0.7_0.3", 0.70), ("supervised", 0.80),
                                                      ("cwola_0.6_0.4", 0.60), ("cwola_0.9_0.1", 0.75))
               for s in (0, 1)]
    rows = weak.summary_rows(records)
    assert [s.cell.task for s in rows] == ["supervised", "cwola_0.9_0.1", "cwola_0.6_0.4", "llp_0.7_0.3"]
    cols = weak.columns(rows)
    assert [c.text(rows[1]) for c in cols if c.shown] == ["cwola", "0.90", "0.10", "0.80", "0.750 ± 0.000", "-0.050"]
    assert cols[-1].text(rows[0]) == "—"


def test_the_parameterized_table_pairs_both_networks_per_mass_and_marks_held_out_masses():
    cell = lambda model, ev: Cell("parameterized", "hpar", "pythia", "complete_mass", model, "param", ev)  # noqa: E731
    records = [record(cell(model, f"m{m}"), s, auc + 0.01 * s, z_binned=1.0, z_best_threshold=1.0)
               for m in (500, 375) for model, auc in (("param", 0.80), ("dedicated", 0.78)) for s in (0, 1)]
    records += [record(cell("param", "m425"), s, 0.79) for s in (0, 1)]        # no dedicated network there
    table = parameterized.rows(records, held_out=[425.0])
    assert [(r.mass, r.held_out, r.dedicated is None) for r in table] == [(375.0, False, False), (425.0, True, True),
                                                                          (500.0, False, False)]
    assert [c.text(table[1]) for c in parameterized.COLUMNS][:4] == ["425", "yes", "0.790 ± 0.000", "—"]
    assert parameterized.COLUMNS[2].text(table[0]) == f"0.805 ± {np.std([0.80, 0.81], ddof=1):.3f}"


def test_inputs_of_each_dataset_by_name(tmp_path):
    assert input_names("higgs", "low") == feature_set("higgs", "low")
    assert input_names("hpar", "complete_mass") == feature_set("higgs", "complete") + ["mass"]
    assert input_names("qg", "images") == ["images"] and all(n.startswith("obs_") for n in input_names("qg", "observables"))
    rng = np.random.default_rng(0)
    data = {c: rng.normal(size=50).astype(np.float32) for c in columns("higgs")}
    data["label"] = rng.integers(0, 2, 50).astype(np.int32)
    data["mass"] = np.full(50, 425.0, np.float32)
    write_events(tmp_path / "h.root", data)
    x, y = load_inputs("hpar", "complete_mass", tmp_path / "h.root")
    assert x.shape == (50, len(feature_set("higgs", "complete")) + 1) and x.dtype == np.float32
    assert np.array_equal(x[:, -1], data["mass"]) and np.array_equal(y, data["label"])
    assert np.array_equal(x[:, 0], data[feature_set("higgs", "complete")[0]])
    assert np.array_equal(load_parameter("hpar", tmp_path / "h.root"), data["mass"])
    assert load_parameter("higgs", tmp_path / "h.root") is None
    names = input_names("hpar", "complete_mass")
    assert np.array_equal(select_inputs(x, names, ["mass", names[0]]), x[:, [-1, 0]])
    with pytest.raises(ValueError, match=r"inputs \['m_xyz'\] are not among"):
        select_inputs(x, names, ["m_xyz"])
    images = rng.random((6, 2, 8, 8)).astype(np.float32)
    np.savez(tmp_path / "jets.npz", images=images, labels=np.arange(6) % 2)
    xi, yi = load_inputs("qg", "images", tmp_path / "jets.npz")
    assert np.array_equal(np.asarray(xi), images) and yi.dtype == np.int32


def test_the_jet_cnn_halves_the_image_per_block_and_standardises_per_pixel():
    rng = np.random.default_rng(0)
    images = (rng.random((40, 2, 16, 16)) * 5 + 3).astype(np.float32)
    cfg = {"filters": [4, 6], "kernels": [3, 3], "dense": 8, "dropout": 0.0}
    net = JetCNN.for_images(images, cfg).eval()
    assert net.head[1].in_features == 6 * 4 * 4              # 16 -> 8 -> 4 pixels, 6 filters
    with torch.no_grad():
        out = net(torch.from_numpy(images))
        standardised = net.standardize(torch.from_numpy(images))
        # the same network on NCHW and NHWC inputs gives the same logits
        same = net(torch.from_numpy(images).contiguous(memory_format=torch.channels_last))
    assert out.shape == (40,) and torch.allclose(out, same, atol=1e-6)
    assert torch.allclose(standardised.mean(0), torch.zeros(2, 16, 16), atol=1e-5)
    assert torch.allclose(standardised.std(0, unbiased=False), torch.ones(2, 16, 16), atol=1e-4)
    with pytest.raises(ValueError, match="'filters' and 'kernels' must have the same length"):
        JetCNN.for_images(images, {**cfg, "kernels": [3]})
