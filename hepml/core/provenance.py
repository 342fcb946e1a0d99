"""Provenance manifest of a run: which rule made every file (Snakemake's own record), its SHA-256,
whether a rerun reproduces it byte for byte, the effective config, the code and package versions,
the verified checksums of the source data and the generation records."""

from __future__ import annotations

import base64
import json
import os
import platform
import re
import subprocess
import sys
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from .atomic import read_json, sha256sum, write_json
from .code_deps import fingerprint

PACKAGES = ("hepml", "snakemake", "torch", "xgboost", "numpy", "scikit-learn", "uproot", "awkward",
            "pyhf", "vector", "fastjet", "pythia8mc", "mplhep", "hist", "matplotlib")
# Files a rerun of the same config on a CPU does not reproduce byte for byte: the manifest itself
# (it records when it was made) and logs (progress bars, timings).
NOT_REPRODUCIBLE_PARTS = ("logs", "benchmarks")
NOT_REPRODUCIBLE_NAMES = ("manifest.json",)


def code_version(root: str | os.PathLike = ".") -> dict:
    """Git commit of the code and whether the work tree had uncommitted changes."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    try:
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}


def package_source() -> dict:
    """Where the imported ``hepml`` lives and the SHA-256 of its source (every .py file), so the
    manifest names the code that ran even when it is not a clean git checkout."""
    import hepml

    root = Path(hepml.__file__).resolve().parent
    files = sorted(os.path.relpath(p, root.parent) for p in root.rglob("*.py"))
    return {"path": str(root), "sha256": fingerprint(files, root.parent)}


def check_own_package(workflow_dir: str | os.PathLike) -> None:
    """Refuse to run a workflow with another checkout's ``hepml`` (say, a shared editable install)."""
    import hepml

    imported = Path(hepml.__file__).resolve().parent
    own = (Path(workflow_dir) / "hepml").resolve()
    if imported != own:
        raise RuntimeError(f"this workflow ({workflow_dir}) would run the hepml in {imported}, not its own {own}; "
                           "run it from a complete checkout (Snakefile and hepml/ side by side)")


def environment_lock(workdir: str | os.PathLike = ".") -> dict | None:
    """The dependency lock (requirements.lock): its SHA-256 and the pinned packages whose installed
    version differs (empty when the environment is the locked one)."""
    path = Path(workdir) / "requirements.lock"
    if not path.is_file():
        return None
    differ = {}
    for name, version in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", path.read_text(), re.MULTILINE):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            differ[name] = {"locked": version, "installed": installed}
    return {"file": "requirements.lock", "sha256": sha256sum(path), "differs": differ}


def package_versions() -> dict[str, str | None]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def snakemake_records(workdir: str | os.PathLike = ".") -> dict[str, dict]:
    """{output path: Snakemake's metadata record} from ``.snakemake/metadata``.

    Snakemake names each record by the URL-safe base64 of the output path, split into
    sub-directories when longer than a file name may be.
    """
    base = Path(workdir) / ".snakemake" / "metadata"
    out = {}
    if not base.is_dir():
        return out
    for f in base.rglob("*"):
        if not f.is_file():
            continue
        encoded = "".join(f.relative_to(base).parts)
        try:
            path = base64.urlsafe_b64decode(encoded.encode()).decode()
            out[path] = json.loads(f.read_text())
        except (ValueError, UnicodeDecodeError):
            continue
    return out


def reproducible(path: str) -> bool:
    """Whether a rerun of the same config on a CPU gives this file byte for byte."""
    p = Path(path)
    return not (set(p.parts) & set(NOT_REPRODUCIBLE_PARTS)) and p.name not in NOT_REPRODUCIBLE_NAMES


