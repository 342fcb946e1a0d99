"""Hostile inputs against the whole workflow: names that try to run commands, paths that try to
leave the project, source files that are not what the config says, garbled intermediates,
deleted results and degenerate data. Each fails early with one clear line, or is redone."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hepml.core.store import write_events
from tests.conftest import uci_text
from tests.workflow_helpers import RESULTS, ROOT, copy_workflow, snakemake, write_uci_config

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
    """In every rule, {input}, {output}, {log} and string params reach the shell as {x:q}."""
    numeric = {"threads", "params.events", "params.seed", "params.retries", "params.timeout",
               "params.max_events", "params.half_width", "params.resident_gb"}
    unquoted = []
    for rules in (ROOT / "workflow" / "rules").glob("*.smk"):
        for m in re.finditer(r"\{((input|output|log|params|threads|resources)[A-Za-z0-9_.]*)(:q)?\}", rules.read_text()):
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


@pytest.fixture
def e2e_copy(e2e, tmp_path) -> Path:
    work = tmp_path / "w"
    shutil.copytree(e2e, work, symlinks=True)
    return work


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
    from hepml.benchmark.columns import columns

    cols = columns("susy")
    write_events(train, {c: (np.zeros(50, np.int32) if c == "label" else np.random.default_rng(0).normal(size=50))
                         for c in cols})
    spec = {"kind": "bdt", "config": {"n_estimators": 5, "max_depth": 2, "learning_rate": 0.3,
                                      "early_stopping_rounds": 2, "subsample": 1.0, "device": "cpu"}}
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/train.py"), "--dataset", "susy", "--feature-set", "low",
                           "--spec", json.dumps(spec), "--task", "all", "--task-config", "{}",
                           "--train", str(train), "--val", str(train), "--seeds", "0", "--threads", "1", "--no-ensemble",
                           "--no-cuda-graph", "--resident-gb", "1", "--onnx",
                           "--models", str(tmp_path / "m.model"), "--histories", str(tmp_path / "h.json")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"error: {train}: no signal (label 1) events among its 50; a classifier needs both classes "
        "(is the sample or the split too small?)"]
    assert not (tmp_path / "m.model").exists()
