"""Re-resolve requirements.lock: the exact version of every dependency of hepml (test and cluster
extras included, PyTorch excluded: .ci/setup installs it first, CPU or CUDA build) with the SHA-256
of every file PyPI has for that version, so `pip install --require-hashes` accepts the wheel for
any platform and Python that PyPI serves, and nothing else.

    .venv/bin/python .ci/lock.py          # then commit requirements.lock and environment.lock.yml

The lock is closed under dependencies (pip's hash-checking mode installs it without --no-deps, as
conda's pip step does).

Needs the package index (pip's dry-run resolution) and pypi.org's simple JSON API for the hashes."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TORCH = "torch==2.13.0"  # the CPU build CI uses; only its own dependencies enter the lock
SKIP = {"hepml", "torch"}


def resolve() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
                        "--report", str(report), f"{ROOT}[test,cluster]", TORCH], check=True)
        return json.loads(report.read_text())["install"]


def pypi_hashes(name: str, version: str) -> set[str]:
    """SHA-256 of every file (wheels for each platform and Python, sdist) PyPI has for name==version."""
    from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
    from packaging.version import Version

    request = urllib.request.Request(f"https://pypi.org/simple/{canonicalize_name(name)}/",
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=60) as r:
        files = json.load(r)["files"]
    out = set()
    for f in files:
        try:
            parsed = (parse_wheel_filename(f["filename"]) if f["filename"].endswith(".whl")
                      else parse_sdist_filename(f["filename"]))
        except ValueError:
            continue
        if parsed[1] == Version(version) and "sha256" in f["hashes"]:
            out.add(f["hashes"]["sha256"])
    return out


def main() -> None:
    lines, pins = [], {}
    for item in sorted(resolve(), key=lambda i: i["metadata"]["name"].lower()):
        name, version = item["metadata"]["name"].lower(), item["metadata"]["version"]
        if name in SKIP:
            continue
        hashes = set(item["download_info"].get("archive_info", {}).get("hashes", {}).values())
        try:
            hashes |= pypi_hashes(name, version)
        except OSError as err:
            print(f"warning: {name} {version}: no PyPI hashes ({err}); keeping the resolved file's only")
        pins[name] = version
        lines.append(f"{name}=={version} \\\n" + " \\\n".join(f"    --hash=sha256:{h}" for h in sorted(hashes)))
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    header = ("# Exact versions and file hashes of hepml's dependencies (PyTorch apart), used by .ci/setup.\n"
              "# Re-resolve with: .venv/bin/python .ci/lock.py   (see docs/provenance.md, 'Reproducible environment')\n"
              f"# Resolved with Python {python}\n")
    (ROOT / "requirements.lock").write_text(header + "\n".join(lines) + "\n")
    (ROOT / "environment.lock.yml").write_text(ENVIRONMENT.format(python=python))
    print(f"requirements.lock: {len(lines)} packages; environment.lock.yml: Python {python}")


ENVIRONMENT = """\
# The locked conda route, written by .ci/lock.py beside requirements.lock (do not edit by hand):
# conda gives the Python the lock was resolved with, pip installs every dependency at the lock's
# exact version and SHA-256 (hash-checking mode, which admits no editable install and no package
# without a hash). Then PyTorch (the CPU build, or any CUDA build) and hepml itself:
#   conda env create -f environment.lock.yml && conda activate hepml-locked
#   pip install torch==2.13.0 && pip install --no-deps -e .
# environment.yml is the unlocked route (conda-forge packages within pyproject.toml's ranges).
name: hepml-locked
channels:
  - conda-forge
dependencies:
  - python={python}
  - pip
  - pip:
      - -r requirements.lock
"""


if __name__ == "__main__":
    main()
