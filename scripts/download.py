#!/usr/bin/env python
"""Download a UCI dataset file from a list of mirrors, verifying its SHA-256."""
import argparse

from hepml.core.cli import json_arg, run_main
from hepml.core.download import Mirror, fetch


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--mirrors", type=json_arg, required=True, help='JSON list of {"url": ..., "member": ...}')
    p.add_argument("--sha256", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--retries", type=int, required=True)
    p.add_argument("--timeout", type=float, required=True)
    p.add_argument("--max-bytes", type=int, required=True, help="stop reading a mirror without a known size here")
    a = p.parse_args()
    fetch([Mirror(m["url"], m.get("member"), m.get("bytes")) for m in a.mirrors], a.output, a.sha256, a.retries,
          timeout=a.timeout, max_bytes=a.max_bytes)


if __name__ == "__main__":
    run_main(main)
