"""The layers that produce published numbers: ROC and AUC, metric records, tables over seeds,
each study's tables and figures, plots, and the provenance manifest."""

import json

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.metrics import roc_auc_score, roc_curve as sk_roc_curve

from hepml.core.metrics import classifier_metrics
from hepml.core.provenance import build_manifest, run_files, snakemake_records
from hepml.core.records import Cell, MetricRecord, Roc, read_record, record_from_dict, write_record
from hepml.core.roc import auc, rejection_at, roc_curve, thinned_roc
from hepml.core.tables import Summary, Table, mean_std, summarise
from hepml.pipeline.reports import study_figure, write_study_tables


def gaussians(shift, n=50_000, seed=0):
    rng = np.random.default_rng(seed)
    return np.r_[np.ones(n), np.zeros(n)].astype(int), np.r_[rng.normal(shift, 1, n), rng.normal(0, 1, n)]


def test_auc_and_roc_agree_with_sklearn_including_ties():
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, 3000)
    scores = np.round(rng.normal(labels * 0.7, 1), 1)   # many ties
    assert auc(labels, scores) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
    fpr, tpr = roc_curve(labels, scores)
    sk_fpr, sk_tpr, _ = sk_roc_curve(labels, scores, drop_intermediate=False)
    assert np.allclose(fpr, sk_fpr) and np.allclose(tpr, sk_tpr)


def test_gaussian_closed_forms():
    """Unit Gaussians a distance d apart: AUC = Phi(d / sqrt 2); at 50% signal efficiency the cut
    sits at d, so the background efficiency is 1 - Phi(d)."""
    labels, scores = gaussians(1.0)
    assert auc(labels, scores) == pytest.approx(norm.cdf(1 / np.sqrt(2)), abs=0.005)
    assert rejection_at(labels, scores, 0.5) == pytest.approx(1 / norm.sf(1.0), rel=0.03)
    bkg, sig = thinned_roc(labels, scores, 50)
    assert 40 <= len(sig) <= 51 and sig[0] == 0 and sig[-1] == 1 and np.all(np.diff(bkg) >= 0)


def _record(study="benchmark", model="bdt", fset="low", seed=0, auc_value=0.7, task="all", dataset="higgs"):
    cell = Cell(study, dataset, "pythia", fset, model, task)
    return MetricRecord(cell, seed, auc_value, 100, 50, 5.0, Roc([0.0, 1.0], [0.0, 1.0]), train_events=1000,
                        z_binned=2.0, z_paper=2.2, z_best_threshold=1.5, best_threshold=0.3)


def test_records_round_trip_and_refuse_other_files(tmp_path):
    r = _record()
    write_record(tmp_path / "r.json", r)
    assert read_record(tmp_path / "r.json") == r
    (tmp_path / "bad.json").write_text(json.dumps({"auc": 0.5}))
    with pytest.raises(ValueError, match="bad.json: not a hepml metric record"):
        read_record(tmp_path / "bad.json")
    with pytest.raises(ValueError, match="unknown format"):
        record_from_dict({"format": 99})


def test_summaries_average_over_seeds_with_the_sample_std():
    records = [_record(seed=s, auc_value=a) for s, a in enumerate((0.70, 0.72, 0.74))]
    (s,) = summarise(records)
    assert s.n_seeds == 3 and s.stat("auc") == pytest.approx((0.72, 0.02))
    assert s.median.seed == 1 and mean_std([1.0]) == (1.0, 0.0)


def test_benchmark_table_puts_ours_beside_the_paper(tmp_path):
    records = [_record(model=m, fset=f, seed=s, auc_value=0.7 + 0.01 * s) for m in ("deep", "bdt")
               for f in ("complete", "low") for s in (0, 1)]
    paths = {k: tmp_path / f"t.{k}" for k in ("csv", "md", "tex")}
    write_study_tables("benchmark", "higgs", "pythia", records, paths["csv"], paths["md"], paths["tex"])
    md = paths["md"].read_text().splitlines()
    assert md[0] == "### higgs (pythia events)"
    assert md[4] == "| bdt | low | 0.705 ± 0.007 | 0.730 (0.010) | 2.00 ± 0.00 | 1.50 ± 0.00 | 2.20 ± 0.00 | — | — | — |"
    assert md[-1] == "| deep | complete | 0.705 ± 0.007 | 0.885 (0.002) | 2.00 ± 0.00 | 1.50 ± 0.00 | 2.20 ± 0.00 | 5.0 | — | — |"
    assert paths["csv"].read_text().splitlines()[0].startswith("dataset,model,feature_set,n_seeds,auc,auc_std")
    assert r"0.705 $\pm$ 0.007" in paths["tex"].read_text()