FORMATS = {
    ".root": "ROOT file (hepml store: uproot TTrees, checksums in the 'hepml' TObjString)",
    ".npz": "numpy .npz",
    ".onnx": "ONNX (input standardisation inside the graph, feature names in metadata_props)",
    ".json": "JSON", ".csv": "CSV", ".md": "Markdown", ".tex": "LaTeX", ".png": "PNG", ".pdf": "PDF",
    ".log": "text log", ".tsv": "Snakemake benchmark (TSV)",
    ".gz": "HEPData submission (tar.gz of YAML, validated by hepdata-validator)",
}


def file_format(path: str | os.PathLike) -> str:
    """What a result file is, for the manifest; a ``.model`` says which library reads it."""
    p = Path(path)
    if p.suffix == ".model":
        with open(p, "rb") as f:
            head = f.read(4096)
        if not head.startswith(b"{"):
            return "PyTorch state dict with its model spec (torch.load, weights_only=True); also as ONNX beside it"
        if b'"learner"' in head:
            return "xgboost JSON (xgboost.Booster.load_model; input names in the attribute hepml_columns)"
        return "JSON (a single-observable tagger: column and sign)"
    return FORMATS.get(p.suffix, p.suffix.lstrip(".") or "file")


def run_files(results: str | os.PathLike, workdir: str | os.PathLike = ".") -> dict[str, dict]:
    """Every existing file under ``results`` that a rule of the workflow made, by Snakemake's record."""
    records = snakemake_records(workdir)
    files = {}
    for path, record in sorted(records.items()):
        p = Path(workdir) / path
        if record.get("incomplete") or not p.is_file():
            continue
        if Path(path).parts[: len(Path(results).parts)] != Path(results).parts:
            continue
        code = sorted(f for f in record.get("input", []) if f.endswith(".py") and Path(workdir, f).is_file())
        files[path] = {"rule": record.get("rule"), "format": file_format(p), "sha256": sha256sum(p),
                       "bytes": p.stat().st_size, "reproducible": reproducible(path),
                       "code_sha256": fingerprint(code, workdir) if code else None}
    return files


def missing_files(results: str | os.PathLike, workdir: str | os.PathLike = ".") -> list[str]:
    """Files under ``results`` that a rule made (by Snakemake's record) and that no longer exist: an
    intermediate deleted after its downstream files were made. ``snakemake --forcerun <rule>`` remakes it."""
    parts = Path(results).parts
    return sorted(path for path, record in snakemake_records(workdir).items()
                  if Path(path).parts[: len(parts)] == parts and not record.get("incomplete")
                  and not (Path(workdir) / path).is_file())


def verified_data(expected: dict[str, str], stamps: dict[str, str]) -> dict[str, dict]:
    """Source data checksums from their verification stamps, each compared with the config's."""
    from .download import check_stamp

    out = {}
    for path, sha in expected.items():
        stamp = read_json(stamps[path])
        if stamp["sha256"] != sha:
            raise ValueError(f"{stamps[path]}: records SHA-256 {stamp['sha256']} for {path}, but the config "
                             f"expects {sha}; delete the stamp to verify the file again")
        out[path] = {"sha256": check_stamp(path, stamps[path]), "bytes": stamp["bytes"]}
    return out


def build_manifest(results: str | os.PathLike, config: dict, expected: dict[str, str], stamps: dict[str, str],
                   workdir: str | os.PathLike = ".") -> dict:
    """The manifest of the run whose results are under ``results``."""
    generation = {}
    for record in sorted(Path(workdir, results).glob("data/*/pythia/generation.json")):
        generation[record.parent.parent.name] = read_json(record)["processes"]
    return {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code": {**code_version(workdir), "package": package_source()},
        "config": config,
        "data": verified_data(expected, stamps),
        "generation": generation,
        "packages": package_versions(),
        "lock": environment_lock(workdir),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "files": run_files(results, workdir),
        "missing": missing_files(results, workdir),
    }


def write_manifest(path: str | os.PathLike, manifest: dict) -> None:
    write_json(path, manifest)
