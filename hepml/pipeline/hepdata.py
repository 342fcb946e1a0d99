"""Every study's table and every cell's ROC curve as one HEPData submission (``hepdata_lib``).

One HEPData table per study table (its rows as the independent variable, AUC, rejection and the
significances as dependent variables with the standard deviation over seeds as a symmetric
uncertainty) and one per cell for the ROC curve of its median-AUC seed. The submission is
written as the directory hepdata_lib makes (``submission.yaml`` and the table files), packed
into a reproducible ``.tar.gz`` (fixed times and owners), and checked with the HEPData validator.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import tarfile
import tempfile
from pathlib import Path

from ..core.atomic import atomic_output
from ..core.records import MetricRecord
from ..core.tables import Summary, Table, summarise
from . import reports

ABSTRACT = ("Results of the hepml workflow: deep learning for the HIGGS and SUSY benchmarks of Baldi, "
            "Sadowski, Whiteson (Nature Commun. 5 (2014) 4308), quark/gluon jet tagging, weak supervision, "
            "learning curves and parameterized networks, on the samples the run generated or downloaded.")


def _label(s: Summary) -> str:
    c = s.cell
    parts = [c.model, c.feature_set]
    if c.task not in ("all", "supervised"):
        parts.append(c.task)
    if c.evaluation != "test":
        parts.append(f"evaluated at {c.evaluation}")
    return ", ".join(parts)


def _name(text: str) -> str:
    """A table name as HEPData takes it (at most 64 characters; the details go in the description)."""
    if len(text) > 64:
        raise ValueError(f"HEPData table name longer than 64 characters: {text!r}")
    return text


def study_table(name: str, description: str, table: Table):
    """A HEPData table of one study's table (the same columns as its CSV, Markdown and LaTeX): each
    key column an independent variable, each averaged metric a dependent variable with the
    standard deviation over seeds as its symmetric uncertainty."""
    from hepdata_lib import Table as HepdataTable
    from hepdata_lib import Uncertainty, Variable

    out = HepdataTable(name)
    out.description = description
    out.keywords["observables"] = ["AUC"]
    for column in table.columns:
        if column.key:
            var = Variable(column.header, is_independent=True, is_binned=False)
            var.values = [column.text(r) for r in table.rows]
            out.add_variable(var)
    for column in table.columns:
        if column.value is None:
            continue
        means, stds = zip(*(column.value(r) for r in table.rows))
        if any(m is None for m in means):
            continue   # a metric some rows lack (e.g. a network not trained at every mass)
        var = Variable(column.hepdata_name, is_independent=False, is_binned=False)
        var.values = [float(m) for m in means]
        if all(x is not None for x in stds):   # none for one model's number (the seed ensemble's)
            unc = Uncertainty("std. dev. over seeds", is_symmetric=True)
            unc.values = [float(x) for x in stds]
            var.add_uncertainty(unc)
        out.add_variable(var)
    return out


def roc_table(name: str, s: Summary):
    """The ROC curve of the median-AUC seed of one cell."""
    from hepdata_lib import Table, Variable

    roc = s.median.roc
    table = Table(name)
    table.description = (f"ROC curve of {_label(s)} ({s.cell.study}, {s.cell.dataset}, {s.cell.source}), "
                         f"seed {s.median.seed} (the median AUC of {s.n_seeds} seeds).")
    table.keywords["observables"] = ["ROC"]
    x = Variable("Signal efficiency", is_independent=True, is_binned=False)
    x.values = [float(v) for v in roc.signal_efficiency]
    y = Variable("Background efficiency", is_independent=False, is_binned=False)
    y.values = [float(v) for v in roc.background_efficiency]
    table.add_variable(x)
    table.add_variable(y)
    return table


def _reproducible_tar_gz(directory: Path, output: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path in sorted(directory.iterdir()):
            info = tar.gettarinfo(str(path), arcname=path.name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            with open(path, "rb") as f:
                tar.addfile(info, f)
    with atomic_output(output) as tmp, open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                                              filename="") as gz:
        gz.write(buf.getvalue())


def write_submission(studies: dict[tuple[str, str, str], list[MetricRecord]], output: str | os.PathLike,
                     context: dict | None = None) -> int:
    """Write the submission of ``studies`` ({(study, dataset, source): records}) as ``output`` (.tar.gz),
    validated; return the number of tables (``context``: what the studies' reports take from the config)."""
    from hepdata_lib import Submission
    from hepdata_validator.full_submission_validator import FullSubmissionValidator

    sub = Submission()
    sub.comment = ABSTRACT
    n = 0
    for (study, dataset, source), records in studies.items():
        n += 1
        table = reports.study_table(study, dataset, source, records, context)
        sub.add_table(study_table(_name(f"Table {n}: {study}, {dataset} ({source})"),
                                  f"{table.title}: the {study} study on the {dataset} sample ({source} events), mean "
                                  f"and standard deviation over seeds (the study's CSV table).", table))
        for s in summarise(records) if reports.study_report(study).roc_curves else []:
            n += 1
            sub.add_table(roc_table(_name(f"Table {n}: ROC curve, {study}, {dataset}"), s))
    with tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp) / "files"
        with contextlib.chdir(tmp):   # hepdata_lib packs its own archive into the working directory
            sub.create_files(str(files), validate=False, remove_old=True)
        validator = FullSubmissionValidator()
        if not validator.validate(directory=str(files)):
            messages = [f"{f}: {m.message}" for f, ms in validator.get_messages().items() for m in ms]
            raise ValueError("HEPData submission does not validate: " + "; ".join(messages[:5]))
        _reproducible_tar_gz(files, Path(output))
    return n
