# Shared helpers: result paths, the config slices passed to the scripts, target lists.
# Every value that reaches a shell command goes through {...:q} (shell quoting); config strings
# are constrained by the schema, and configured paths were checked to stay inside the project.
import json
import os
import re
import sys

# Jobs run the scripts with the Python that runs Snakemake (e.g. the project's .venv).
os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", os.defpath)])
ENV = "../envs/hepml.yaml"
RESULTS = f"results/{config['version']}"
SOURCE = config["source"]
NETWORKS = sorted(config["networks"])
JETS = config["jets"]
JSOURCE = JETS["source"]
EF_DIR = JETS["energyflow"]["dir"]
WEAK = config["weak"]
UCI_DIR = config["uci"]["dir"]
DATA_DIRS = "|".join(re.escape(d) for d in (UCI_DIR, EF_DIR))


wildcard_constraints:
    dataset="higgs|susy",
    source="pythia|uci",
    fset="low|high|complete",
    process="signal|background",
    part="train|val|test",
    shard=r"\d+",
    seed=r"\d+",
    model="[a-z][a-z0-9_]*",
    flavour="quark|gluon",
    jsource="pythia|energyflow",
    tagger="cnn|bdt",
    method="supervised|cwola|llp",
    f1=r"[0-9.]+",
    f2=r"[0-9.]+",
    name=r"[A-Za-z0-9][A-Za-z0-9._-]*",


def as_json(value):
    """A config value as one JSON string (quote it in the command with :q)."""
    return json.dumps(value, sort_keys=True)


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


def model_files(dataset, source):
    return [f"{RESULTS}/models/{dataset}/{source}/{f}/{m}/seed{s}.{model_ext(m)}" for f, m, s in runs(dataset, source)]


def report_files():
    out = []
    for d in config["datasets"]:
        out += [f"{RESULTS}/tables/{d}_{SOURCE}.{ext}" for ext in ("csv", "md", "tex")]
        out += [f"{RESULTS}/plots/{d}_{SOURCE}_roc.{ext}" for ext in ("png", "pdf")]
        out += [f"{RESULTS}/plots/{d}_{SOURCE}_features.{ext}" for ext in ("png", "pdf")]
        out += model_files(d, SOURCE)
        if SOURCE == "pythia":
            out += [f"{RESULTS}/validation/{d}.{ext}" for ext in ("md", "json", "png", "pdf")]
    return out


def jet_shards():
    g = JETS["generation"]
    return [f"{RESULTS}/jets/pythia/shards/{f}_{i}.root" for f in ("quark", "gluon") for i in range(g["shards"])]


def energyflow_entry(name):
    from hepml.jets.energyflow import FILES, ZENODO

    for file_name, sha in FILES:
        if file_name == name:
            return ZENODO.format(file_name), sha
    raise ValueError(f"{name!r} is not an EnergyFlow quark/gluon file")


def energyflow_files():
    from hepml.jets.energyflow import FILES

    return [f"{EF_DIR}/{name}" for name, _ in FILES[: JETS["energyflow"]["n_files"]]]


def jet_metric_files(jsource):
    return [f"{RESULTS}/jets/{jsource}/metrics/{t}/seed{s}.json" for t in JETS["taggers"] for s in JETS["seeds"]]


def jet_report_files():
    if not JETS["enabled"]:
        return []
    out = [f"{RESULTS}/tables/jets_{JSOURCE}.{ext}" for ext in ("csv", "md")]
    out += [f"{RESULTS}/plots/jets_{JSOURCE}_{kind}.{ext}" for kind in ("roc_sic", "average_images") for ext in ("png", "pdf")]
    out += [f"{RESULTS}/jets/{JSOURCE}/models/{t}/seed{s}.model" for t in JETS["taggers"] for s in JETS["seeds"]]
    return out


def weak_metric_files(jsource):
    f1 = WEAK["f1"]
    out = [f"{RESULTS}/weak/{jsource}/supervised_f1_{f1}_f2_{f1}.json"]
    out += [f"{RESULTS}/weak/{jsource}/{m}_f1_{f1}_f2_{f2}.json" for m in WEAK["methods"] for f2 in WEAK["f2"]]
    return out


def weak_report_files():
    if not (WEAK["enabled"] and JETS["enabled"]):
        return []
    return [f"{RESULTS}/tables/weak_{JSOURCE}.md"] + [f"{RESULTS}/plots/weak_{JSOURCE}_auc_vs_gap.{e}" for e in ("png", "pdf")]


def all_targets():
    return report_files() + jet_report_files() + weak_report_files() + [f"{RESULTS}/manifest.json"]


def uci_entry(name):
    for entry in config["uci"]["files"].values():
        if entry["name"] == name:
            return entry
    raise ValueError(f"config: no uci.files entry is named {name!r}")


def generation_params(w):
    """Only what this process depends on, so changing e.g. the Higgs masses regenerates only the signal."""
    gen = config["generation"]
    out = {"sqrt_s": gen["sqrt_s"]}
    if w.dataset == "higgs" and w.process == "signal":
        out["higgs"] = gen["higgs"]
    if w.dataset == "susy" and w.process == "signal":
        out["susy"] = gen["susy"]
    return out


def shard_records(dataset):
    n = config["generation"]["shards"]
    return [f"{RESULTS}/data/{dataset}/pythia/shards/{p}_{i}.json" for p in ("signal", "background") for i in range(n)]


def source_checksums():
    """{source data file: its verified-checksum stamp}: the inputs the manifest records."""
    out = {}
    if SOURCE == "uci":
        for d in config["datasets"]:
            name = config["uci"]["files"][d]["name"]
            out[f"{UCI_DIR}/{name}"] = f"{UCI_DIR}/.{name}.sha256"
    if JETS["enabled"] and JSOURCE == "energyflow":
        for f in energyflow_files():
            out[f] = f"{os.path.dirname(f)}/.{os.path.basename(f)}.sha256"
    return out


def expected_checksums():
    """{source data file: the SHA-256 the config (or the EnergyFlow record) expects}."""
    out = {}
    if SOURCE == "uci":
        for d in config["datasets"]:
            entry = config["uci"]["files"][d]
            out[f"{UCI_DIR}/{entry['name']}"] = entry["sha256"]
    if JETS["enabled"] and JSOURCE == "energyflow":
        for f in energyflow_files():
            out[f] = energyflow_entry(os.path.basename(f))[1]
    return out


def download_entry(w):
    """{"mirrors": [...], "sha256": ...} of the source file ``w.datadir/w.name``."""
    if w.datadir == UCI_DIR:
        entry = uci_entry(w.name)
        return {"mirrors": entry["mirrors"], "sha256": entry["sha256"]}
    url, sha = energyflow_entry(w.name)
    return {"mirrors": [{"url": url}], "sha256": sha}
