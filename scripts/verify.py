#!/usr/bin/env python
"""Check a source data file against its expected SHA-256 (streamed) and write the stamp that records it."""
import argparse

from hepml.core.cli import run_main
from hepml.core.download import verify_file


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--input", required=True)
    p.add_argument("--sha256", required=True)
    p.add_argument("--stamp", required=True)
    a = p.parse_args()
    verify_file(a.input, a.sha256, a.stamp)
    print(f"{a.input}: SHA-256 {a.sha256} verified")


if __name__ == "__main__":
    run_main(main)
