"""The Snakemake workflow: lint, config validation, a tiny end-to-end run, and every rule alone.

The rule tests follow Snakemake's ``--generate-unit-tests`` idea: take the inputs a rule
used in the end-to-end run, delete its output, run that rule alone, and check the output
it makes again is the same.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hepml.download import sha256sum
from tests.workflow_helpers import RESULTS, copy_workflow, outputs_of, same_output, snakemake

pytestmark = pytest.mark.workflow


def test_lint_is_clean(tmp_path):
    proc = snakemake(copy_workflow(tmp_path), "--lint", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_invalid_config_value_names_the_key_in_one_line(tmp_path):
    work = copy_workflow(tmp_path)
    (work / "config" / "bad.yaml").write_text("bdt: {max_depth: 0}\n")
    proc = snakemake(work, "-n", configfiles=("config/test.yaml", "config/bad.yaml"), check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "config key bdt.max_depth: 0 is less than the minimum of 1" in output
    assert "$schema" not in output and "definitions" not in output and len(output.splitlines()) < 15


def test_changing_higgs_masses_regenerates_only_the_signal(e2e, tmp_path):
    (e2e / "config" / "mass.yaml").write_text("generation: {higgs: {masses: {H0: 500, Hpm: 325, h: 125}}}\n")
    dry = snakemake(e2e, "-n", configfiles=("config/test.yaml", "config/mass.yaml"))
    regenerated = [line for line in dry.stdout.splitlines() if "shards/" in line and "output:" in line]
    assert regenerated and all("higgs/pythia/shards/signal_" in line for line in regenerated), regenerated


def test_end_to_end_outputs(e2e):
    res = e2e / RESULTS
    for dataset in ("higgs", "susy"):
        md = (res / "tables" / f"{dataset}_pythia.md").read_text()
        for model in ("bdt", "shallow", "deep"):
            for fset in ("low", "complete"):
                assert f"| {model} | {fset} |" in md
        rows = (res / "tables" / f"{dataset}_pythia.csv").read_text().splitlines()
        assert len(rows) == 1 + 3 * 2
        assert (res / "plots" / f"{dataset}_pythia_roc.png").stat().st_size > 10_000
        metrics = json.loads((res / "metrics" / dataset / "pythia" / "complete" / "bdt" / "seed0.json").read_text())
        assert 0.5 < metrics["auc"] <= 1 and metrics["z_binned"] > 0
    higgs_table = (res / "tables" / "higgs_pythia.md").read_text()
    assert "0.885 (0.002)" in higgs_table  # the paper's DN complete AUC beside ours


def test_jet_study_outputs(e2e):
    md = (e2e / RESULTS / "tables" / "jets_pythia.md").read_text()
    for tagger in ("cnn", "bdt", "multiplicity", "mass", "girth", "ptd"):
        assert f"| {tagger} |" in md
    assert "| cnn | 2 |" in md
    metrics = json.loads((e2e / RESULTS / "jets/pythia/metrics/bdt/seed0.json").read_text())
    assert 0.5 < metrics["auc"] <= 1 and metrics["gluon_rejection_at_50"] > 1
    record = json.loads((e2e / RESULTS / "jets/pythia/shards/quark_0.json").read_text())
    assert record["events_selected"] > 0 and record["variants"][0]["generator"].startswith("Pythia")


def test_weak_study_outputs(e2e):
    md = (e2e / RESULTS / "tables" / "weak_pythia.md").read_text()
    for row in ("| supervised |", "| cwola | 0.80 | 0.20 | 0.60 |", "| llp | 0.80 | 0.60 | 0.20 |"):
        assert row in md
    record = json.loads((e2e / RESULTS / "weak/pythia/cwola_f1_0.8_f2_0.6.json").read_text())
    assert record["seeds"] == [0, 1] and len(record["auc"]) == 2


def test_energyflow_source_plans_verified_downloads(e2e):
    (e2e / "config" / "ef.yaml").write_text("jets: {source: energyflow, energyflow: {n_files: 2}}\n")
    dry = snakemake(e2e, "-n", configfiles=("config/test.yaml", "config/ef.yaml"))
    assert dry.stdout.count("rule download:") == 2 and dry.stdout.count("rule verify_download:") == 2
    assert "resources/energyflow/QG_jets_1.npz" in dry.stdout and "convert_energyflow" in dry.stdout


def test_generation_records_and_validation_report(e2e):
    record = json.loads((e2e / RESULTS / "data/higgs/pythia/generation.json").read_text())
    for process in ("signal", "background"):
        r = record["processes"][process]
        assert r["events_generated"] == 800 and r["efficiency"] == r["events_selected"] / 800
    report = json.loads((e2e / RESULTS / "validation/higgs.json").read_text())
    assert {r["feature"] for r in report["peaks"]} >= {"m_bb", "m_wbb", "m_wwbb", "m_jj", "m_jjj"}
    assert "| m_wbb | signal |" in (e2e / RESULTS / "validation/higgs.md").read_text()


def test_manifest_traces_every_artifact_from_snakemakes_record(e2e):
    manifest = json.loads((e2e / RESULTS / "manifest.json").read_text())
    assert manifest["config"]["version"] == "test"
    assert manifest["packages"]["torch"] and "commit" in manifest["code"]
    assert manifest["generation"]["higgs"]["signal"]["events_generated"] == 800
    files = manifest["files"]
    assert any(p.endswith("seed1.pt") and v["rule"] == "train_nn" for p, v in files.items())
    assert files[f"{RESULTS}/validation/susy.md"]["rule"] == "validate_generation"
    made = {str(p) for p in outputs_of(e2e)} - {f"{RESULTS}/manifest.json"}
    assert set(files) == made  # every file of the run, and only files that exist
    for path, entry in files.items():
        assert sha256sum(e2e / path) == entry["sha256"], path


RULE_OUTPUTS = {
    "generate_shard": ["data/susy/pythia/shards/signal_1.root", "data/susy/pythia/shards/signal_1.json"],
    "merge_shards": ["data/higgs/pythia/events.root", "data/higgs/pythia/generation.json"],
    "validate_generation": ["validation/higgs.md", "validation/higgs.json", "validation/higgs.png",
                            "validation/higgs.pdf"],
    "split": ["data/susy/pythia/split/train.root", "data/susy/pythia/split/val.root", "data/susy/pythia/split/test.root"],
    "plot_features": ["plots/higgs_pythia_features.png", "plots/higgs_pythia_features.pdf"],
    "train_bdt": ["models/higgs/pythia/low/bdt/seed1.json", "models/higgs/pythia/low/bdt/seed1.history.json"],
    "train_nn": ["models/susy/pythia/complete/deep/seed0.pt", "models/susy/pythia/complete/deep/seed0.history.json"],
    "evaluate": ["scores/higgs/pythia/complete/shallow/seed1.npz"],
    "metrics": ["metrics/susy/pythia/low/bdt/seed0.json"],
    "tables": ["tables/higgs_pythia.csv", "tables/higgs_pythia.md", "tables/higgs_pythia.tex"],
    "plot_roc": ["plots/susy_pythia_roc.png", "plots/susy_pythia_roc.pdf"],
    "manifest": ["manifest.json"],
    "generate_jets_shard": ["jets/pythia/shards/gluon_1.root", "jets/pythia/shards/gluon_1.json"],
    "merge_jets": ["jets/pythia/jets.root"],
    "split_jets": ["jets/pythia/split/train.root", "jets/pythia/split/val.root", "jets/pythia/split/test.root"],
    "jet_images": ["jets/pythia/images/test.npz"],
    "train_jet_tagger": ["jets/pythia/models/cnn/seed1.model", "jets/pythia/metrics/cnn/seed1.json"],
    "jet_report": ["tables/jets_pythia.csv", "tables/jets_pythia.md", "plots/jets_pythia_roc_sic.png",
                   "plots/jets_pythia_roc_sic.pdf", "plots/jets_pythia_average_images.png",
                   "plots/jets_pythia_average_images.pdf"],
    "weak_train": ["weak/pythia/llp_f1_0.8_f2_0.2.json"],
    "weak_report": ["tables/weak_pythia.md", "plots/weak_pythia_auc_vs_gap.png", "plots/weak_pythia_auc_vs_gap.pdf"],
}


@pytest.mark.parametrize("rule", sorted(RULE_OUTPUTS))
def test_rule_alone_reproduces_its_output(e2e, tmp_path, rule):
    work = tmp_path / "w"
    shutil.copytree(e2e, work, symlinks=True)
    outputs = [Path(RESULTS) / o for o in RULE_OUTPUTS[rule]]
    for o in outputs:
        (work / o).unlink()
    snakemake(work, *map(str, outputs), "--allowed-rules", rule, cores=1)
    for o in outputs:
        same_output(e2e / o, work / o)


def test_uci_source_end_to_end_from_a_local_server(tmp_path, http_server):
    """source: uci downloads (zip mirror first, falls back to .csv.gz), verifies, converts, splits by counts."""
    import gzip

    from tests.conftest import uci_text

    base, handler = http_server
    text, _ = uci_text(3000, 29, seed=5)
    body = gzip.compress(text)
    handler.files["/legacy/HIGGS.csv.gz"] = body
    digest = __import__("hashlib").sha256(body).hexdigest()
    work = copy_workflow(tmp_path / "w")
    (work / "config" / "uci.yaml").write_text(f"""\
