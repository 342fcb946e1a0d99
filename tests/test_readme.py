"""Every ``snakemake`` and ``python`` command in the fenced blocks of the README and of every page
under ``docs/`` is exercised, so a documented command cannot rot: Snakemake commands as dry runs (``-n``; the real runs need the
network or hours) in a copy of the workflow, ``--report`` on the tiny end-to-end run, benchmark
and script commands by their options (each documented flag must be one the script accepts; the
benchmarks themselves run in test_benchmarks.py), pytest commands by collecting what they select.
Every relative link of those pages leads to a file that exists, and an anchor to a heading of it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workflow_helpers import copy_workflow

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def fenced_commands(text: str) -> list[str]:
    """Commands of the ```bash blocks: continuation lines joined, comments dropped, split at &&."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            if line and not line.startswith("#"):
                out += [c.strip() for c in line.split("&&")]
    return out


def without_env(command: str) -> tuple[dict, list[str]]:
    """({VAR: value} of the leading assignments, the command's words)."""
    words = shlex.split(command)
    env = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        key, _, value = words.pop(0).partition("=")
        env[key] = value
    return env, words


COMMANDS = [c for page in PAGES for c in fenced_commands(page.read_text())]
SNAKEMAKE = [c for c in COMMANDS if without_env(c)[1][0].endswith("snakemake")]
PYTHON = [c for c in COMMANDS if without_env(c)[1][0].endswith("python") and " -m pytest" not in c]
PYTEST = [c for c in COMMANDS if " -m pytest" in c]


def test_the_readme_starts_with_the_two_commands_and_ci_runs_the_second():
    quick = fenced_commands(README)[:2]
    assert quick[0] == "bash .ci/setup" and "snakemake --cores all" in quick[1], quick
    first_block = re.findall(r"```bash\n(.*?)```", README, re.S)[0]
    lines = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert len(lines) == 2, "the README starts with two commands"
    ci = (ROOT / ".ci" / "run").read_text()
    assert lines[1] in ci, f"CI does not run the README's test command {lines[1]!r}"
    assert len(SNAKEMAKE) >= 5 and len(PYTHON) >= 5


@pytest.mark.workflow
@pytest.mark.parametrize("command", SNAKEMAKE)
def test_snakemake_command_plans(command, tmp_path, e2e):
    env, args = without_env(command)
    args = args[1:]
    if "--report" in args:
        work, args = e2e, [*args, "--configfile", "config/test.yaml"]
        args[args.index("--report") + 1] = str(tmp_path / "report.html")
    else:
        work, args = copy_workflow(tmp_path), [*args, "-n"]
        if "--unlock" in args:
            args.remove("-n")
    proc = subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=work, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **env})
    assert proc.returncode == 0, f"{command}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    if "--report" in args:
        assert (tmp_path / "report.html").stat().st_size > 100_000


@pytest.mark.parametrize("command", PYTHON)
def test_python_command_takes_its_documented_options(command):
    args = shlex.split(command)[1:]
    script = ROOT / args[0]
    assert script.is_file(), command
    helped = subprocess.run([sys.executable, str(script), "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert helped.returncode == 0, helped.stderr[-2000:]
    for flag in (a.split("=")[0] for a in args[1:] if a.startswith("--")):
        assert re.search(rf"(^|\s){re.escape(flag)}\b", helped.stdout), f"{command}: {flag} is not an option"


@pytest.mark.parametrize("command", PYTEST)
def test_pytest_command_selects_tests(command):
    args = shlex.split(command)[3:]
    proc = subprocess.run([sys.executable, "-m", "pytest", *args, "--collect-only", "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert re.search(r"\d+ tests? collected|\d+/\d+ tests collected", proc.stdout), proc.stdout[-500:]


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors of a Markdown page's headings."""
    titles = re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", page.read_text(), flags=re.S), re.M)
    return {re.sub(r"[^\w\- ]", "", t.strip().lower()).replace(" ", "-") for t in titles}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(page):
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name}: {target} does not exist"
        assert linked.is_relative_to(ROOT), f"{page.name}: {target} leaves the project"
        if anchor:
            assert anchor in _anchors(linked), f"{page.name}: {target}: no such heading"


def test_the_readme_fits_on_a_page_and_links_every_docs_page():
    assert len(README.splitlines()) <= 120
    index = (ROOT / "docs" / "README.md").read_text()
    for page in (ROOT / "docs").glob("*.md"):
        if page.name != "README.md":
            assert f"]({page.name})" in index, f"docs/README.md does not link {page.name}"
