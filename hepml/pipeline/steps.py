"""The steps every study shares: train a cell's seeds, score them, compute their metrics.

A *cell* is one (study, dataset, source, feature set, model, task); its seeds are trained in one
job and each seed writes its own model, scores and metric record. The *task* says what a model
learns from:

* ``all`` (or ``supervised``): the truth labels of every training event;
* ``n<N>``: the truth labels of the first N training events (learning curves; capped by the
  events the split has, the history records how many were used);
* ``cwola_<f1>_<f2>`` / ``llp_<f1>_<f2>``: two mixtures of the training events with known signal
  fractions f1 and f2, and nothing else (weak supervision, ``hepml.weak``);
* ``param``: the signal of the training masses of the parameterized study (mass as an input),
  ``m<M>``: the signal at mass M only (a dedicated network); every background event in both.

A cell is scored on its *evaluation*: ``test`` (the test split), ``m<M>`` (the parameterized
study: signal at mass M and every background event, the mass input set to M), or ``alt_<value>``
(the test split of the mis-modelled data sample of that name, ``hepml.weak.mismodelling``).
"""

from __future__ import annotations

import dataclasses
import logging
import re

import numpy as np

from ..core.atomic import load_npz, read_json, save_npz, sha256sum, write_json
from ..core.config import resident_bytes
from ..core.datasets import get_dataset
from ..core.records import Cell, MetricRecord, Roc, write_record
from ..core.training_data import TrainingData
from ..weak.mismodelled_data import is_alt
from ..weak.tasks import WEAK_TASK
from .inputs import input_names, load_inputs, load_parameter, select_inputs
from .models import ModelSpec, can_train_together, load_model, save_model, train_ensemble, train_model

log = logging.getLogger(__name__)
SIZE_TASK = re.compile(r"^n([0-9]+)$")


def check_classes(labels: np.ndarray, where) -> None:
    """A classifier needs both classes: one clear error naming the file otherwise."""
    for value, name in ((1, "signal (label 1)"), (0, "background (label 0)")):
        if not np.any(labels == value):
            raise ValueError(f"{where}: no {name} events among its {len(labels)}; a classifier needs both classes "
                             "(too few events: raise generation.events_per_shard, or the part's share in "
                             "split.* or limits)")


def model_inputs(dataset: str, feature_set: str, spec: ModelSpec) -> list[str]:
    """The input names a model of ``spec`` reads (one column for an observable)."""
    return spec.model_kind.model_inputs(spec, input_names(dataset, feature_set))


def _load(dataset: str, feature_set: str, spec: ModelSpec, path):
    x, y = load_inputs(dataset, feature_set, path)
    names, wanted = input_names(dataset, feature_set), model_inputs(dataset, feature_set, spec)
    if wanted != names:
        x = select_inputs(x, names, wanted)
    return x, y, load_parameter(dataset, path)


def evaluation_inputs(dataset: str, feature_set: str, x, y, mass, evaluation: str):
    """The events a cell is scored on (see the module docstring)."""
    if evaluation == "test" or is_alt(evaluation):   # another sample's test part: the job reads that file
        return x, y
    from ..parameterized.masses import mass_of, select

    m = mass_of(evaluation)
    if m is None or mass is None:
        raise ValueError(f"unknown evaluation {evaluation!r} for {dataset}")
    names = input_names(dataset, feature_set)
    return select(x, y, mass, [m], m, names.index("mass") if "mass" in names else None)