source: uci
datasets: [higgs]
feature_sets: [low]
models: [bdt]
seeds: [0]
jets: {{enabled: false}}
weak: {{enabled: false}}
split:
  uci:
    higgs: {{train: 2000, val: 300, test: 700}}
uci:
  dir: resources/uci
  retries: 1
  timeout: 10
  files:
    higgs:
      name: HIGGS.csv.gz
      sha256: {digest}
      mirrors:
        - {{url: "{base}/missing/higgs.zip", member: HIGGS.csv.gz}}
        - {{url: "{base}/legacy/HIGGS.csv.gz"}}
""")
    snakemake(work, configfiles=("config/test.yaml", "config/uci.yaml"))
    assert (work / "resources/uci/HIGGS.csv.gz").read_bytes() == body
    table = (work / RESULTS / "tables/higgs_uci.md").read_text()
    assert "| bdt | low |" in table and "0.730 (0.010)" in table
    manifest = json.loads((work / RESULTS / "manifest.json").read_text())
    assert manifest["data"]["resources/uci/HIGGS.csv.gz"]["sha256"] == digest
    from hepml.store import n_events

    assert n_events(work / RESULTS / "data/higgs/uci/split/test.root") == 700


def test_first_screen_is_the_workflows_own_output(tmp_path):
    """No warning from a library (e.g. the HTCondor bindings without an HTCondor configuration)."""
    proc = snakemake(copy_workflow(tmp_path), "-n")
    assert "Warning" not in proc.stderr and "CONDOR_CONFIG" not in proc.stdout + proc.stderr
