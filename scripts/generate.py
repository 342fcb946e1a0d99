#!/usr/bin/env python
"""Generate one shard: HIGGS-like or SUSY-like events (Pythia 8, FastJet, the detector) or Z+jet quark/gluon jets."""
import argparse

from hepml.core.cli import json_arg, run_main


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dataset", required=True, choices=["higgs", "susy", "qg", "hpar"])
    p.add_argument("--process", required=True, help="signal, background, quark, gluon; signal_m<mass> for hpar")
    p.add_argument("--shard", type=int, required=True)
    p.add_argument("--events", type=int, required=True, help="events to generate (before selection)")
    p.add_argument("--seed", type=int, required=True, help="base seed of the sample")
    p.add_argument("--generation", type=json_arg, required=True, help="JSON: what this process depends on")
    p.add_argument("--detector", type=json_arg, required=True, help="JSON: the detector card ({} for jets)")
    p.add_argument("--output", required=True, help="the shard's store file")
    p.add_argument("--record", required=True, help="the shard's generation record (JSON)")
    a = p.parse_args()
    if a.dataset == "qg":
        from hepml.jets.generation import generate_jet_shard

        r = generate_jet_shard(a.process, a.shard, a.events, a.seed, a.generation, a.output, a.record)
    else:
        from hepml.benchmark.generation.shards import generate_shard

        dataset, process = ("higgs", "signal") if a.dataset == "hpar" else (a.dataset, a.process)
        r = generate_shard(dataset, process, a.shard, a.events, a.seed, a.generation, a.detector, a.output,
                           a.record, label=a.process)
    print(f"{a.output}: {r['events_selected']} selected events of {r['events_generated']} generated "
          f"(efficiency {r['efficiency']:.3f}); sigma = {r['sigma_mb']:.4g} +- {r['sigma_err_mb']:.2g} mb")


if __name__ == "__main__":
    run_main(main)
