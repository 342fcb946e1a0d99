#!/usr/bin/env python
"""Every study's table and every cell's ROC curve as one validated HEPData submission (.tar.gz)."""
import argparse

from hepml.core.cli import json_arg, run_main
from hepml.core.records import read_records
from hepml.pipeline.hepdata import write_submission


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--studies", type=json_arg, required=True,
                   help='JSON {"study/dataset/source": [metric record files]}, or @file holding it')
    p.add_argument("--context", type=json_arg, required=True,
                   help='JSON: what the studies\' reports take from the config ({"held_out": [...], "parameter": ...})')
    p.add_argument("--output", required=True)
    a = p.parse_args()
    studies = {tuple(k.split("/")): read_records(files) for k, files in a.studies.items()}
    print(f"{a.output}: {write_submission(studies, a.output, a.context)} tables, validated")


if __name__ == "__main__":
    run_main(main)
