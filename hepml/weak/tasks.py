"""Names of the weak-supervision tasks: ``<method>_<f1>_<f2>`` (e.g. ``cwola_0.8_0.2``)."""

from __future__ import annotations

import re

import numpy as np

TITLE = "Weak supervision on quark/gluon jets (AUC on truth-labelled test jets)"
WEAK_TASK = re.compile(r"^(cwola|llp)_([0-9.]+)_([0-9.]+)$")


def method_and_fractions(task: str) -> tuple[str, float | None, float | None]:
    """("cwola", 0.8, 0.2) from "cwola_0.8_0.2"; (task, None, None) for any other task (the supervised reference)."""
    m = WEAK_TASK.match(task)
    return (m.group(1), float(m.group(2)), float(m.group(3))) if m else (task, None, None)


def decimal(x: float) -> str:
    """``x`` in plain decimal digits, never an exponent (1e-05 would break the task wildcard); two
    different floats never give the same text (the shortest repr that round-trips)."""
    return np.format_float_positional(float(x), trim="-")
