"""Each study's tables and figure, and each sample's feature plot, behind one entry point."""

from __future__ import annotations

from ..core.records import MetricRecord


def title(study: str, dataset: str, source: str) -> str:
    if study == "benchmark":
        return f"{dataset} ({source} events)"
    if study == "learning_curve":
        return f"{dataset} learning curves ({source} events)"
    if study == "parameterized":
        return "Parameterized network against dedicated networks (HIGGS-like, pythia events)"
    if study == "jets":
        return f"quark/gluon ({source})"
    from ..weak.report import TITLE

    return TITLE


def write_study_tables(study: str, dataset: str, source: str, records: list[MetricRecord], csv_path, md_path,
                       tex_path, held_out: list[float] | None = None) -> None:
    """A study's CSV, Markdown and LaTeX tables (``held_out``: the parameterized study's held-out masses)."""
    if not records:
        raise ValueError(f"no metric records for the {study} study of {dataset} ({source})")
    if study == "parameterized":
        from ..parameterized.report import write_parameterized_tables

        return write_parameterized_tables(records, title(study, dataset, source), held_out or [], csv_path, md_path,
                                          tex_path)
    if study == "benchmark":
        from ..benchmark.report import write_benchmark_tables as write
    elif study == "learning_curve":
        from ..benchmark.learning_curve import write_learning_curve_tables as write
    elif study == "jets":
        from ..jets.report import write_jet_tables as write
    elif study == "weak":
        from ..weak.report import write_weak_tables as write
    else:
        raise ValueError(f"unknown study {study!r}")
    write(records, title(study, dataset, source), csv_path, md_path, tex_path)


def study_figure(study: str, dataset: str, source: str, records: list[MetricRecord],
                 held_out: list[float] | None = None):
    if study == "parameterized":
        from ..parameterized.report import auc_vs_mass_figure

        return auc_vs_mass_figure(records, held_out or [], title(study, dataset, source))
    if study == "benchmark":
        from ..benchmark.report import roc_figure

        return roc_figure(records, f"{dataset} ({source})")
    if study == "learning_curve":
        from ..benchmark.learning_curve import learning_curve_figure

        return learning_curve_figure(records, title(study, dataset, source))
    if study == "jets":
        from ..jets.report import curves_figure

        return curves_figure(records, title(study, dataset, source))
    if study == "weak":
        from ..weak.report import auc_vs_gap_figure

        return auc_vs_gap_figure(records)
    raise ValueError(f"unknown study {study!r}")


def features_figure(dataset: str, source: str, path, half_width: float):
    """Feature distributions of a HIGGS/SUSY sample, or the average images of the quark/gluon jets."""
    if dataset == "qg":
        from ..core.atomic import load_npz
        from ..jets.report import average_images_figure

        data = load_npz(path)
        return average_images_figure(data["images"], data["labels"], half_width)
    from ..benchmark.columns import LABEL, feature_columns
    from ..core.plotting import feature_figure
    from ..core.store import read_events

    return feature_figure(read_events(path), feature_columns(dataset), LABEL, f"{dataset} ({source})")
