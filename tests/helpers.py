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
