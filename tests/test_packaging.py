"""pyproject.toml and environment.yml name the same dependencies."""

import re
import tomllib
from pathlib import Path

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