def test_jet_table_counts_an_untrained_observable_once(tmp_path):
    records = [_record("jets", "cnn", "images", s, 0.8, dataset="qg") for s in (0, 1)]
    records += [_record("jets", "multiplicity", "observables", s, 0.85, dataset="qg") for s in (0, 1)]
    md = tmp_path / "j.md"
    write_study_tables("jets", "qg", "pythia", records, tmp_path / "j.csv", md, tmp_path / "j.tex")
    lines = md.read_text().splitlines()
    assert lines[4] == "| multiplicity | 1 | 0.850 ± 0.000 | 5.0 ± 0.0 |" and lines[5].startswith("| cnn | 2 |")


def test_weak_table_orders_methods_and_measures_the_gap_to_supervised(tmp_path):
    records = [_record("weak", "dense", "observables", s, a, t, "qg") for s in (0, 1) for t, a in
               (("supervised", 0.9), ("cwola_0.8_0.2", 0.88), ("cwola_0.8_0.6", 0.85), ("llp_0.8_0.2", 0.87))]
    md = tmp_path / "w.md"
    write_study_tables("weak", "qg", "pythia", records, tmp_path / "w.csv", md, tmp_path / "w.tex")
    rows = md.read_text().splitlines()[4:]
    assert rows[0] == "| supervised | — | — | — | 0.900 ± 0.000 | — |"
    assert rows[1] == "| cwola | 0.80 | 0.20 | 0.60 | 0.880 ± 0.000 | -0.020 |"
    assert rows[2] == "| cwola | 0.80 | 0.60 | 0.20 | 0.850 ± 0.000 | -0.050 |"
    assert rows[3].startswith("| llp | 0.80 | 0.20 |")


@pytest.mark.parametrize("study", ["benchmark", "jets", "weak"])
def test_every_study_draws_its_figure(tmp_path, study):
    from hepml.core.plotting import save

    labels, scores = gaussians(1.0, 2000)
    m = classifier_metrics(scores, labels, scores, labels)
    task = {"weak": "cwola_0.8_0.2"}.get(study, "all")
    fset = "low" if study == "benchmark" else "observables"
    records = [MetricRecord(Cell(study, "qg", "pythia", fset, "bdt", task), s, m["auc"], m["n_test"],
                            m["n_background"], m["rejection_50"], Roc(**m["roc"]), train_events=100, z_binned=1.0,
                            z_best_threshold=1.0, best_threshold=0.5) for s in (0, 1)]
    paths = [tmp_path / "f.png", tmp_path / "f.pdf"]
    save(study_figure(study, "qg", "pythia", records), paths)
    assert all(p.stat().st_size > 5000 for p in paths)
    again = tmp_path / "g.pdf"
    save(study_figure(study, "qg", "pythia", records), [again])
    assert again.read_bytes() == paths[1].read_bytes()  # no creation date: the same figure, the same bytes


def test_provenance_comes_from_snakemakes_records_of_files_that_exist(tmp_path):
    import base64

    results = tmp_path / "results" / "v"
    (results / "tables").mkdir(parents=True)
    (results / "tables" / "t.md").write_text("x")
    meta = tmp_path / ".snakemake" / "metadata"
    meta.mkdir(parents=True)
    for path, rule in (("results/v/tables/t.md", "tables"), ("results/v/models/gone.model", "train")):
        (meta / base64.urlsafe_b64encode(path.encode()).decode()).write_text(json.dumps({"rule": rule}))
    assert set(snakemake_records(tmp_path)) == {"results/v/tables/t.md", "results/v/models/gone.model"}
    files = run_files("results/v", tmp_path)
    assert list(files) == ["results/v/tables/t.md"] and files["results/v/tables/t.md"]["rule"] == "tables"
    manifest = build_manifest("results/v", {"version": "v"}, {}, {}, tmp_path)
    assert manifest["files"] == files and manifest["packages"]["numpy"]


def test_the_manifest_refuses_a_stamp_that_disagrees_with_the_config(tmp_path):
    (tmp_path / "stamp").write_text(json.dumps({"sha256": "a" * 64, "bytes": 3}))
    with pytest.raises(ValueError, match="stamp: records SHA-256 a+ for data.csv.gz, but the config expects b+"):
        build_manifest("results/v", {}, {"data.csv.gz": "b" * 64}, {"data.csv.gz": str(tmp_path / "stamp")}, tmp_path)


def test_markdown_and_latex_render_the_same_rows():
    rows = summarise([_record(seed=s) for s in (0, 1)])
    from hepml.core.tables import Column

    cols = [Column("model", lambda s: s.cell.model), Column("AUC", lambda s: f"{s.stat('auc')[0]:.2f}")]
    assert Table("T", cols, rows).markdown().splitlines()[-1] == "| bdt | 0.70 |"
    assert Table("T_1", cols, rows).latex().splitlines()[2] == r"\caption{T\_1}"
    assert isinstance(rows[0], Summary)
