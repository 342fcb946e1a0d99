"""The mass grid of the parameterized study and how each event gets its mass input.

Signal is generated at each H0 mass of ``parameterized.masses`` with m(H+-) = m(H0) - ``hpm_gap``
and m(h) from ``generation.higgs.masses.h`` (the benchmark point 425/325/125 GeV lies on this
line for the default gap of 100 GeV). A signal event's mass input is its H0 mass; a background
event gets a mass drawn from the masses of the training signal, in proportion to their events,
as in the paper, so the mass alone says nothing about the class.
"""

from __future__ import annotations

import re

import numpy as np

MASS_TASK = re.compile(r"^m([0-9]+(?:\.[0-9]+)?)$")


def higgs_masses(h0: float, cfg: dict, h: float) -> dict:
    """{H0, Hpm, h} of a grid point."""
    return {"H0": float(h0), "Hpm": float(h0) - cfg["hpm_gap"], "h": float(h)}


def training_masses(cfg: dict) -> list[float]:
    """The grid without the held-out points (what the parameterized network is trained on)."""
    return [float(m) for m in cfg["masses"] if m not in cfg["held_out"]]


def draw_background_masses(n: int, masses: list[float], weights: list[float], rng: np.random.Generator) -> np.ndarray:
    """``n`` masses drawn from ``masses`` with probabilities proportional to ``weights``."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(np.asarray(masses, dtype=float), size=n, p=p / p.sum())


def mass_of(task_or_evaluation: str) -> float | None:
    """The mass of ``m<mass>`` (a dedicated task or an evaluation point), else None."""
    m = MASS_TASK.match(task_or_evaluation)
    return float(m.group(1)) if m else None


def select(x: np.ndarray, y: np.ndarray, mass: np.ndarray, signal_masses: list[float], set_mass: float | None = None,
           mass_column: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Signal events whose mass is in ``signal_masses`` and every background event; with
    ``set_mass`` the mass input (column ``mass_column``) of every kept event is set to it."""
    keep = (y == 0) | np.isin(mass, np.asarray(signal_masses, dtype=mass.dtype))
    x, y = x[keep], y[keep]
    if set_mass is not None and mass_column is not None:
        x = x.copy()
        x[:, mass_column] = set_mass
    return np.ascontiguousarray(x), y
