"""Helpers shared by the workflow and cluster tests: copy the workflow, run Snakemake, compare outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import awkward as ak
import numpy as np
import torch

from hepml.store import read_events

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = [sys.executable, "-m", "snakemake"]
RESULTS = "results/test"


def copy_workflow(dest: Path) -> Path:
    """A copy of the workflow's files (not its results) in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "workflow", "profiles", "config", "scripts"):
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


def same_output(a: Path, b: Path) -> None:
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




def outputs_of(workdir: Path) -> list[Path]:
    """Every file under results/, relative to ``workdir`` (logs excluded)."""
    base = workdir / RESULTS
    return sorted(p.relative_to(workdir) for p in base.rglob("*") if p.is_file() and "logs" not in p.parts)
