"""The mis-modelled quark/gluon data samples: their names and generation settings.

The data generated with ``mismodelling.parameter`` at value ``v`` are the source ``alt_<v>`` of the
quark/gluon dataset, and a simulation-trained cell scored on them has the evaluation ``alt_<v>``
(``hepml.weak.mismodelling``: the study).
"""

from __future__ import annotations

import re

from .tasks import decimal

ALT_PREFIX = "alt_"
SOURCE_PATTERN = r"alt_[0-9]+(?:\.[0-9]+)?"   # a wildcard constraint: the names alt_source gives
_ALT = re.compile(rf"^{SOURCE_PATTERN}$")


def alt_source(value: float) -> str:
    """The source (and evaluation) name of the data generated with the parameter at ``value``."""
    return f"{ALT_PREFIX}{decimal(value)}"


def alt_value(name: str) -> float | None:
    """The parameter value of a data sample's name (``alt_0.15`` -> 0.15); None for any other name."""
    return float(name.removeprefix(ALT_PREFIX)) if _ALT.match(name) else None


def is_alt(name: str) -> bool:
    return alt_value(name) is not None


def nominal_value(parameter: str, nominal: float | None) -> float:
    """The parameter's value in the simulation: ``nominal`` where jets.generation.parameters sets it,
    else Pythia's default."""
    if nominal is not None:
        return float(nominal)
    from ..core.pythia import default_parameter

    return default_parameter(parameter)


def data_generation(nominal: dict, parameter: str, value: float) -> dict:
    """The jets' generation settings of the data at ``value``: the simulation's, one parameter changed."""
    return {**nominal, "parameters": {**nominal["parameters"], parameter: float(value)}}
