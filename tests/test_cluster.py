"""Cluster execution: every profile plans the workflow, a killed run resumes to the same outputs,
and a real one-node SLURM cluster runs the workflow with the official executor plugin to the
same outputs as a local run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.cluster.slurm import SlurmCluster, set_up_here, why_not_available
from tests.workflow_helpers import RESULTS, ROOT, SNAKEMAKE, copy_workflow, outputs_of, same_output, snakemake

pytestmark = pytest.mark.workflow

# a small slice of the test config: one dataset, one feature set, two models, one seed, no jets
SLICE = """\
datasets: [susy]
feature_sets: [low]
models: [bdt, shallow]
seeds: [0]
jets: {enabled: false}
weak: {enabled: false}
learning_curve: {enabled: false}
parameterized: {enabled: false}
"""


def _dry_run_jobs(proc) -> dict[str, str]:
    """'rule' or 'rule model' -> the resources line of its first job in a dry run's output."""
    jobs, rule, model = {}, None, None
    for line in proc.stdout.splitlines():
        if line.startswith(("rule ", "localrule ")):
            rule, model = line.split()[-1].rstrip(":"), None
        elif line.strip().startswith("wildcards:") and "model=" in line:
            model = line.split("model=")[1].split(",")[0]
        elif line.strip().startswith("resources:") and rule:
            jobs.setdefault(rule, line.strip())
            if model:
                jobs.setdefault(f"{rule} {model}", line.strip())
    return jobs


@pytest.mark.parametrize("profile", ["default", "workstation", "slurm", "htcondor"])
def test_profile_dry_run(tmp_path, profile):
    work = copy_workflow(tmp_path)
    # the default profile is not named: Snakemake must find it next to the Snakefile by itself
    args = ["-n"] if profile == "default" else ["-n", "--profile", f"workflow/profiles/{profile}"]
    proc = snakemake(work, *args)
    assert "workflow specific profile profiles/default" in proc.stdout + proc.stderr
    jobs = _dry_run_jobs(proc)
    networks = ("train_network deep", "train_network cnn", "train_network dense", "train_network param")
    assert {"generate", "train bdt", "score", *networks} <= set(jobs), jobs
    assert "metrics" not in jobs   # scoring writes the metric records in the same job
    for network in networks:
        assert "gpu=1" in jobs[network]
    for other in ("train bdt", "train multiplicity", "generate", "score"):
        assert "gpu=1" not in jobs[other], other
    if profile == "slurm":
        assert "slurm_partition=main" in jobs["train_network deep"] and "cpus_per_task=4" in jobs["train bdt"]
        assert "mem_mb=32000" in jobs["train_network cnn"] and "mem_mb=16000" in jobs["train bdt"]
    if profile == "htcondor":
        assert "request_gpus=1" in jobs["train_network deep"] and "request_gpus=0" in jobs["train bdt"]
        assert "request_memory=32000" in jobs["train_network deep"]
    # with training.stack_feature_sets the benchmark's networks train in stack jobs (the test
    # config's learning curve has one feature set: nothing to stack), which the profiles treat as
    # train_network
    (work / "config/stack.yaml").write_text("training: {stack_feature_sets: true}\n")
    stacked = _dry_run_jobs(snakemake(work, *args, configfiles=("config/test.yaml", "config/stack.yaml")))
    assert not any(j.startswith("train_network_learning_curve") for j in stacked)
    for rule in ("train_network_benchmark deep", "train_network_benchmark shallow"):
        assert "gpu=1" in stacked[rule], rule
        if profile == "slurm":
            assert "mem_mb=32000" in stacked[rule] and "cpus_per_task=4" in stacked[rule]
        if profile == "htcondor":
            assert "request_memory=32000" in stacked[rule]
    assert "train_network cnn" in stacked   # the other studies' networks train as before


def _running_training_outputs(session: int) -> list[str]:
    """The --output of every live scripts/train.py process in a process session."""
    outputs = []
    for proc_dir in Path("/proc").iterdir():
        if not proc_dir.name.isdigit():
            continue
        try:
            if os.getsid(int(proc_dir.name)) != session:
                continue
            argv = (proc_dir / "cmdline").read_bytes().split(b"\0")
        except (OSError, ProcessLookupError):
            continue
        args = [a.decode() for a in argv if a]
        if any(a.endswith("scripts/train.py") for a in args) and "--models" in args:
            outputs.append(args[args.index("--models") + 1])
    return outputs


