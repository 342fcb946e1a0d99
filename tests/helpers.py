"""Small helpers shared by the unit tests: the schema's default configuration."""

from __future__ import annotations

import copy
from functools import lru_cache

from hepml.core.config import SCHEMA, check_schema, load_schema


@lru_cache(maxsize=1)
def _defaults() -> dict:
    return check_schema({}, load_schema(SCHEMA))


def default_config() -> dict:
    """The validated configuration with every default from the schema (a fresh copy)."""
    return copy.deepcopy(_defaults())


def detector_card(**overrides) -> dict:
    """The default detector card; ``overrides`` replace whole sections or keys, e.g. met={...}."""
    card = default_config()["detector"]
    for section, values in overrides.items():
        card[section] = {**card[section], **values}
    return card


def susy_sample(path, n: int, seed: int, shift: float = 0.8) -> dict:
    """A store file of ``n`` SUSY-shaped events whose every feature is a unit Gaussian moved by
    ``shift`` for signal; returns the columns written."""
    import numpy as np

    from hepml.core.datasets import columns
    from hepml.core.store import write_events

    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(np.int32)
    data = {c: (y if c == "label" else (rng.normal(size=n) + shift * y).astype(np.float32)) for c in columns("susy")}
    write_events(path, data)
    return data
