"""The Snakemake workflow: lint, config validation, a tiny end-to-end run, and every rule alone.

The rule tests follow Snakemake's ``--generate-unit-tests`` idea: take the inputs a rule
used in the end-to-end run, delete its output, run that rule alone, and check the output
it makes again is the same.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import awkward as ak
import numpy as np
import pytest
import torch

from hepml.download import sha256sum
from hepml.store import read_events

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = [sys.executable, "-m", "snakemake"]
RESULTS = "results/test"
pytestmark = pytest.mark.workflow


def copy_workflow(dest: Path) -> Path:
    for name in ("Snakefile", "workflow", "config", "scripts"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, symlinks=True)
        else:
            shutil.copy2(src, dest / name)
    shutil.copy2(ROOT / "environment.yml", dest / "environment.yml")
    return dest


def snakemake(workdir: Path, *args: str, configfiles=("config/test.yaml",), check: bool = True,
              cores: int = 2) -> subprocess.CompletedProcess:
    cmd = [*SNAKEMAKE, *args, "--cores", str(cores), "--configfile", *configfiles]
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc


@pytest.fixture(scope="session")
def e2e(tmp_path_factory) -> Path:
    """The whole workflow on the tiny test config, run once per session."""
    work = copy_workflow(tmp_path_factory.mktemp("e2e"))
    snakemake(work)
    return work


def test_lint_is_clean(tmp_path):
    proc = snakemake(copy_workflow(tmp_path), "--lint", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_invalid_config_value_names_the_key(tmp_path):
    work = copy_workflow(tmp_path)
    (work / "config" / "bad.yaml").write_text("bdt: {max_depth: 0}\n")
    proc = snakemake(work, "-n", configfiles=("config/test.yaml", "config/bad.yaml"), check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "['bdt']['max_depth']" in output and "less than the minimum of 1" in output


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


def test_weak_study_outputs(e2e):
    md = (e2e / RESULTS / "tables" / "weak_pythia.md").read_text()
    for row in ("| supervised |", "| cwola | 0.80 | 0.20 | 0.60 |", "| llp | 0.80 | 0.60 | 0.20 |"):
        assert row in md
    record = json.loads((e2e / RESULTS / "weak/pythia/cwola_f1_0.8_f2_0.6.json").read_text())
    assert record["seeds"] == [0, 1] and len(record["auc"]) == 2


def test_energyflow_source_plans_verified_downloads(e2e):
    (e2e / "config" / "ef.yaml").write_text("jets: {source: energyflow, energyflow: {n_files: 2}}\n")
    dry = snakemake(e2e, "-n", configfiles=("config/test.yaml", "config/ef.yaml"))
    assert dry.stdout.count("rule download_energyflow") == 2
    assert "resources/energyflow/QG_jets_1.npz" in dry.stdout and "convert_energyflow" in dry.stdout


def test_manifest_traces_every_artifact(e2e):
    manifest = json.loads((e2e / RESULTS / "manifest.json").read_text())
    assert manifest["config"]["version"] == "test"
    assert manifest["packages"]["torch"] and "commit" in manifest["code"]
    files = manifest["files"]
    assert any(p.endswith("seed1.pt") and v["rule"] == "train_nn" for p, v in files.items())
    for path, entry in files.items():
        assert sha256sum(e2e / path) == entry["sha256"], path


def _same(a: Path, b: Path) -> None:
    if a.suffix == ".root" and "jets" in a.parts:
        from hepml.jets.store import read_jets

        ja, jb = read_jets(a), read_jets(b)
        assert all(np.array_equal(ja[k], jb[k]) for k in ja if k != "constituents"), a
        assert ak.all(ja["constituents"].pt == jb["constituents"].pt), a
    elif a.suffix == ".root":
        da, db = read_events(a), read_events(b)
        assert list(da) == list(db) and all(np.array_equal(da[k], db[k]) for k in da), a
    elif a.suffix == ".npz":
        with np.load(a) as fa, np.load(b) as fb:
            assert all(np.array_equal(fa[k], fb[k]) for k in fa.files), a
    elif a.suffix == ".pt":
        sa = torch.load(a, weights_only=True)["state_dict"]
        sb = torch.load(b, weights_only=True)["state_dict"]
        assert all(torch.equal(sa[k], sb[k]) for k in sa), a
    elif a.name.endswith("history.json"):
        ha, hb = json.loads(a.read_text()), json.loads(b.read_text())
        key = "epochs" if "epochs" in ha else "val_auc"
        strip = lambda h: [{k: v for k, v in e.items() if k != "seconds"} for e in h] if key == "epochs" else h  # noqa: E731
        assert strip(ha[key]) == strip(hb[key]), a
    elif a.name == "manifest.json":
        ma, mb = json.loads(a.read_text()), json.loads(b.read_text())
        assert ma["files"].keys() == mb["files"].keys()
    elif a.name.endswith(".model") and a.read_bytes()[:2] == b"PK":  # a torch zip archive
        sa = torch.load(a, weights_only=True)["state_dict"]
        sb = torch.load(b, weights_only=True)["state_dict"]
        assert all(torch.equal(sa[k], sb[k]) for k in sa), a
    elif a.parent.name == "cnn" and a.suffix == ".json":
        ja, jb = json.loads(a.read_text()), json.loads(b.read_text())
        assert ja["auc"] == jb["auc"] and ja["roc"] == jb["roc"], a
    elif a.suffix in (".png", ".pdf"):
        assert b.stat().st_size > 1000
    else:
        assert a.read_bytes() == b.read_bytes(), a


RULE_OUTPUTS = {
    "generate_shard": ["data/susy/pythia/shards/signal_1.root"],
    "merge_shards": ["data/higgs/pythia/events.root"],
    "split": ["data/susy/pythia/split/train.root", "data/susy/pythia/split/val.root", "data/susy/pythia/split/test.root"],
    "plot_features": ["plots/higgs_pythia_features.png", "plots/higgs_pythia_features.pdf"],
    "train_bdt": ["models/higgs/pythia/low/bdt/seed1.json", "models/higgs/pythia/low/bdt/seed1.history.json"],
    "train_nn": ["models/susy/pythia/complete/deep/seed0.pt", "models/susy/pythia/complete/deep/seed0.history.json"],
    "evaluate": ["scores/higgs/pythia/complete/shallow/seed1.npz"],
    "metrics": ["metrics/susy/pythia/low/bdt/seed0.json"],
    "tables": ["tables/higgs_pythia.csv", "tables/higgs_pythia.md", "tables/higgs_pythia.tex"],
    "plot_roc": ["plots/susy_pythia_roc.png", "plots/susy_pythia_roc.pdf"],
    "manifest": ["manifest.json"],
    "generate_jets_shard": ["jets/pythia/shards/gluon_1.root"],
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
        _same(e2e / o, work / o)
