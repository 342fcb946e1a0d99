#!/usr/bin/env python
"""The paper's claim read off a learning-curve table: crossings, the complete-low gap, its power law."""
import argparse

from hepml.core.cli import run_main


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--curve", required=True, help="a learning-curve CSV (results/<v>/tables/learning_curve_*.csv)")
    p.add_argument("--title", default="The paper's claim on our learning curve")
    p.add_argument("--markdown", required=True)
    a = p.parse_args()
    from hepml.benchmark.claim import claim_markdown, read_curves
    from hepml.core.atomic import write_text

    write_text(a.markdown, claim_markdown(read_curves(a.curve), a.title))


if __name__ == "__main__":
    run_main(main)
