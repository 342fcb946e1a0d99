"""Model kinds behind one interface (see :mod:`.registry`). Each module below registers its kinds:
``bdt`` (xgboost), ``observable`` (one column as the score), ``mlp`` and ``cnn`` (PyTorch networks,
:mod:`.network`), ``pfn`` (the Particle Flow Network). A new kind is a new module, imported here
by name, so that the workflow sees it among the code its training and scoring jobs run
(``hepml.core.code_deps`` follows import statements); a kind registered from outside the
package works too. None of them imports PyTorch or xgboost until a model is built or loaded.
"""

from . import bdt, network, observable, pfn
from .registry import KINDS, LoadedModel, ModelKind, ModelSpec, get_kind, register

MODULES = (bdt, network, observable, pfn)   # each registered its kinds when imported

__all__ = ["KINDS", "LoadedModel", "ModelKind", "ModelSpec", "get_kind", "register"]
