"""What a user sees and does every day: the console of a run, and the commands docs/everyday.md
documents (one study, dataset or model by name; tables only; fewer seeds without retraining)."""

from __future__ import annotations

import re

import pytest

from tests.workflow_helpers import RESULTS, console_of, copy_workflow, planned_jobs, snakemake

pytestmark = pytest.mark.workflow

TRAINING = {"train", "train_network", "train_network_benchmark", "train_network_learning_curve"}


def test_the_console_shows_each_job_as_one_short_line_and_no_command(e2e):
    console = console_of(e2e).read_text()
    lines = console.splitlines()
    jobs = int(re.search(r"^total\s+(\d+)$", console, re.MULTILINE)[1])
    said = [line for line in lines if re.match(r"Job \d+: ", line)]
    assert len(said) == jobs, f"{len(said)} job lines for {jobs} jobs"
    assert max(map(len, lines)) <= 300, max(lines, key=len)[:400]
    assert len(console.encode()) < 600 * jobs, f"{len(console.encode())} bytes for {jobs} jobs"
    assert not [line for line in lines if line.strip().startswith(("input:", "output:", "shell:", "reason:"))]
    assert "python scripts/" not in console and '{"' not in console   # commands and their JSON stay in the logs
    assert any(re.match(r"Job \d+: train benchmark: higgs \(pythia\), low features, deep, all; seeds 0 1 \(tail -f "
                        rf"{RESULTS}/logs/train/\S+\.log\)$", line) for line in said), said[:20]
    assert re.search(r"^\d+ of \d+ steps \(100%\) done$", console, re.MULTILINE)


@pytest.mark.parametrize("target, rules, absent", [
    ("benchmark_higgs_bdt", {"generate", "merge", "split", "train", "score"}, {"tables", "train_network"}),
    ("benchmark_susy", {"train", "train_network", "score", "tables", "plot_results", "plot_training"}, {"jet_features"}),
    ("jets", {"jet_features", "train", "train_network", "tables"}, {"validate_generation", "plot_features"}),
])
def test_a_study_a_dataset_or_a_model_runs_alone_by_name(tmp_path, target, rules, absent):
    planned = planned_jobs(snakemake(copy_workflow(tmp_path), "-n", target).stdout)
    assert rules <= set(planned) and not absent & set(planned), planned
    assert target in planned and "all" not in planned and "manifest" not in planned


def test_forcerun_tables_remakes_the_tables_and_trains_nothing(e2e_copy):
    planned = planned_jobs(snakemake(e2e_copy, "-n", "--forcerun", "tables").stdout)
    assert set(planned) == {"tables", "manifest", "all"}, planned


def test_fewer_seeds_keep_the_trained_members_and_rescore(e2e_copy):
    """seeds [0, 1] -> [0]: no training job runs (a job's seeds are its output files, not a parameter);
    scoring reruns (its inputs, the models, are fewer), and so do the tables."""
    planned = planned_jobs(snakemake(e2e_copy, "-n", "--config", "seeds=[0]", "replace_version_config=true").stdout)
    assert not TRAINING & set(planned), planned
    assert {"score", "tables", "plot_training"} <= set(planned), planned
