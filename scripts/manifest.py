#!/usr/bin/env python
"""Write the run's provenance manifest: every artifact's SHA-256, rule, config, code and packages."""
import argparse

from hepml.cliutil import json_arg, run_main
from hepml.provenance import build_manifest, write_manifest


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--artifacts", type=json_arg, required=True, help="JSON {rule: [files]}")
    p.add_argument("--config", type=json_arg, required=True, help="JSON: the effective config")
    p.add_argument("--inputs", nargs="*", default=[], help="source data files to checksum")
    p.add_argument("--output", required=True)
    a = p.parse_args()
    write_manifest(a.output, build_manifest(a.artifacts, a.config, a.inputs))


if __name__ == "__main__":
    run_main(main)
