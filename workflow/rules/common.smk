# Shared helpers: result paths, config slices passed to the scripts, target lists.
import json
import sys

PY = sys.executable
RESULTS = f"results/{config['version']}"
SOURCE = config["source"]
NETWORKS = sorted(config["networks"])


wildcard_constraints:
    dataset="higgs|susy",
    source="pythia|uci",
    fset="low|high|complete",
    process="signal|background",
    part="train|val|test",
    shard=r"\d+",
    seed=r"\d+",
    model="[a-z][a-z0-9_]*",


def as_json(value):
    """A config value quoted for the shell as one JSON argument."""
    return "'" + json.dumps(value, sort_keys=True).replace("'", "'\\''") + "'"


def check_config():
    unknown = [m for m in config["models"] if m != "bdt" and m not in config["networks"]]
    if unknown:
        raise ValueError(f"config: models {unknown} are neither 'bdt' nor a key of 'networks'")
    if config["recipe"] not in config["recipes"]:
        raise ValueError(f"config: recipe {config['recipe']!r} is not a key of 'recipes'")


check_config()


def model_ext(model):
    return "json" if model == "bdt" else "pt"


def model_path(w):
    return f"{RESULTS}/models/{w.dataset}/{w.source}/{w.fset}/{w.model}/seed{w.seed}.{model_ext(w.model)}"


def network_config(w):
    return {**config["networks"][w.model], "recipe": config["recipes"][config["recipe"]]}


def split_sizes(w):
    return config["split"]["pythia"] if w.source == "pythia" else config["split"]["uci"][w.dataset]


def runs(dataset, source):
    """(feature set, model, seed) of every training of a dataset."""
    return [(f, m, s) for f in config["feature_sets"] for m in config["models"] for s in config["seeds"]]


def metric_files(dataset, source):
    return [f"{RESULTS}/metrics/{dataset}/{source}/{f}/{m}/seed{s}.json" for f, m, s in runs(dataset, source)]


def score_files(dataset, source):
    return [f"{RESULTS}/scores/{dataset}/{source}/{f}/{m}/seed{s}.npz" for f, m, s in runs(dataset, source)]


def report_files():
    out = []
    for d in config["datasets"]:
        out += [f"{RESULTS}/tables/{d}_{SOURCE}.{ext}" for ext in ("csv", "md", "tex")]
        out += [f"{RESULTS}/plots/{d}_{SOURCE}_roc.{ext}" for ext in ("png", "pdf")]
        out += [f"{RESULTS}/plots/{d}_{SOURCE}_features.{ext}" for ext in ("png", "pdf")]
    return out


def all_targets():
    return report_files() + [f"{RESULTS}/manifest.json"]
