"""Each study's tables and figure, and each sample's feature plot, behind one entry point: the
studies are rows of one table (:data:`STUDIES`), not branches."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Callable

from ..benchmark import learning_curve
from ..benchmark import report as benchmark_report
from ..benchmark import systematics as systematics_report
from ..core.records import MetricRecord
from ..core.tables import Table, write_tables
from ..jets import report as jets_report
from ..parameterized import report as parameterized_report
from ..weak import mismodelling as mismodelling_report
from ..weak import report as weak_report
from ..weak.tasks import TITLE as WEAK_TITLE


@dataclass(frozen=True)
class StudyReport:
    """Where a study's report lives: its module (imported by name above, so the workflow's code walk
    sees it), the function making its table (one description
    for every format) ``(records, title, **context)`` and the one drawing its figure ``(records,
    title, **context)``; its titles from (dataset, source); the context keys its functions take (from
    the config: the parameterized study's held-out masses, the mismodelling study's parameter)."""

    module: ModuleType
    table: str
    figure: str
    title: Callable[[str, str], str]
    figure_title: Callable[[str, str], str] | None = None
    context: tuple[str, ...] = ()
    roc_curves: bool = True   # HEPData gets each cell's ROC curve (not for the detector variations: the benchmark's cells)

    def function(self, name: str):
        return getattr(self.module, name)


STUDIES = {
    "benchmark": StudyReport(benchmark_report, "benchmark_table", "roc_figure",
                             lambda d, s: f"{d} ({s} events)", lambda d, s: f"{d} ({s})"),
    "learning_curve": StudyReport(learning_curve, "learning_curve_table", "learning_curve_figure",
                                  lambda d, s: f"{d} learning curves ({s} events)"),
    "parameterized": StudyReport(parameterized_report, "parameterized_table", "auc_vs_mass_figure",
                                 lambda d, s: "Parameterized network against dedicated networks (HIGGS-like, pythia events)",
                                 context=("held_out",)),
    "jets": StudyReport(jets_report, "jet_table", "curves_figure", lambda d, s: f"quark/gluon ({s})"),
    "weak": StudyReport(weak_report, "weak_table", "auc_vs_gap_figure",
                        lambda d, s: WEAK_TITLE),
    "systematics": StudyReport(systematics_report, "systematics_table", "shifts_figure",
                               lambda d, s: f"{d} under detector, generator and shower variations ({s} events)", lambda d, s: f"{d} ({s})",
                               roc_curves=False),
    "mismodelling": StudyReport(mismodelling_report, "mismodelling_table", "auc_vs_strength_figure",
                                lambda d, s: "Quark/gluon taggers on mis-modelled data", context=("parameter", "nominal")),
}


def study_report(study: str) -> StudyReport:
    if study not in STUDIES:
        raise ValueError(f"unknown study {study!r}; expected one of {tuple(STUDIES)}")
    return STUDIES[study]


def title(study: str, dataset: str, source: str) -> str:
    return study_report(study).title(dataset, source)


def _context(report: StudyReport, context: dict | None) -> dict:
    missing = [k for k in report.context if k not in (context or {})]
    if missing:
        raise ValueError(f"the {report.table} report needs the context key {missing[0]!r} (given: {sorted(context or {})})")
    return {k: context[k] for k in report.context}


def study_table(study: str, dataset: str, source: str, records: list[MetricRecord], context: dict | None = None) -> Table:
    """A study's table (``context``: what its report takes from the config, :class:`StudyReport`)."""
    report = study_report(study)
    if not records:
        raise ValueError(f"no metric records for the {study} study of {dataset} ({source})")
    return report.function(report.table)(records, report.title(dataset, source), **_context(report, context))


def write_study_tables(study: str, dataset: str, source: str, records: list[MetricRecord], csv_path, md_path,
                       tex_path, context: dict | None = None) -> None:
    """A study's CSV, Markdown and LaTeX tables."""
    write_tables(study_table(study, dataset, source, records, context), csv_path, md_path, tex_path)


def study_figure(study: str, dataset: str, source: str, records: list[MetricRecord], context: dict | None = None):
    report = study_report(study)
    figure_title = (report.figure_title or report.title)(dataset, source)
    return report.function(report.figure)(records, figure_title, **_context(report, context))


def features_figure(dataset: str, source: str, path, half_width: float):
    """Feature distributions of a HIGGS/SUSY sample, or the average images of the quark/gluon jets."""
    from ..core.datasets import LABEL, get_dataset, unit

    if get_dataset(dataset).store == "jets":
        from ..core.atomic import load_npz
        from ..jets.report import average_images_figure

        data = load_npz(path)
        return average_images_figure(data["images"], data["labels"], half_width)
    from ..core.plotting import feature_figure
    from ..core.store import read_events

    columns = get_dataset(dataset).feature_columns
    return feature_figure(read_events(path), columns, LABEL, f"{dataset} ({source})",
                          {c: unit(c) for c in columns if unit(c)})
