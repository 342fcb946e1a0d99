"""Helpers shared by the workflow and cluster tests: copy the workflow, run Snakemake, compare outputs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = [sys.executable, "-m", "snakemake"]
RESULTS = "results/test"


def copy_workflow(dest: Path) -> Path:
    """A copy of the workflow's files (not its results) in ``dest``, its ``hepml`` a link to this one."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "workflow", "profiles", "config", "scripts"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, symlinks=True)
        else:
            shutil.copy2(src, dest / name)
    shutil.copy2(ROOT / "environment.yml", dest / "environment.yml")
    (dest / "hepml").symlink_to(ROOT / "hepml", target_is_directory=True)  # the workflow's own package
    return dest


def snakemake(workdir: Path, *args: str, configfiles=("config/test.yaml",), check: bool = True,
              cores: int = 2, details: bool = True) -> subprocess.CompletedProcess:
    """Snakemake in ``workdir``; ``details``: the full job blocks (inputs, outputs, wildcards) that
    tests read, instead of the one-line messages a user's console shows (HEPML_JOB_DETAILS)."""
    cmd = [*SNAKEMAKE, *args, "--cores", str(cores), "--configfile", *configfiles]
    env = {**os.environ, "HEPML_JOB_DETAILS": "1" if details else "0"}
    proc = subprocess.run(cmd, cwd=workdir, capture_output=True, text=True, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    return proc


def write_uci_config(work: Path, sha: str, mirrors: list[dict], name: str = "HIGGS.csv.gz",
                     directory: str = "resources/uci", retries: int = 0, timeout: int = 5,
                     learning_curve: bool = False) -> None:
    """``config/uci.yaml`` (JSON, which YAML reads) for a small HIGGS run on the UCI source over
    config/test.yaml: one BDT on low-level features, one seed, 2000/300/700 events; the jets, weak
    supervision and parameterized studies off, the learning curve only on request."""
    config = {
        "source": "uci", "datasets": ["higgs"], "feature_sets": ["low"], "models": ["bdt"], "seeds": [0],
        "jets": {"enabled": False}, "weak": {"enabled": False}, "parameterized": {"enabled": False},
        "split": {"uci": {"higgs": {"train": 2000, "val": 300, "test": 700}}},
        "uci": {"dir": directory, "retries": retries, "timeout": timeout,
                "files": {"higgs": {"name": name, "sha256": sha, "mirrors": mirrors}}},
    }
    if not learning_curve:
        config["learning_curve"] = {"enabled": False}
    (work / "config" / "uci.yaml").write_text(json.dumps(config, indent=1))


def same_output(a: Path, b: Path) -> None:
    """The same content: byte for byte, except figures (their size) and the manifest (the same files)."""
    if a.name == "manifest.json":
        ma, mb = json.loads(a.read_text()), json.loads(b.read_text())
        assert ma["files"].keys() == mb["files"].keys()
    elif a.suffix in (".png", ".pdf"):
        assert b.stat().st_size > 1000
    else:
        assert a.read_bytes() == b.read_bytes(), a


def outputs_of(workdir: Path) -> list[Path]:
    """Every file under results/, relative to ``workdir`` (logs and timings excluded)."""
    base = workdir / RESULTS
    return sorted(p.relative_to(workdir) for p in base.rglob("*")
                  if p.is_file() and not {"logs", "benchmarks"} & set(p.relative_to(base).parts))


def console_of(work: Path) -> Path:
    """Where the end-to-end fixture keeps the console of its run (beside the run, outside its tree)."""
    return work.parent / f"{work.name}.console.txt"


def planned_jobs(dry_run_stdout: str) -> dict[str, int]:
    """{rule: planned jobs} from the job-stats table of a dry run (empty when nothing is planned)."""
    table = dry_run_stdout.split("Job stats:")[1].split("Reasons:")[0] if "Job stats:" in dry_run_stdout else ""
    return {m[0]: int(m[1]) for m in re.findall(r"^(\w+)\s+(\d+)\s*$", table, re.MULTILINE) if m[0] != "total"}
