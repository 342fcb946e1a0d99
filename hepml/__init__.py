"""hepml: a reproducible deep-learning-in-HEP benchmark workflow.

The public API is :func:`load_model` (see :mod:`hepml.api`); the ``hepml`` command is
:mod:`hepml.command`. Both load lazily, so ``import hepml`` stays light.
"""

__version__ = "0.1.0"
__all__ = ["Model", "load_model"]


def __getattr__(name):
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'hepml' has no attribute {name!r}")
