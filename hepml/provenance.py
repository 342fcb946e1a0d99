"""Provenance manifest: what made every artifact of a run."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from .download import sha256sum
from .store import atomic_output

PACKAGES = ("hepml", "snakemake", "torch", "xgboost", "numpy", "scikit-learn", "uproot", "awkward",
            "pyhf", "vector", "fastjet", "pythia8mc", "mplhep", "hist")


def code_version(root: str | os.PathLike = ".") -> dict:
    """Git commit of the code and whether the work tree had uncommitted changes."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    try:
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}


def package_versions() -> dict[str, str | None]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def build_manifest(artifacts: dict[str, list[str]], config: dict, inputs: list[str] | None = None,
                   root: str | os.PathLike = ".") -> dict:
    """Manifest of ``artifacts`` (rule name -> files) with checksums and the environment."""
    files = {}
    for rule, paths in sorted(artifacts.items()):
        for p in paths:
            files[str(p)] = {"rule": rule, "sha256": sha256sum(p), "bytes": Path(p).stat().st_size}
    return {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code": code_version(root),
        "config": config,
        "data": {str(p): sha256sum(p) for p in inputs or []},
        "packages": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "files": files,
    }


def write_manifest(path: str | os.PathLike, manifest: dict) -> None:
    with atomic_output(path) as tmp:
        Path(tmp).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
