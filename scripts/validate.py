#!/usr/bin/env python
"""Validation report of a generated sample: mass peaks against generator truth, resolutions, b-tag efficiencies."""
import argparse

from hepml.core.atomic import read_json, write_json, write_text
from hepml.core.cli import json_arg, run_main
from hepml.benchmark.generation.recipes import RECIPES
from hepml.benchmark.generation.validation import report_figure, report_markdown, validation_report
from hepml.core.plotting import save


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dataset", required=True, choices=sorted(RECIPES))
    p.add_argument("--shards", nargs="+", required=True)
    p.add_argument("--record", required=True, help="the sample's generation record (JSON)")
    p.add_argument("--detector", type=json_arg, required=True)
    p.add_argument("--markdown", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--plots", nargs="+", required=True)
    a = p.parse_args()
    report = validation_report(a.dataset, a.shards, read_json(a.record), a.detector)
    write_json(a.json, report)
    write_text(a.markdown, report_markdown(report))
    save(report_figure(report, a.shards), a.plots)
    outside = [f"{r['feature']} ({r['process']})" for r in report["peaks"] if not r["inside"]]
    print(report_markdown(report))
    if outside:
        print(f"WARNING: peaks outside their windows: {', '.join(outside)}")


if __name__ == "__main__":
    run_main(main)
