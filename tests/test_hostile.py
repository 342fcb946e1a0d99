"""Hostile inputs against the whole workflow: names that try to run commands, paths that try to
leave the project, source files that are not what the config says, garbled intermediates,
deleted results and degenerate data. Each fails early with one clear line, or is redone."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hepml.core.store import write_events
from tests.conftest import uci_text
from tests.workflow_helpers import RESULTS, ROOT, copy_workflow, planned_jobs, snakemake, write_uci_config

pytestmark = pytest.mark.workflow

def _uci_config(work: Path, name="HIGGS.csv.gz", sha="0" * 64, directory="resources/uci") -> None:
    write_uci_config(work, sha, [{"url": "http://127.0.0.1:9/HIGGS.csv.gz"}], name=name, directory=directory)


def _run(work: Path, *args: str):
    return snakemake(work, *args, configfiles=("config/test.yaml", "config/uci.yaml"), check=False)


def test_a_name_that_tries_to_run_a_command_fails_the_schema_and_never_runs(tmp_path):
    work = copy_workflow(tmp_path / "w")
    _uci_config(work, name="H.csv.gz; touch PWNED #")
    for args in (("-n",), ()):
        proc = _run(work, *args)
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0
        assert "config key uci.files.higgs.name: 'H.csv.gz; touch PWNED #' is not allowed" in out
    assert not list(tmp_path.rglob("PWNED")) and not (work / "results").exists()


def test_every_shell_substitution_is_quoted():
    """In every rule, {input}, {output}, {log} and string params reach the shell as {x:q} (a job's
    console message, never run, may name them as they are)."""
    numeric = {"threads", "params.events", "params.seed", "params.retries", "params.timeout",
               "params.max_events", "params.half_width", "params.resident_gb"}
    unquoted = []
    for rules in (ROOT / "workflow" / "rules").glob("*.smk"):
        text = re.sub(r"job_message\((?:[^()]|\([^()]*\))*\)", "", rules.read_text())
        for m in re.finditer(r"\{((input|output|log|params|threads|resources)[A-Za-z0-9_.]*)(:q)?\}", text):
            if not m.group(3) and m.group(1) not in numeric:
                unquoted.append(f"{rules.name}: {m.group(0)}")
    assert not unquoted, unquoted


@pytest.mark.parametrize("override, key", [
    ({"uci": {"dir": "../escape"}}, "uci.dir"),
    ({"version": ".."}, "version"),
    ({"generation": {"susy": {"slha": "../../etc/passwd"}}}, "generation.susy.slha"),
])
def test_paths_that_leave_the_project_are_refused_before_anything_runs(tmp_path, override, key):
    work = copy_workflow(tmp_path / "w")
    (work / "config" / "escape.yaml").write_text(json.dumps(override))
    proc = snakemake(work, configfiles=("config/test.yaml", "config/escape.yaml"), check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and f"config key {key}:" in out
    assert not (tmp_path / "escape").exists() and not (work / "results").exists()


def test_a_source_file_placed_by_hand_is_verified_before_conversion(tmp_path):
    """A file already in the download folder is converted only if its SHA-256 matches the config."""
    work = copy_workflow(tmp_path / "w")
    text, _ = uci_text(3000, 29, seed=5)
    body = gzip.compress(text)
    (work / "resources/uci").mkdir(parents=True)
    (work / "resources/uci/HIGGS.csv.gz").write_bytes(body)
    _uci_config(work, sha=hashlib.sha256(b"something else").hexdigest())
    proc = _run(work)
    assert proc.returncode != 0
    log = (work / "resources/uci/logs/verify_HIGGS.csv.gz.log").read_text()
    assert "resources/uci/HIGGS.csv.gz: SHA-256 is " + hashlib.sha256(body).hexdigest() in log
    assert not (work / RESULTS / "data/higgs/uci/events.root").exists()
    # with the right checksum the same file is verified once (a stamp) and converted
    _uci_config(work, sha=hashlib.sha256(body).hexdigest())
    proc = _run(work, f"{RESULTS}/data/higgs/uci/events.root")
    assert proc.returncode == 0, proc.stderr[-2000:]
    stamp = json.loads((work / "resources/uci/.HIGGS.csv.gz.sha256").read_text())
    assert stamp["sha256"] == hashlib.sha256(body).hexdigest()
    again = _run(work, "-n", f"{RESULTS}/data/higgs/uci/events.root")
    assert "verify_download" not in again.stdout  # not hashed again
    # a file replaced after verification by one with an older mtime (cp -p, rsync -a) is not converted
    source = work / "resources/uci/HIGGS.csv.gz"
    old = source.stat()
    source.unlink()
    source.write_bytes(gzip.compress(uci_text(3000, 29, seed=6)[0]))
    os.utime(source, ns=(old.st_atime_ns - 10**11, old.st_mtime_ns - 10**11))
    assert "verify_download" not in _run(work, "-n", f"{RESULTS}/data/higgs/uci/events.root").stdout
    proc = _run(work, "--forcerun", "convert", f"{RESULTS}/data/higgs/uci/events.root")
    log = (work / RESULTS / "logs/convert_higgs_uci.log").read_text()
    assert proc.returncode != 0 and "was replaced after verification" in log, log[-500:]


def test_a_garbled_split_stops_training_naming_the_file(e2e_copy):
    split = e2e_copy / RESULTS / "data/susy/pythia/split/train.root"
    raw = bytearray(split.read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 8] = bytes(b ^ 0x5A for b in raw[middle : middle + 8])
    split.write_bytes(bytes(raw))
    model = f"{RESULTS}/models/benchmark/susy/pythia/low/bdt/all/seed0.model"
    proc = snakemake(e2e_copy, model, "--force", "--allowed-rules", "train", check=False)
    assert proc.returncode != 0
    log = (e2e_copy / RESULTS / "logs/train/benchmark_susy_pythia_low_bdt_all.log").read_text().strip().splitlines()
    assert re.match(r"error: .*split/train.root: .*(checksum|corrupt)", log[-1]), log[-3:]


def test_a_deleted_model_is_remade_and_the_manifest_follows(e2e_copy):
    relative = f"{RESULTS}/models/benchmark/higgs/pythia/complete/deep/all/seed1.model"
    model = e2e_copy / relative
    model.unlink()
    dry = snakemake(e2e_copy, "-n")
    assert relative in dry.stdout
    snakemake(e2e_copy)
    manifest = json.loads((e2e_copy / RESULTS / "manifest.json").read_text())
    assert model.exists() and manifest["files"][relative]["rule"] == "train_network"
    assert all((e2e_copy / p).exists() for p in manifest["files"])


def test_a_split_without_signal_gives_one_line_naming_the_file(tmp_path):
    train = tmp_path / "train.root"
    from hepml.core.datasets import columns

    cols = columns("susy")
    write_events(train, {c: (np.zeros(50, np.int32) if c == "label" else np.random.default_rng(0).normal(size=50))
                         for c in cols})
    spec = {"kind": "bdt", "config": {"n_estimators": 5, "max_depth": 2, "learning_rate": 0.3,
                                      "early_stopping_rounds": 2, "subsample": 1.0, "device": "cpu"}}
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/train.py"), "--dataset", "susy", "--feature-set", "low",
                           "--spec", json.dumps(spec), "--task", "all", "--task-config", "{}",
                           "--train", str(train), "--val", str(train), "--seeds", "0", "--threads", "1", "--no-ensemble",
                           "--no-cuda-graph", "--resident-gb", "1", "--no-export-onnx",
                           "--models", str(tmp_path / "m.model"), "--histories", str(tmp_path / "h.json")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"error: {train}: no signal (label 1) events among its 50; a classifier needs both classes "
        "(too few events: raise generation.events_per_shard, or the part's share in split.* or limits)"]
    assert not (tmp_path / "m.model").exists()


def test_a_version_made_with_another_config_is_not_overwritten(e2e_copy):
    """Rerunning results/test with different values stops before any job, naming the keys; a new
    version, or the explicit override, runs."""
    lock = json.loads((e2e_copy / RESULTS / "config.lock.json").read_text())
    assert lock["version"] == "test" and lock["config"]["seeds"] == [0, 1] and "commit" in lock["code"]
    (e2e_copy / "config" / "other.yaml").write_text('limits: {train: 100}\nbdt: {max_depth: 2}\n')
    files = ("config/test.yaml", "config/other.yaml")
    proc = snakemake(e2e_copy, "-n", configfiles=files, check=False)
    assert proc.returncode != 0
    assert re.search(r"config: results/test was made with a different config \(bdt.max_depth, limits.train differ",
                     proc.stdout + proc.stderr), (proc.stdout + proc.stderr)[-2000:]
    assert "Job stats" not in proc.stdout
    assert "rule split" in snakemake(e2e_copy, "-n", "--config", "version=other", configfiles=files).stdout
    override = snakemake(e2e_copy, "-n", "--config", "replace_version_config=true", configfiles=files)
    assert "rule split" in override.stdout and "rule generate" not in override.stdout
    assert snakemake(e2e_copy, "-n", "--config", "uci={retries: 9}").returncode == 0  # fetching keys are free


def test_editing_a_module_reruns_exactly_the_jobs_whose_scripts_import_it(e2e_copy):
    link = e2e_copy / "hepml"
    link.unlink()
    shutil.copytree(ROOT / "hepml", link)   # a private copy to edit (mtimes kept)
    assert planned_jobs(snakemake(e2e_copy, "-n").stdout) == {}
    tables = link / "core" / "tables.py"
    tables.write_text(tables.read_text() + "\n# edited\n")
    # hepml.core.tables is imported by scripts/report.py (tables, plots, feature plots, training curves,
    # the seed ensembles' calibration), scripts/hepdata.py and scripts/mismodelling.py (the mis-modelled
    # jets' validation); the manifest follows every file
    planned = planned_jobs(snakemake(e2e_copy, "-n").stdout)
    assert set(planned) == {"tables", "plot_results", "plot_features", "plot_training", "plot_calibration", "hepdata",
                            "validate_mismodelling", "manifest", "all"}, planned
    snakemake(e2e_copy, "--touch")
    snakemake(e2e_copy, f"{RESULTS}/manifest.json", "--forcerun", "manifest")
    manifest = json.loads((e2e_copy / RESULTS / "manifest.json").read_text())
    assert manifest["code"]["package"]["path"] == str(link.resolve())  # the code that ran, not the install's
    ragged = link / "benchmark" / "generation" / "ragged.py"
    ragged.write_text(ragged.read_text() + "\n# edited\n")
    planned = planned_jobs(snakemake(e2e_copy, "-n").stdout)
    assert {"generate", "merge", "validate_generation"} <= set(planned) and "download" not in planned, planned


def test_the_manifest_lists_files_that_no_longer_exist(e2e_copy):
    split = f"{RESULTS}/data/susy/pythia/split/val.root"
    (e2e_copy / split).unlink()
    snakemake(e2e_copy, f"{RESULTS}/manifest.json", "--forcerun", "manifest")
    manifest = json.loads((e2e_copy / RESULTS / "manifest.json").read_text())
    assert split in manifest["missing"] and split not in manifest["files"]
    files = manifest["files"]
    table, events = (files[f"{RESULTS}/{p}"]["code_sha256"] for p in ("tables/benchmark_susy_pythia.csv",
                                                                       "data/susy/pythia/events.root"))
    assert len(table) == 64 and len(events) == 64 and table != events  # report.py's code, merge.py's code
