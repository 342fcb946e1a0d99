#!/usr/bin/env python
"""Write the run's provenance manifest: every file's rule (Snakemake's record), SHA-256 and
reproducibility, the config, code and package versions, and the verified source data checksums."""
import argparse

from hepml.core.cli import json_arg, run_main
from hepml.core.provenance import build_manifest, write_manifest


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--results", required=True, help="the run's results directory")
    p.add_argument("--config", type=json_arg, required=True, help="JSON: the effective config")
    p.add_argument("--expected", type=json_arg, required=True, help="JSON {source file: expected SHA-256}")
    p.add_argument("--stamps", type=json_arg, required=True, help="JSON {source file: its verification stamp}")
    p.add_argument("--output", required=True)
    a = p.parse_args()
    manifest = build_manifest(a.results, a.config, a.expected, a.stamps)
    write_manifest(a.output, manifest)
    print(f"{a.output}: {len(manifest['files'])} files")


if __name__ == "__main__":
    run_main(main)
