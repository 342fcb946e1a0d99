"""Typed metric records: one schema for every study, written and read through one pair of functions.

A :class:`MetricRecord` is what the ``metrics`` step writes for one trained model (one seed of
one cell) and what tables and plots read. Every number a table publishes comes from a field
declared here, so there are no string keys spread across modules.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from .atomic import read_json, write_json

FORMAT = 1


@dataclass(frozen=True)
class Cell:
    """Where a model sits in a study: the sample, its inputs, the model and how it was trained."""

    study: str          # benchmark, jets, weak, learning_curve, parameterized (the studies that train)
    dataset: str        # higgs, susy, qg, ...
    source: str         # pythia, uci, energyflow, alt_<value> (mis-modelled quark/gluon data)
    feature_set: str    # low, high, complete, images, observables, ...
    model: str          # bdt, shallow, deep, cnn, multiplicity, ...
    task: str           # all, n<size>, cwola_<f1>_<f2>, llp_<f1>_<f2>, supervised, ...
    evaluation: str = "test"   # the scored set: test, a mass point (m<M>), a detector card (syst_<card>), alt_<value>

    @property
    def path(self) -> str:
        """The cell's directory below models/ (scores/ and metrics/ add the evaluation)."""
        return f"{self.study}/{self.dataset}/{self.source}/{self.feature_set}/{self.model}/{self.task}"


@dataclass(frozen=True)
class Roc:
    """A thinned ROC curve: signal efficiency against background efficiency."""

    signal_efficiency: list[float]
    background_efficiency: list[float]


@dataclass(frozen=True)
class MetricRecord:
    """The metrics of one trained model on its test scores, or (``members`` given, ``seed`` None) of
    the mean score of a cell's seeds: the seed ensemble, a model of its own."""

    cell: Cell
    seed: int | None
    auc: float
    n_test: int                         # test events
    n_background: int                   # of which background (the denominator of the rejection)
    rejection_50: float                 # 1 / background efficiency at 50% signal efficiency
    roc: Roc
    train_events: int | None = None     # events the model was trained on
    z_binned: float | None = None       # significance (benchmark studies): pyhf, binned, background MC stat
    z_paper: float | None = None        # the same without MC statistics: the paper's definition
    z_best_threshold: float | None = None
    best_threshold: float | None = None
    z_systematics: float | None = None  # z_binned with the detector variations as pyhf modifiers (systematics study)
    auc_shift_stat: float | None = None  # a shower variation: the bootstrap std of its AUC's shift (its weights' statistics)
    members: list[int] | None = None    # the seed ensemble: the seeds whose scores it averages
    spread: float | None = None         # the seed ensemble: mean over test events of the members' score std

    @property
    def is_ensemble(self) -> bool:
        return self.members is not None


def record_to_dict(record: MetricRecord) -> dict:
    return {"format": FORMAT, **dataclasses.asdict(record)}


def record_from_dict(d: dict) -> MetricRecord:
    d = dict(d)
    if d.pop("format", None) != FORMAT:
        raise ValueError(f"metric record of an unknown format (expected {FORMAT})")
    return MetricRecord(cell=Cell(**d.pop("cell")), roc=Roc(**d.pop("roc")), **d)


def write_record(path: str | os.PathLike, record: MetricRecord) -> None:
    write_json(path, record_to_dict(record))


def read_record(path: str | os.PathLike) -> MetricRecord:
    try:
        return record_from_dict(read_json(path))
    except (TypeError, KeyError, ValueError) as err:
        raise ValueError(f"{path}: not a hepml metric record ({err})") from None


def read_records(paths) -> list[MetricRecord]:
    return [read_record(p) for p in paths]