@pytest.fixture(scope="module")
def resumed(tmp_path_factory) -> tuple[Path, list[str]]:
    """A second run of the tiny config, SIGKILLed while a training job runs (a half-written model
    left behind), then unlocked and resumed with the plain command."""
    work = copy_workflow(tmp_path_factory.mktemp("resumed"))
    cmd = [*SNAKEMAKE, "--cores", "2", "--configfile", "config/test.yaml"]
    proc = subprocess.Popen(cmd, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline, victims = time.time() + 300, []
    train_logs = work / RESULTS / "logs" / "train"   # a training job's shell creates its log as it starts
    while time.time() < deadline and proc.poll() is None and not victims:
        time.sleep(0.2)
        if not (train_logs.is_dir() and any(train_logs.iterdir())):
            continue
        os.killpg(proc.pid, signal.SIGSTOP)  # frozen: Snakemake cannot record a job as finished
        victims = _running_training_outputs(proc.pid)
        if not victims:
            os.killpg(proc.pid, signal.SIGCONT)
    assert victims, "no training job was caught running"
    half_written = work / victims[0]
    half_written.write_bytes(b"\x80half a pickle")  # what a non-atomic writer would leave
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (work / RESULTS / "manifest.json").exists()
    snakemake(work, "--unlock")
    # without the default profile Snakemake refuses to go on: the model is marked incomplete
    refused = snakemake(work, "-n", "--workflow-profile", "none", check=False)
    assert refused.returncode != 0 and victims[0] in refused.stdout + refused.stderr
    snakemake(work)  # no --rerun-incomplete: profiles/default sets it
    return work, victims


def test_killed_run_resumes_to_the_same_outputs(e2e, resumed):
    """SIGKILL the workflow while a training job runs, leaving a half-written model behind; after
    --unlock the same command (no --rerun-incomplete) redoes it: identical to an uninterrupted run."""
    work, victims = resumed
    produced = outputs_of(work)
    assert produced == outputs_of(e2e)
    for path in produced:
        same_output(e2e / path, work / path)


def test_rerun_reproduces_every_file_the_manifest_calls_reproducible(e2e, resumed):
    """Same config, same machine kind: every file the manifest marks reproducible is byte-identical."""
    work, _ = resumed
    first = json.loads((e2e / RESULTS / "manifest.json").read_text())["files"]
    second = json.loads((work / RESULTS / "manifest.json").read_text())["files"]
    assert first.keys() == second.keys()
    reproducible = [p for p, f in first.items() if f["reproducible"]]
    assert len(reproducible) > 0.95 * len(first)
    differ = [p for p in reproducible if first[p]["sha256"] != second[p]["sha256"]]
    assert not differ, differ


@pytest.fixture(scope="module")
def slurm_cluster(tmp_path_factory):
    reason = why_not_available()
    if reason and set_up_here(ROOT):
        pytest.fail(f".ci/setup set up SLURM on this machine, but no local cluster can start: {reason}")
    if reason:
        pytest.skip(f"no local SLURM cluster: {reason}")
    with SlurmCluster(tmp_path_factory.mktemp("slurm")) as cluster:
        yield cluster


@pytest.mark.slurm
def test_slurm_run_matches_local_run(slurm_cluster, tmp_path):
    local = copy_workflow(tmp_path / "local")
    remote = copy_workflow(tmp_path / "slurm")
    for work in (local, remote):
        (work / "config" / "slice.yaml").write_text(SLICE)
    files = ("config/test.yaml", "config/slice.yaml")
    snakemake(local, configfiles=files)
    env_args = ["--profile", "workflow/profiles/slurm", "--slurm-status-command", "squeue",
                "--slurm-init-seconds-before-status-checks", "1", "--seconds-between-status-checks", "2",
                "--set-resources", *(f"{rule}:{key}" for rule in ("train", "train_network")
                                     for key in ("gpu=0", "mem_mb=1000", "cpus_per_task=1")),
                "--set-threads", "train=1", "train_network=1",
                "--jobs", "4", "--latency-wait", "5"]
    cmd = [*SNAKEMAKE, *env_args, "--configfile", *files]
    proc = subprocess.run(cmd, cwd=remote, env=slurm_cluster.env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    submitted = proc.stdout + proc.stderr
    assert "Job " in submitted and "has been submitted with SLURM jobid" in submitted
    produced = outputs_of(remote)
    assert produced == outputs_of(local)
    for path in produced:
        same_output(local / path, remote / path)