def training_data(task: str, x, y, x_val, y_val, seed: int, task_config: dict, where: tuple,
                  mass=None, mass_val=None) -> TrainingData:
    """What a model learns from for ``task`` (see the module docstring)."""
    if mass is not None:
        from ..parameterized.masses import mass_of, select

        signal = task_config["training_masses"] if task == "param" else [mass_of(task)]
        if signal == [None]:
            raise ValueError(f"unknown task {task!r} for the parameterized study")
        x, y = select(x, y, mass, signal)
        x_val, y_val = select(x_val, y_val, mass_val, signal)
        check_classes(y, f"{where[0]} (signal masses {signal})")
        return TrainingData(x, y.astype(np.float32), x_val, y_val.astype(np.float32), val_truth=y_val)
    if task in ("all", "supervised"):
        return TrainingData(x, y.astype(np.float32), x_val, y_val.astype(np.float32), val_truth=y_val)
    size = SIZE_TASK.match(task)
    if size:
        n = min(int(size.group(1)), len(x))   # capped by what the sample has (the history says how many)
        check_classes(y[:n], f"{where[0]} (first {n} events)")
        return TrainingData(x[:n], y[:n].astype(np.float32), x_val, y_val.astype(np.float32), val_truth=y_val)
    weak = WEAK_TASK.match(task)
    if weak:
        from ..weak.methods import weak_training_data
        from ..weak.mixtures import mixtures_of

        method, f1, f2 = weak.group(1), float(weak.group(2)), float(weak.group(3))
        fraction = task_config["mixture_fraction"]
        train = mixtures_of(x, y, [f1, f2], seed, fraction, where[0])
        val = mixtures_of(x_val, y_val, [f1, f2], seed + 10_000, fraction, where[1])
        return weak_training_data(method, train, val)
    raise ValueError(f"unknown task {task!r}")


def train_cell(dataset: str, feature_set: str, spec: ModelSpec, task: str, train_path, val_path,
               seeds: list[int], model_paths: list, history_paths: list, threads: int = 1,
               task_config: dict | None = None, ensemble: bool = True, progress: bool = True,
               resident_gb: float | None = None, onnx_paths: list | None = None, cuda_graph: bool = False) -> None:
    """Train one model per seed and write each one and its history (and, for a network, its ONNX
    export to ``onnx_paths``). With ``ensemble``, networks on shared inputs train together as one
    vectorised ensemble (``hepml.core.ensemble``)."""
    x, y, mass = _load(dataset, feature_set, spec, train_path)
    x_val, y_val, mass_val = _load(dataset, feature_set, spec, val_path)
    check_classes(y, train_path)
    check_classes(y_val, val_path)
    inputs = model_inputs(dataset, feature_set, spec)
    where = (train_path, val_path)
    if WEAK_TASK.match(task):   # every seed draws its own mixtures
        datas = [training_data(task, x, y, x_val, y_val, seed, task_config or {}, where) for seed in seeds]
    else:
        datas = [training_data(task, x, y, x_val, y_val, seeds[0], task_config or {}, where, mass, mass_val)] * len(seeds)
    limit = resident_bytes(resident_gb)
    if ensemble and can_train_together(spec, datas) and datas[0].x.nbytes <= limit:
        trained = train_ensemble(spec, datas[0], seeds, threads, progress, cuda_graph)
    else:
        trained = [train_model(spec, data, seed, threads, progress, resident_gb, cuda_graph)
                   for seed, data in zip(seeds, datas)]
    _save_trained(dataset, feature_set, spec, task, inputs, seeds, datas, trained, model_paths, history_paths, onnx_paths)


def _save_trained(dataset: str, feature_set: str, spec: ModelSpec, task: str, inputs: list[str], seeds: list[int],
                  datas: list[TrainingData], trained: list, model_paths: list, history_paths: list,
                  onnx_paths: list | None) -> None:
    """Write each seed's model, its ONNX export (networks) and its history with their checksums."""
    onnx_paths = onnx_paths or [None] * len(seeds)
    if spec.is_network and None in onnx_paths:
        raise ValueError("every network is exported to ONNX: give one ONNX path per seed")
    for seed, data, (model, history), model_path, history_path, onnx_path in zip(
            seeds, datas, trained, model_paths, history_paths, onnx_paths, strict=True):
        save_model(spec, model, inputs, model_path)
        checksums = {"model_sha256": sha256sum(model_path)}
        if onnx_path is not None:
            spec.model_kind.export(model, data.x_val, inputs, onnx_path, {"kind": spec.kind, "seed": seed, "task": task,
                                                                          "dataset": dataset, "feature_set": feature_set})
            checksums["onnx_sha256"] = sha256sum(onnx_path)
        write_json(history_path, {"seed": seed, "task": task, "train_events": len(data.x), **history, **checksums})
        log.info("%s: trained on %d events", model_path, len(data.x))


