"""Every model of every study behind one interface: train, save, load and score, whatever its kind.

The kinds (``ModelSpec.kind``) are registry entries (:mod:`hepml.pipeline.kinds`): ``bdt``,
``observable``, ``mlp`` and ``cnn`` built in; each knows how to train, save, load and export its
models, and the functions here ask it. Every kind is saved as one ``.model`` file (a network as a
torch archive of its spec, input names and weights; a BDT as xgboost JSON with its input names
inside; an observable as a small JSON object); :func:`load_model` reads any of them.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from ..core.atomic import read_json
from ..core.training_data import TrainingData
from .kinds import LoadedModel, ModelSpec, get_kind

__all__ = ["LoadedModel", "ModelSpec", "TrainingData", "build_network", "can_train_together", "load_model",
           "predict_network", "save_model", "spec_json", "train_ensemble", "train_model"]


def build_network(spec: ModelSpec, x):
    """The untrained network of ``spec`` for inputs like ``x`` (a network kind's ``build``)."""
    return spec.model_kind.build(spec, x)


def predict_network(model, x, spec: ModelSpec):
    """Signal probability of each input from a trained network of ``spec``."""
    return spec.model_kind.predict(model, x, spec)


def can_train_together(spec: ModelSpec, datas: list[TrainingData]) -> bool:
    """Whether a cell's seeds can train as one vectorised ensemble whose every member is the model
    its seed trains alone (the kind decides)."""
    return spec.model_kind.can_train_together(spec, datas)


def train_ensemble(spec: ModelSpec, data: TrainingData, seeds: list[int], threads: int = 1, progress: bool = True,
                   cuda_graph: bool = False):
    """One model per seed trained together; [(model, history)] per seed."""
    return spec.model_kind.train_ensemble(spec, data, seeds, threads, progress, cuda_graph)


def train_model(spec: ModelSpec, data: TrainingData, seed: int, threads: int = 1, progress: bool = True,
                resident_gb: float | None = None, cuda_graph: bool = False):
    """Train one model of ``spec`` on ``data`` with ``seed``; return (model, history). Inputs larger
    than ``resident_gb`` (default: the schema's ``training.resident_gb``) are read in chunks."""
    return spec.model_kind.train(spec, data, seed, threads, progress, resident_gb, cuda_graph)


def save_model(spec: ModelSpec, model, inputs: list[str], path: str | os.PathLike) -> None:
    """Write a trained model with what is needed to score raw inputs again."""
    spec.model_kind.save(spec, model, inputs, path)


def load_model(path: str | os.PathLike) -> LoadedModel:
    """The model saved at ``path``, of any kind; a damaged file is one ValueError naming it."""
    try:
        return _load_model(Path(path))
    except (ValueError, FileNotFoundError):
        raise
    except Exception as err:  # torch's unpickler, xgboost and zip readers each raise their own kinds
        first = (str(err).splitlines() or [""])[0][:200]
        raise ValueError(f"{path}: not a readable model ({type(err).__name__}: {first}); the file is damaged "
                         "(delete it to retrain)") from None


def _load_model(path: Path) -> LoadedModel:
    with open(path, "rb") as f:
        is_json = f.read(1) == b"{"
    if is_json:   # an observable names its kind; xgboost's own JSON does not
        blob = read_json(path)
        return get_kind(blob.get("kind", "bdt")).load(path, blob)
    import torch

    blob = torch.load(path, map_location="cpu", weights_only=True)
    return get_kind(blob["spec"]["kind"]).load(path, blob)


def spec_json(spec: ModelSpec) -> str:
    return json.dumps(asdict(spec), sort_keys=True)
