"""Every model of every study behind one interface: build, train, save, load and score.

Kinds (``ModelSpec.kind``):

* ``bdt``: xgboost on feature columns (the ``bdt`` config section);
* ``mlp``: a dense network (``layers``, ``width``, ``activation``, ``device``) with a training recipe;
* ``cnn``: the jet-image CNN (``hepml.jets.cnn.JetCNN``) with a training recipe;
* ``observable``: one input column used as the score, its orientation (larger = more signal-like)
  chosen on the training set: the single-observable taggers.

Networks standardise their inputs with training statistics inside the model, so a saved model
takes raw inputs. Every kind is saved as one ``.model`` file: a network as a torch archive of
its spec, input names and weights; a BDT as xgboost JSON with its input names inside; an
observable as a small JSON object. :func:`load_model` reads any of them.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..core.atomic import atomic_output, read_json, write_json
from ..core.config import property_default
from ..core.training_data import TrainingData

KINDS = ("bdt", "mlp", "cnn", "observable")
PREDICT_BATCH = {"mlp": 65536, "cnn": 4096}


@dataclass(frozen=True)
class ModelSpec:
    """What to train: the kind, its config section and (networks) the recipe."""

    kind: str
    config: dict
    recipe: dict | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown model kind {self.kind!r}; expected one of {KINDS}")


def build_network(spec: ModelSpec, x: np.ndarray):
    """The network of ``spec`` for inputs like ``x``, standardised with the statistics of ``x``."""
    from ..core.nets import Classifier, input_statistics, mlp, paper_init

    if spec.kind == "cnn":
        from ..jets.cnn import JetCNN

        return JetCNN.for_images(x, spec.config)
    net = mlp(x.shape[1], spec.config["layers"], spec.config["width"], dropout=spec.config["dropout"],
              activation=spec.config["activation"])
    if spec.recipe["init"] == "paper":
        paper_init(net)
    return Classifier(net, *input_statistics(x))


def _fit_network(spec: ModelSpec, data: TrainingData, seed: int, threads: int, progress: bool,
                 resident_gb: float | None, cuda_graph: bool):
    import torch

    from ..core.device import kernels, seed_everything, torch_device
    from ..core.training import Recipe, chunk_rows, fit, resident
    from ..weak.methods import llp_loss, one_mixture_batches, per_mixture_llp_loss

    seed_everything(seed, threads)
    dev = torch_device(spec.config["device"])
    recipe = Recipe.from_dict(spec.recipe)
    model = build_network(spec, data.x).to(dev)
    t = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float32, device=dev)  # noqa: E731
    limit = (resident_gb if resident_gb is not None else property_default("training", "resident_gb")) * 2**30
    extra = {"chunk": chunk_rows(data.x, limit)}
    if data.loss == "llp":
        extra = {"loss_fn": llp_loss, "val_loss_fn": per_mixture_llp_loss(data.val_mixture, dev),
                 "batches": one_mixture_batches(data.mixture, recipe.batch_size, dev)}
    history = fit(model, resident(data.x, dev, limit), t(data.y), resident(data.x_val, dev, limit), t(data.y_val),
                  recipe, seed=seed, val_labels=data.val_truth, progress=progress, desc=f"{spec.kind} seed {seed}",
                  cuda_graph=cuda_graph, **extra)
    return model.cpu().eval(), {"epochs": history.epochs, "best_epoch": history.best_epoch, "device": str(dev),
                                "kernels": kernels(dev)}


def _fit_observable(spec: ModelSpec, data: TrainingData):
    from ..core.roc import auc

    sign = 1.0 if auc(data.y, data.x[:, 0]) >= 0.5 else -1.0
    return {"kind": "observable", "column": spec.config["column"], "sign": sign}, {"sign": sign}


def can_train_together(spec: ModelSpec, datas: list[TrainingData]) -> bool:
    """Whether a cell's seeds can train as one vectorised ensemble whose every member is the
    network its seed trains alone: networks without dropout (a vectorised dropout draws other
    masks) on the same inputs and labels with the binary cross-entropy (not the per-seed
    mixtures of weak supervision)."""
    return (spec.kind in ("mlp", "cnn") and not spec.config["dropout"] and len(datas) > 1
            and all(d.loss == "bce" for d in datas) and all(d.x is datas[0].x and d.y is datas[0].y for d in datas))


def train_ensemble(spec: ModelSpec, data: TrainingData, seeds: list[int], threads: int = 1, progress: bool = True,
                   cuda_graph: bool = False):
    """One network per seed trained together (``hepml.core.ensemble``); [(model, history)] per seed."""
    import torch

    from ..core.device import kernels, seed_everything, torch_device
    from ..core.ensemble import fit_ensemble
    from ..core.training import Recipe

    seed_everything(seeds[0], threads)
    dev = torch_device(spec.config["device"])
    t = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float32, device=dev)  # noqa: E731
    trained = fit_ensemble(lambda: build_network(spec, data.x), seeds, t(data.x), t(data.y), t(data.x_val),
                           t(data.y_val), Recipe.from_dict(spec.recipe), val_truth=data.val_truth, threads=threads,
                           progress=progress, desc=f"{spec.kind} x{len(seeds)}",
                           predict_batch=PREDICT_BATCH[spec.kind], cuda_graph=cuda_graph)
    return [(model.cpu().eval(), {"epochs": h.epochs, "best_epoch": h.best_epoch, "device": str(dev),
                                  "kernels": kernels(dev), "ensemble": len(seeds)}) for model, h in trained]


def train_model(spec: ModelSpec, data: TrainingData, seed: int, threads: int = 1, progress: bool = True,
                resident_gb: float | None = None, cuda_graph: bool = False):
    """Train one model of ``spec`` on ``data`` with ``seed``; return (model, history). Inputs larger
    than ``resident_gb`` (default: the schema's ``training.resident_gb``) are read in chunks."""
    if spec.kind == "bdt":
        from ..core.bdt import train_bdt

        if data.loss != "bce":
            raise ValueError(f"a BDT cannot learn from label proportions ({data.loss})")
        return train_bdt(data.x, data.y, data.x_val, data.y_val, spec.config, seed, threads)
    if spec.kind == "observable":
        return _fit_observable(spec, data)
    return _fit_network(spec, data, seed, threads, progress, resident_gb, cuda_graph)


def save_model(spec: ModelSpec, model, inputs: list[str], path: str | os.PathLike) -> None:
    """Write a trained model with what is needed to score raw inputs again."""
    if spec.kind == "bdt":
        from ..core.bdt import save_bdt

        save_bdt(model, inputs, path)
    elif spec.kind == "observable":
        write_json(path, {**model, "inputs": inputs})
    else:
        import torch

        with atomic_output(path) as tmp:
            torch.save({"spec": asdict(spec), "inputs": inputs, "state_dict": model.state_dict()}, tmp)


def load_model(path: str | os.PathLike):
    """(predict(x) -> scores, input names) of a saved model of any kind; a damaged file is one
    ValueError naming it."""
    try:
        return _load_model(Path(path))
    except (ValueError, FileNotFoundError):
        raise
    except Exception as err:  # torch's unpickler, xgboost and zip readers each raise their own kinds
        first = (str(err).splitlines() or [""])[0][:200]
        raise ValueError(f"{path}: not a readable model ({type(err).__name__}: {first}); the file is damaged "
                         "(delete it to retrain)") from None


def _load_model(path: Path):
    with open(path, "rb") as f:
        is_json = f.read(1) == b"{"
    if is_json:
        blob = read_json(path)
        if blob.get("kind") == "observable":
            return (lambda x: blob["sign"] * x[:, 0].astype(np.float64)), blob["inputs"]
        from ..core.bdt import load_bdt, predict_bdt

        booster, inputs = load_bdt(path)
        return (lambda x: predict_bdt(booster, x).astype(np.float64)), inputs
    import torch

    blob = torch.load(path, map_location="cpu", weights_only=True)
    spec = ModelSpec(**blob["spec"])
    state = blob["state_dict"]
    model = _empty_network(spec, state)
    model.load_state_dict(state)
    model.eval()
    return (lambda x: predict_network(model, x, spec)), blob["inputs"]


def _empty_network(spec: ModelSpec, state: dict):
    """A network of ``spec`` shaped like the weights in ``state`` (standardisation included)."""
    shape = tuple(state["standardize.mean"].shape)
    if spec.kind == "cnn":
        placeholder = np.zeros((2, *shape), dtype=np.float32)
        placeholder[1] += 1
    else:
        placeholder = np.zeros((2, shape[0]), dtype=np.float32)
        placeholder[1] += 1
    return build_network(spec, placeholder)


def predict_network(model, x: np.ndarray, spec: ModelSpec) -> np.ndarray:
    """Signal probability of each input, on the spec's device, in large batches."""
    import torch

    from ..core.device import torch_device
    from ..core.training import predict_logits

    dev = torch_device(spec.config["device"])
    logits = predict_logits(model.to(dev), x, PREDICT_BATCH[spec.kind])   # numpy in: one batch on the device at a time
    # in float64: a float32 sigmoid saturates at 1 for logits above ~17 and would make ties
    return torch.sigmoid(logits.double()).cpu().numpy()


def spec_json(spec: ModelSpec) -> str:
    return json.dumps(asdict(spec), sort_keys=True)
