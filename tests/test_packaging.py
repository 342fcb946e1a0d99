"""pyproject.toml, environment.yml and the locks name the same dependencies."""

import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"pytorch": "torch", "python-isal": "isal"}


def _name(spec: str) -> str:
    return re.split(r"[<>=!\[ ]", spec.strip(), maxsplit=1)[0].lower()


def test_environment_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(d) for d in project["dependencies"]} | {_name(d) for d in project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    have = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            have |= {_name(d) for d in dep["pip"] if not d.startswith("-e")}
        elif _name(dep) not in ("python", "pip"):
            have.add(CONDA_NAMES.get(_name(dep), _name(dep)))
    assert have == wanted, f"only in environment.yml: {have - wanted}; only in pyproject.toml: {wanted - have}"


def test_workflow_conda_env_is_environment_yml():
    assert (ROOT / "workflow/envs/hepml.yaml").resolve() == (ROOT / "environment.yml").resolve()


def _lock() -> dict[str, tuple[str, list[str]]]:
    text = (ROOT / "requirements.lock").read_text()
    entries = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)((?: \\\n    --hash=sha256:[0-9a-f]{64})+)", text, re.MULTILINE)
    return {n.lower().replace("_", "-"): (v, re.findall(r"[0-9a-f]{64}", h)) for n, v, h in entries}


def test_the_lock_pins_every_dependency_within_pyproject_ranges_with_hashes():
    from packaging.requirements import Requirement

    lock = _lock()
    text = (ROOT / "requirements.lock").read_text()
    assert len(lock) == text.count("==") and len(lock) > 50  # every entry parsed, each with its hashes
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    for spec in specs:
        req = Requirement(spec)
        name = req.name.lower().replace("_", "-")
        if name == "torch":
            assert name not in lock   # .ci/setup installs the CPU or a CUDA build first
            continue
        assert name in lock, f"{name} is not in requirements.lock"
        assert req.specifier.contains(lock[name][0], prereleases=True), (spec, lock[name][0])


def test_the_manifest_says_which_installed_packages_differ_from_the_lock(tmp_path):
    from importlib import metadata

    from hepml.core.provenance import environment_lock

    numpy = metadata.version("numpy")
    (tmp_path / "requirements.lock").write_text(f"numpy=={numpy} \\\n    --hash=sha256:{'0' * 64}\n"
                                                f"pyyaml==0.0.1 \\\n    --hash=sha256:{'1' * 64}\n")
    lock = environment_lock(tmp_path)
    assert lock["differs"] == {"pyyaml": {"locked": "0.0.1", "installed": metadata.version("pyyaml")}}
    assert len(lock["sha256"]) == 64 and environment_lock(tmp_path / "none") is None


def test_the_lock_is_closed_under_dependencies_and_the_conda_lock_matches_it():
    """conda's pip step installs requirements.lock in hash-checking mode without --no-deps, so every
    dependency of every locked package must itself be locked; environment.lock.yml is what .ci/lock.py
    writes for the Python the lock was resolved with."""
    import importlib.util
    from importlib import metadata

    from packaging.requirements import Requirement

    lock = _lock()
    python = re.search(r"^# Resolved with Python (\d+\.\d+)$", (ROOT / "requirements.lock").read_text(), re.M)
    assert python, "requirements.lock names the Python it was resolved with"
    spec = importlib.util.spec_from_file_location("lock", ROOT / ".ci/lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "environment.lock.yml").read_text() == module.ENVIRONMENT.format(python=python[1])
    if f"{sys.version_info.major}.{sys.version_info.minor}" != python[1]:
        pytest.skip(f"dependency markers are evaluated for Python {python[1]}, this is {sys.version}")
    unlocked = set()
    torch = module.TORCH.split("==")[1]   # the build the lock was resolved with brings its own dependencies
    for name, (version, _) in [*lock.items(), ("torch", (torch, []))]:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue   # a package for another platform
        if name == "torch" and dist.version.split("+")[0] != torch:
            continue   # another (CUDA) build: its dependencies are its own
        assert dist.version.split("+")[0] == version, f"installed {name} {dist.version} is not the locked {version}"
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                dep = req.name.lower().replace("_", "-")
                if dep not in lock and dep != "torch":
                    unlocked.add(f"{name} needs {dep}")
    assert not unlocked, sorted(unlocked)
