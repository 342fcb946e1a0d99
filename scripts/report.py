#!/usr/bin/env python
"""A study's tables or figure from its metric records, its training curves, its seed ensembles' calibration, or a
sample's feature plot (subcommands)."""
import argparse

from hepml.core.cli import json_arg, run_main


def tables(a):
    from hepml.core.records import read_records
    from hepml.pipeline.reports import write_study_tables

    write_study_tables(a.study, a.dataset, a.source, read_records(a.metrics), a.csv, a.markdown, a.latex, a.context)


def plot(a):
    from hepml.core.plotting import save
    from hepml.core.records import read_records
    from hepml.pipeline.reports import study_figure

    save(study_figure(a.study, a.dataset, a.source, read_records(a.metrics), a.context), a.outputs)


def features(a):
    from hepml.core.plotting import save
    from hepml.pipeline.reports import features_figure

    save(features_figure(a.dataset, a.source, a.input, a.half_width), a.outputs)


def training(a):
    from hepml.core.atomic import read_json
    from hepml.core.plotting import save
    from hepml.pipeline.training_curves import training_figure

    cells = {label: [read_json(f) for f in files] for label, files in a.histories.items()}
    save(training_figure(cells, a.title), a.outputs)


def calibration(a):
    from hepml.core.plotting import save
    from hepml.pipeline.seed_ensembles import calibration_figure

    save(calibration_figure(a.panels, a.title), a.outputs)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    for name, func in (("tables", tables), ("plot", plot)):
        s = sub.add_parser(name)
        s.add_argument("--study", required=True)
        s.add_argument("--dataset", required=True)
        s.add_argument("--source", required=True)
        s.add_argument("--metrics", type=json_arg, required=True,
                       help="JSON list of metric record files, or @file holding it")
        s.add_argument("--context", type=json_arg, required=True,
                       help='JSON: what the study\'s report takes from the config ({"held_out": [...], "parameter": ...})')
        s.set_defaults(func=func)
        if name == "tables":
            for f in ("csv", "markdown", "latex"):
                s.add_argument(f"--{f}", required=True)
        else:
            s.add_argument("--outputs", nargs="+", required=True)
    f = sub.add_parser("features")
    f.add_argument("--dataset", required=True)
    f.add_argument("--source", required=True)
    f.add_argument("--input", required=True)
    f.add_argument("--half-width", type=float, required=True)
    f.add_argument("--outputs", nargs="+", required=True)
    f.set_defaults(func=features)
    for name, func, arg, what in (
            ("training", training, "--histories", 'JSON {"cell label": [each seed\'s training history]}'),
            ("calibration", calibration, "--panels", 'JSON {"panel": {"model": its seed ensemble\'s scores (.npz)}}')):
        t = sub.add_parser(name)
        t.add_argument(arg, type=json_arg, required=True, help=f"{what}, or @file holding it")
        t.add_argument("--title", required=True)
        t.add_argument("--outputs", nargs="+", required=True)
        t.set_defaults(func=func)
    a = p.parse_args()
    a.func(a)


if __name__ == "__main__":
    run_main(main)