def train_cells(dataset: str, feature_sets: list[str], spec: ModelSpec, task: str, train_path, val_path,
                seeds: list[int], model_paths: list, history_paths: list, threads: int = 1,
                task_config: dict | None = None, ensemble: bool = True, progress: bool = True,
                resident_gb: float | None = None, onnx_paths: list | None = None, cuda_graph: bool = False) -> None:
    """The cells of several feature sets of one sample, model and task (the paths feature set by
    feature set, each with one per seed). With ``ensemble``, where the kind allows it (an MLP
    without dropout on the truth labels), every feature set and seed trains as one vectorised stack
    and each member is its cell's seed trained alone (``MlpKind.train_stack``); otherwise each cell
    trains as :func:`train_cell` trains it."""
    n = len(seeds)
    split = lambda paths: [paths[i * n:(i + 1) * n] for i in range(len(feature_sets))] if paths else \
        [None] * len(feature_sets)  # noqa: E731
    cells = list(zip(feature_sets, split(model_paths), split(history_paths), split(onnx_paths), strict=True))
    names = {f: model_inputs(dataset, f, spec) for f in feature_sets}
    union = list(dict.fromkeys(c for f in feature_sets for c in names[f]))
    stackable = (ensemble and len(feature_sets) > 1 and get_dataset(dataset).store == "events"
                 and get_dataset(dataset).parameter is None and not WEAK_TASK.match(task))
    if stackable:
        from ..core.store import read_matrix

        x, y = read_matrix(train_path, union)
        x_val, y_val = read_matrix(val_path, union)
        check_classes(y, train_path)
        check_classes(y_val, val_path)
        data = training_data(task, x, y, x_val, y_val, seeds[0], task_config or {}, (train_path, val_path))
        limit = resident_bytes(resident_gb)
        stackable = spec.model_kind.can_stack(spec, data) and data.x.nbytes <= limit
    if not stackable:
        for f, models, histories, onnx in cells:
            train_cell(dataset, f, spec, task, train_path, val_path, seeds, models, histories, threads, task_config,
                       ensemble, progress, resident_gb, onnx, cuda_graph)
        return
    column_sets = [[union.index(c) for c in names[f]] for f in feature_sets]
    trained = spec.model_kind.train_stack(spec, data, column_sets, seeds, threads, progress, cuda_graph)
    for (f, models, histories, onnx), columns, cell in zip(cells, column_sets, trained, strict=True):
        own = TrainingData(data.x[:, columns], data.y, data.x_val[:, columns], data.y_val, val_truth=data.val_truth)
        _save_trained(dataset, f, spec, task, names[f], seeds, [own] * n, cell, models, histories, onnx)


def check_trained_file(path, history_path, key: str = "model_sha256") -> None:
    """Refuse ``path`` unless its SHA-256 equals the one its training history recorded under ``key``
    (``model_sha256`` for the model, ``onnx_sha256`` for a network's ONNX export)."""
    expected = read_json(history_path).get(key)
    if expected is None:
        raise ValueError(f"{history_path}: no {key}; this history predates the checksum of {path} (retrain the cell)")
    digest = sha256sum(path)
    if digest != expected:
        raise ValueError(f"{path}: SHA-256 {digest[:16]}... differs from {expected[:16]}... recorded at training "
                         f"in {history_path}: the file changed after training (remake it: snakemake --forcerun train)")


def verified_model(model_path, history_path):
    """:func:`load_model` of ``model_path`` once its SHA-256 equals the one its training history recorded."""
    check_trained_file(model_path, history_path)
    return load_model(model_path)


def verified_onnx(onnx_path, history_path):
    """An ONNX Runtime session of a network's export once its SHA-256 equals the one its history recorded."""
    import onnxruntime

    check_trained_file(onnx_path, history_path, "onnx_sha256")
    return onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])


