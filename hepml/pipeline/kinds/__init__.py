"""Model kinds behind one interface (see :mod:`.registry`). Every module of this package is
imported here, and each registers its kinds: ``bdt`` (xgboost), ``observable`` (one column as the
score), ``mlp`` and ``cnn`` (PyTorch networks, :mod:`.network`). A new kind is a new module here."""

import importlib
import pkgutil

from .registry import KINDS, LoadedModel, ModelKind, ModelSpec, get_kind, register

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")

__all__ = ["KINDS", "LoadedModel", "ModelKind", "ModelSpec", "get_kind", "register"]
