"""The model-kind registry: one object per kind of model, and the spec that names one.

A kind knows how to train its models (alone, and as a vectorised ensemble where it can), save
them to one ``.model`` file, load that file back as a :class:`LoadedModel`, and export them
(ONNX for networks). :func:`register` adds a kind; everything else (which rules need a GPU, which
cells export ONNX, which inputs a model reads) asks the kind, never its name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ...core.training_data import TrainingData

KINDS: dict[str, "ModelKind"] = {}


class ModelKind:
    """The interface of a kind of model (a subclass overrides what its kind does)."""

    name = ""
    is_network = False   # a PyTorch network: trained on a GPU when there is one, exported to ONNX

    def model_inputs(self, spec: "ModelSpec", names: list[str]) -> list[str]:
        """The inputs (of the feature set's ``names``) a model of ``spec`` reads."""
        return names

    def can_train_together(self, spec: "ModelSpec", datas: list[TrainingData]) -> bool:
        """Whether the seeds of one cell can train as one vectorised ensemble."""
        return False

    def train(self, spec: "ModelSpec", data: TrainingData, seed: int, threads: int = 1, progress: bool = True,
              resident_gb: float | None = None, cuda_graph: bool = False):
        """(model, history) of one training."""
        raise NotImplementedError

    def train_ensemble(self, spec: "ModelSpec", data: TrainingData, seeds: list[int], threads: int = 1,
                       progress: bool = True, cuda_graph: bool = False) -> list:
        """[(model, history)] per seed, trained together."""
        raise NotImplementedError(f"{self.name} models do not train as an ensemble")

    def can_stack(self, spec: "ModelSpec", data: TrainingData) -> bool:
        """Whether the cells of several feature sets (column subsets of ``data.x``) and their seeds
        can train as one vectorised stack whose every member is its cell's seed trained alone."""
        return False

    def train_stack(self, spec: "ModelSpec", data: TrainingData, column_sets: list[list[int]], seeds: list[int],
                    threads: int = 1, progress: bool = True, cuda_graph: bool = False) -> list[list]:
        """[[(model, history)] per seed] per column set: the models of ``data.x[:, columns]``."""
        raise NotImplementedError(f"{self.name} models do not train as a stack of feature sets")

    def save(self, spec: "ModelSpec", model, inputs: list[str], path: str | os.PathLike) -> None:
        raise NotImplementedError

    def load(self, path: str | os.PathLike, blob) -> "LoadedModel":
        """The model saved at ``path``; ``blob`` is its parsed content (JSON object or torch archive)."""
        raise NotImplementedError

    def export(self, model, example: np.ndarray, inputs: list[str], path: str | os.PathLike, description: dict) -> None:
        """Write the model in an exchange format (networks: ONNX)."""
        raise NotImplementedError(f"{self.name} models have no export")


def register(kind: ModelKind) -> ModelKind:
    """Add ``kind`` to the registry under its name."""
    if not kind.name or kind.name in KINDS:
        raise ValueError(f"model kind {kind.name!r} is unnamed or registered twice")
    KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> ModelKind:
    if name not in KINDS:
        raise ValueError(f"unknown model kind {name!r}; expected one of {tuple(KINDS)}")
    return KINDS[name]


@dataclass(frozen=True)
class ModelSpec:
    """What to train: the kind, its config section and (networks) the recipe."""

    kind: str
    config: dict
    recipe: dict | None = None

    def __post_init__(self):
        get_kind(self.kind)

    @property
    def model_kind(self) -> ModelKind:
        return KINDS[self.kind]

    @property
    def is_network(self) -> bool:
        return self.model_kind.is_network


@dataclass(frozen=True)
class LoadedModel:
    """A saved model, ready to score raw inputs: ``predict(x)`` takes a float32 matrix whose columns
    are ``inputs`` in that order, or the one array per event its single input names (jet images)."""

    kind: str
    inputs: list[str]
    predict: Callable[[np.ndarray], np.ndarray]