def score_cell(dataset: str, feature_set: str, model_paths: list, history_paths: list, val_path, test_path,
               outputs: list, evaluation: str = "test") -> None:
    """Validation and test scores (and truth labels) of every seed's model on the ``evaluation`` events,
    each model first checked against the SHA-256 its training history recorded."""
    cache: dict = {}
    for model_path, history_path, output in zip(model_paths, history_paths, outputs, strict=True):
        model = verified_model(model_path, history_path)
        out = {}
        for part, path in (("val", val_path), ("test", test_path)):
            out[f"{part}_scores"], out[f"{part}_labels"] = predict_part(model, dataset, feature_set, path, cache,
                                                                        evaluation)
        save_npz(output, **out)


def predict_part(model, dataset: str, feature_set: str, path, cache: dict, evaluation: str = "test"):
    """(scores, labels) of ``model`` on the ``evaluation`` events of the part file ``path``; ``cache``
    keeps each file's inputs for the next model of the cell."""
    if path not in cache:
        x, y = load_inputs(dataset, feature_set, path)
        cache[path] = evaluation_inputs(dataset, feature_set, x, y, load_parameter(dataset, path), evaluation)
    x, y = cache[path]
    if x.ndim == 2:   # a matrix of named columns (an image or particle array is the input whole)
        x = select_inputs(x, input_names(dataset, feature_set), model.inputs)
    return model.predict(x), y


def metric_record(cell: Cell, seed: int | None, scores: dict, significance: dict | None, where: str,
                  train_events: int | None = None) -> MetricRecord:
    """The metrics of one seed's scores; the significances only when ``significance`` is given."""
    from ..core.metrics import classifier_metrics

    m = classifier_metrics(scores["val_scores"], scores["val_labels"], scores["test_scores"], scores["test_labels"],
                           significance, where, scores.get("test_weights"))   # named as the record's fields
    return MetricRecord(cell=cell, seed=seed, roc=Roc(**m.pop("roc")), train_events=train_events, **m)


def metrics_cell(cell: Cell, seeds: list[int], score_paths: list, history_paths: list, significance: dict | None,
                 outputs: list) -> None:
    """Each seed's metric record from its scores (and, from its training history, its training size)."""
    for seed, path, history, output in zip(seeds, score_paths, history_paths, outputs, strict=True):
        record = metric_record(cell, seed, load_npz(path), significance, str(path), read_json(history)["train_events"])
        write_record(output, record)
        log.info("%s: AUC %.4f", output, record.auc)


def ensemble_cell(cell: Cell, seeds: list[int], score_paths: list, history_paths: list, significance: dict | None,
                  scores_output, metrics_output) -> MetricRecord:
    """The seed ensemble of a cell: per event the mean and the spread (std) of its seeds' scores
    (``scores_output``, .npz), and the metric record of the mean score (``metrics_output``)."""
    from ..core.calibration import seed_ensemble

    members = [load_npz(p) for p in score_paths]
    out = {}
    for part in ("val", "test"):
        labels = members[0][f"{part}_labels"]
        for path, m in zip(score_paths[1:], members[1:]):
            if not np.array_equal(m[f"{part}_labels"], labels):
                raise ValueError(f"{path}: its {part} events are not those of {score_paths[0]}; the seeds of "
                                 "one cell must be scored on the same events")
        out[f"{part}_scores"], out[f"{part}_spread"] = seed_ensemble([m[f"{part}_scores"] for m in members])
        out[f"{part}_labels"] = labels
    save_npz(scores_output, **out)
    record = metric_record(cell, None, out, significance, str(scores_output), read_json(history_paths[0])["train_events"])
    record = dataclasses.replace(record, members=list(seeds), spread=float(out["test_spread"].mean()))
    write_record(metrics_output, record)
    log.info("%s: AUC %.4f (the mean score of seeds %s)", metrics_output, record.auc, seeds)
    return record
