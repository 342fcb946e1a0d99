"""Every planned job's command fits the operating system's limits, at the largest shipped scale.

A job's shell command reaches the kernel as one argument of ``bash -c``, and Linux caps one argument
at 32 pages (MAX_ARG_STRLEN, 128 kB): at config/scale.yaml with ten seeds the HEPData job's list of
record files was 133 kB and failed at the very end, after all training. Long lists now travel in
files (``@file`` arguments)."""

import os
import re

import pytest

from tests.workflow_helpers import copy_workflow, snakemake

pytestmark = pytest.mark.workflow

MAX_ARG_STRLEN = 32 * 4096  # linux/binfmts.h: the longest single argument execve accepts


def test_the_largest_shipped_config_with_20_seeds_plans_commands_within_the_os_limits(tmp_path):
    work = copy_workflow(tmp_path)
    seeds = ",".join(str(s) for s in range(20))
    proc = snakemake(work, "-n", "-p", "--config", f"seeds=[{seeds}]", "version=argtest",
                     configfiles=("config/scale.yaml",))
    commands = re.findall(r"^Shell command: (.*)$", proc.stdout, re.MULTILINE)
    assert len(commands) > 500  # every job of the plan printed its command
    longest = max(commands, key=len)
    env = sum(len(k) + len(v) + 2 for k, v in os.environ.items())
    assert len(longest.encode()) < MAX_ARG_STRLEN // 4, longest[:200]
    assert len(longest.encode()) + env < os.sysconf("SC_ARG_MAX") // 2
    assert any("--studies @" in c for c in commands) and any("--metrics @" in c for c in commands)
