#!/usr/bin/env python
"""Quark/gluon jet study: generate, convert, merge, split, image, train and report (subcommands)."""
import argparse


from hepml.cliutil import json_arg, run_main


def generate(a):
    from hepml.jets.generation import generate_jet_shard
    n = generate_jet_shard(a.flavour, a.shard, a.events, a.seed, a.generation, a.output, a.record)
    print(f"{a.output}: {n} jets")


def convert(a):
    from hepml.jets.energyflow import convert_npz
    print(f"{a.output}: {convert_npz(a.inputs, a.output, a.max_jets or None)} jets")


def merge(a):
    from hepml.splits import merge_shuffled
    print(f"{a.output}: {merge_shuffled(a.inputs, a.output, a.seed)} jets")


def split(a):
    from hepml.splits import split_store
    print(split_store(a.input, {"train": a.train, "val": a.val, "test": a.test}, a.fractions))


def images(a):
    from hepml.jets.tagging import make_images
    make_images(a.input, a.output, a.images)


def train(a):
    from hepml.bdt import save_bdt
    from hepml.jets import tagging
    from hepml.atomic import write_json
    from hepml.training import Recipe

    tr, va, te = (tagging.load_images(p) for p in (a.train, a.val, a.test))
    if a.tagger == "cnn":
        model, history = tagging.train_cnn(tr, va, a.cnn, Recipe.from_dict(a.recipe), a.seed,
                                           a.cnn["device"], a.threads)
        tagging.save_cnn(model, a.cnn, tr["images"].shape[1:], a.model)
        scores = tagging.cnn_scores(model, te["images"])
    elif a.tagger == "bdt":
        booster, history = tagging.train_observable_bdt(tr, va, a.bdt, a.seed, a.threads)
        save_bdt(booster, list(tagging.OBSERVABLES), a.model)
        scores = tagging.observable_bdt_scores(booster, te)
    else:
        raise ValueError(f"unknown tagger {a.tagger!r}; expected cnn or bdt")
    write_json(a.metrics, {"tagger": a.tagger, "seed": a.seed, "history": history,
                           **tagging.tagger_metrics(scores, te["labels"])})


def report(a):
    from hepml.jets import report, tagging
    from hepml.tables import load_records
    records = load_records(a.metrics)
    test = tagging.load_images(a.test)
    for name in tagging.OBSERVABLES:
        records.append({"tagger": name, "seed": 0,
                        **tagging.tagger_metrics(tagging.single_observable_scores(test, name), test["labels"])})
    rows = report.summarise(records)
    report.write_table(rows, a.title, a.csv, a.markdown)
    report.save(report.curves_figure(records, a.title), a.curves)
    train_images = tagging.load_images(a.train)
    report.save(report.average_images_figure(train_images["images"], train_images["labels"], a.half_width), a.average)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="one shard of Z+jet events of one flavour")
    g.add_argument("--flavour", required=True, choices=["quark", "gluon"])
    g.add_argument("--shard", type=int, required=True)
    g.add_argument("--events", type=int, required=True)
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--generation", type=json_arg, required=True)
    g.add_argument("--output", required=True)
    g.add_argument("--record", required=True)
    g.set_defaults(func=generate)
    c = sub.add_parser("convert", help="EnergyFlow .npz files to a jet file")
    c.add_argument("--inputs", nargs="+", required=True)
    c.add_argument("--max-jets", type=int, required=True, help="0 for all")
    c.add_argument("--output", required=True)
    c.set_defaults(func=convert)
    m = sub.add_parser("merge", help="concatenate and shuffle jet files")
    m.add_argument("--inputs", nargs="+", required=True)
    m.add_argument("--seed", type=int, required=True)
    m.add_argument("--output", required=True)
    m.set_defaults(func=merge)
    s = sub.add_parser("split", help="train/val/test parts of a jet file")
    s.add_argument("--input", required=True)
    s.add_argument("--fractions", type=json_arg, required=True)
    for part in ("train", "val", "test"):
        s.add_argument(f"--{part}", required=True)
    s.set_defaults(func=split)
    i = sub.add_parser("images", help="jet images, labels and observables (.npz)")
    i.add_argument("--input", required=True)
    i.add_argument("--images", type=json_arg, required=True)
    i.add_argument("--output", required=True)
    i.set_defaults(func=images)
    t = sub.add_parser("train", help="train a tagger and score the test jets")
    t.add_argument("--tagger", required=True)
    t.add_argument("--seed", type=int, required=True)
    t.add_argument("--cnn", type=json_arg, required=True)
    t.add_argument("--recipe", type=json_arg, required=True)
    t.add_argument("--bdt", type=json_arg, required=True)
    t.add_argument("--threads", type=int, required=True)
    for f in ("train", "val", "test", "model", "metrics"):
        t.add_argument(f"--{f}", required=True)
    t.set_defaults(func=train)
    r = sub.add_parser("report", help="table, ROC/SIC curves and average images")
    r.add_argument("--metrics", nargs="+", required=True)
    r.add_argument("--train", required=True)
    r.add_argument("--test", required=True)
    r.add_argument("--title", required=True)
    r.add_argument("--half-width", type=float, required=True)
    for f in ("csv", "markdown"):
        r.add_argument(f"--{f}", required=True)
    r.add_argument("--curves", nargs="+", required=True)
    r.add_argument("--average", nargs="+", required=True)
    r.set_defaults(func=report)
    a = p.parse_args()
    a.func(a)


if __name__ == "__main__":
    run_main(main)
