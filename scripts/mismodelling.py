#!/usr/bin/env python
"""What the mis-modelled Pythia parameter does to the quark/gluon jets: the observables' medians
(Markdown, JSON) and distributions (figure) of every data sample beside the nominal simulation's."""
import argparse

from hepml.core.cli import json_arg, named_path, run_main


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--samples", nargs="+", required=True, help="NAME=PATH: each sample's jet features (test part)")
    p.add_argument("--nominal", required=True, help="the name of the nominal simulation among --samples")
    p.add_argument("--parameter", required=True, help="the Pythia parameter the samples differ in")
    p.add_argument("--nominal-value", type=json_arg, required=True,
                   help="JSON: its value in the simulation (null: Pythia's default)")
    p.add_argument("--markdown", required=True)
    p.add_argument("--json", required=True)
    p.add_argument("--plots", nargs="+", required=True)
    a = p.parse_args()
    from hepml.weak.mismodelling import validate

    samples = named_path(a.samples)
    if a.nominal not in samples:
        raise ValueError(f"--nominal {a.nominal!r} is not among the --samples {sorted(samples)}")
    validate(samples, a.nominal, a.parameter, a.nominal_value, a.markdown, a.json, a.plots)
    print(f"{a.markdown}: {len(samples)} samples")


if __name__ == "__main__":
    run_main(main)
