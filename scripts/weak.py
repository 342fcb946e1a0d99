#!/usr/bin/env python
"""Weak supervision on quark/gluon jets: train one method at one pair of fractions, or report."""
import argparse

from hepml.cliutil import json_arg, run_main


def train(a):
    from hepml.atomic import write_json
    from hepml.weak.study import run
    write_json(a.output, run(a.method, a.f1, a.f2, a.train, a.val, a.test, a.config, a.seeds, a.threads))


def report(a):
    from hepml.plotting import save
    from hepml.atomic import atomic_output
    from hepml.weak.study import auc_vs_gap_figure, table_markdown
    from hepml.tables import load_records
    records = load_records(a.metrics)
    with atomic_output(a.markdown) as tmp:
        tmp.write_text(table_markdown(records))
    save(auc_vs_gap_figure(records), a.plots)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--method", required=True, choices=["supervised", "cwola", "llp"])
    t.add_argument("--f1", type=float, required=True)
    t.add_argument("--f2", type=float, required=True)
    t.add_argument("--seeds", type=int, nargs="+", required=True)
    t.add_argument("--config", type=json_arg, required=True, help="JSON: the weak config section")
    t.add_argument("--threads", type=int, required=True)
    for f in ("train", "val", "test", "output"):
        t.add_argument(f"--{f}", required=True)
    t.set_defaults(func=train)
    r = sub.add_parser("report")
    r.add_argument("--metrics", nargs="+", required=True)
    r.add_argument("--markdown", required=True)
    r.add_argument("--plots", nargs="+", required=True)
    r.set_defaults(func=report)
    a = p.parse_args()
    a.func(a)


if __name__ == "__main__":
    run_main(main)
