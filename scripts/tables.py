#!/usr/bin/env python
"""Tables of AUC and significance over seeds, beside the paper's numbers (CSV, Markdown, LaTeX)."""
import argparse

from hepml.cliutil import run_main
from hepml.tables import load_records, summarise, write_tables


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--metrics", nargs="+", required=True)
    p.add_argument("--title", required=True)
    p.add_argument("--csv", required=True)
    p.add_argument("--markdown", required=True)
    p.add_argument("--latex", required=True)
    a = p.parse_args()
    write_tables(summarise(load_records(a.metrics)), a.title, a.csv, a.markdown, a.latex)


if __name__ == "__main__":
    run_main(main)
