#!/usr/bin/env python
"""Detector, generator and shower variations (subcommands): generate a test-only shard through every
card, the nominal one with the shower variations' weights (or again, with a generator variation's
Pythia parameters), merge each variation's shards, validate every variation against generator
truth, score a benchmark cell on every variation."""
import argparse

from hepml.core.cli import json_arg, named_path, run_main


def generate(a):
    from hepml.benchmark.generation.shards import generate_cards_shard
    from hepml.benchmark.generation.variations import (LABEL_SUFFIX, generator_parameters, shower_variations,
                                                       variation_cards)

    outputs = named_path(a.outputs)
    shower = None
    if a.variation:   # a generator variation: generated again, through the nominal card
        cards, parameters = {a.variation: a.detector}, generator_parameters(a.generator, a.variation)
    else:   # the detector cards, the nominal one's events with the shower variations' weights
        cards, parameters = variation_cards(a.detector, a.sources), None
        if a.shower:
            shower = {"variations": shower_variations(a.shower["sources"]), "settings": a.shower["settings"]}
    if set(outputs) != set(cards):
        raise ValueError(f"--outputs names {sorted(outputs)} differ from the variations {sorted(cards)}")
    r = generate_cards_shard(a.dataset, a.process, a.shard, a.events, a.seed, a.generation, cards, outputs, a.record,
                             label=a.process + LABEL_SUFFIX, parameters=parameters, shower=shower)
    print(f"{a.record}: {r['events_generated']} events generated; selected per card: {r['cards_selected']}")


def merge(a):
    from hepml.core.splits import merge_shuffled

    inputs, outputs = a.inputs["shards"], named_path(a.outputs)
    missing = sorted(set(outputs) - set(inputs))
    if missing:   # a shower variation has no file of its own: --inputs may name more than --outputs
        raise ValueError(f"--outputs names {missing}, which --inputs ({sorted(inputs)}) does not")
    for name, output in outputs.items():
        print(f"{output}: {merge_shuffled(inputs[name], output, a.seed)} events")


def validate(a):
    from hepml.benchmark.generation.variations import (variation_cards, variation_reports, variations_figure,
                                                       variations_markdown)
    from hepml.core.atomic import read_json, write_json, write_text
    from hepml.core.plotting import save

    shards = a.inputs["shards"]
    records = {name: [read_json(r) for r in paths] for name, paths in a.inputs["records"].items()}
    reports = variation_reports(a.dataset, shards, records, variation_cards(a.detector, a.sources, a.generator, a.shower))
    write_json(a.json, reports)
    text = variations_markdown(a.dataset, reports)
    write_text(a.markdown, text)
    save(variations_figure(a.dataset, reports, shards), a.plots)
    print(text)


def score(a):
    from hepml.core.cli import seeds_of
    from hepml.core.records import Cell
    from hepml.pipeline.systematics import score_variations, variation_metric_paths

    seeds, variations = seeds_of(a.models), named_path(a.variations)
    score_variations(Cell(**a.cell), seeds, a.models, a.histories, a.val, variations, a.significance,
                     variation_metric_paths(a.metrics_dir, variations, seeds))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="one shard of one process through every card")
    g.add_argument("--dataset", required=True)
    g.add_argument("--process", required=True)
    g.add_argument("--shard", type=int, required=True)
    g.add_argument("--events", type=int, required=True)
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--generation", type=json_arg, required=True)
    g.add_argument("--detector", type=json_arg, required=True, help="JSON: the nominal detector card")
    g.add_argument("--sources", type=json_arg, default={},
                   help="JSON: systematics.sources (the detector cards; none with --variation)")
    g.add_argument("--generator", type=json_arg, default={},
                   help="JSON: systematics.generator (needed with --variation only)")
    g.add_argument("--shower", type=json_arg, help='JSON {"sources": systematics.shower, "settings": '
                   "systematics.shower_settings}: the nominal card's events "
                   "carry these variations' weights; none by default")
    g.add_argument("--variation", help="a generator variation (<source>_alt) to generate; default: every detector card")
    g.add_argument("--outputs", nargs="+", required=True, help="VARIATION=PATH, one per card")
    g.add_argument("--record", required=True)
    g.set_defaults(func=generate)
    m = sub.add_parser("merge", help="each card's shards into one shuffled store file")
    m.add_argument("--inputs", type=json_arg, required=True,
                   help='JSON {"shards": {variation: its shards}}, or @file holding it')
    m.add_argument("--outputs", nargs="+", required=True, help="VARIATION=PATH")
    m.add_argument("--seed", type=int, required=True)
    m.set_defaults(func=merge)
    v = sub.add_parser("validate", help="every card's validation report and what it shifts")
    v.add_argument("--dataset", required=True)
    v.add_argument("--inputs", type=json_arg, required=True,
                   help='JSON {"shards": {variation: its shards}, "records": {variation: their records}}, or @file')
    v.add_argument("--detector", type=json_arg, required=True)
    v.add_argument("--sources", type=json_arg, required=True)
    v.add_argument("--generator", type=json_arg, required=True)
    v.add_argument("--shower", type=json_arg, required=True, help="JSON: systematics.shower")
    v.add_argument("--markdown", required=True)
    v.add_argument("--json", required=True)
    v.add_argument("--plots", nargs="+", required=True)
    v.set_defaults(func=validate)
    s = sub.add_parser("score", help="a benchmark cell's seeds on every card's events")
    s.add_argument("--cell", type=json_arg, required=True, help="JSON: the benchmark cell")
    s.add_argument("--models", nargs="+", required=True)
    s.add_argument("--histories", nargs="+", required=True)
    s.add_argument("--val", required=True, help="the nominal validation part (cut and bins are chosen on it)")
    s.add_argument("--variations", nargs="+", required=True, help="VARIATION=PATH, the nominal one among them")
    s.add_argument("--significance", type=json_arg, required=True)
    s.add_argument("--metrics-dir", required=True,
                   help="the cell's metrics directory: each record goes to syst_<variation>/seed<k>.json below it")
    s.set_defaults(func=score)
    a = p.parse_args()
    a.func(a)


if __name__ == "__main__":
    run_main(main)
