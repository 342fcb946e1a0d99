# Shared helpers: result paths, config slices passed to the scripts, target lists.
import json
import os
import sys

# Jobs run the scripts with the Python that runs Snakemake (e.g. the project's .venv).
os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
ENV = "../envs/hepml.yaml"
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
    flavour="quark|gluon",
    jsource="pythia|energyflow",
    tagger="cnn|bdt",
    method="supervised|cwola|llp",
    f1=r"[0-9.]+",
    f2=r"[0-9.]+",


def as_json(value):
    """A config value quoted for the shell as one JSON argument."""
    text = json.dumps(value, sort_keys=True).replace("'", "'\\''")
    return f"'{text}'"


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


JETS = config.get("jets", {"enabled": False})
JSOURCE = JETS.get("source", "pythia")
EF_DIR = JETS.get("energyflow", {}).get("dir", "resources/energyflow")


def jet_shards():
    g = JETS["generation"]
    return [f"{RESULTS}/jets/pythia/shards/{f}_{i}.root" for f in ("quark", "gluon") for i in range(g["shards"])]


def energyflow_entry(name):
    from hepml.jets.energyflow import FILES, ZENODO

    for file_name, sha in FILES:
        if file_name == name:
            return ZENODO.format(file_name), sha
    raise ValueError(f"{name!r} is not an EnergyFlow quark/gluon file")


def energyflow_url(name):
    return energyflow_entry(name)[0]


def energyflow_sha256(name):
    return energyflow_entry(name)[1]


def energyflow_files():
    from hepml.jets.energyflow import FILES

    return [f"{EF_DIR}/{name}" for name, _ in FILES[: JETS.get("energyflow", {}).get("n_files", 1)]]


def jet_metric_files(jsource):
    return [f"{RESULTS}/jets/{jsource}/metrics/{t}/seed{s}.json" for t in JETS["taggers"] for s in JETS["seeds"]]


def jet_report_files():
    if not JETS.get("enabled"):
        return []
    out = [f"{RESULTS}/tables/jets_{JSOURCE}.{ext}" for ext in ("csv", "md")]
    out += [f"{RESULTS}/plots/jets_{JSOURCE}_{kind}.{ext}" for kind in ("roc_sic", "average_images") for ext in ("png", "pdf")]
    return out


WEAK = config.get("weak", {"enabled": False})


def weak_metric_files(jsource):
    f1 = WEAK["f1"]
    out = [f"{RESULTS}/weak/{jsource}/supervised_f1_{f1}_f2_{f1}.json"]
    out += [f"{RESULTS}/weak/{jsource}/{m}_f1_{f1}_f2_{f2}.json" for m in WEAK["methods"] for f2 in WEAK["f2"]]
    return out


def weak_report_files():
    if not (WEAK.get("enabled") and JETS.get("enabled")):
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


def manifest_artifacts():
    """Every artifact of the run, by the rule that makes it."""
    out = {"report": report_files()}
    if JETS.get("enabled"):
        out["jet_report"] = jet_report_files()
        out["train_jet_tagger"] = jet_metric_files(JSOURCE) + [
            f"{RESULTS}/jets/{JSOURCE}/models/{t}/seed{s}.model" for t in JETS["taggers"] for s in JETS["seeds"]]
        out["jet_images"] = [f"{RESULTS}/jets/{JSOURCE}/images/{p}.npz" for p in ("train", "val", "test")]
    if weak_report_files():
        out["weak_report"] = weak_report_files()
        out["weak_train"] = weak_metric_files(JSOURCE)
    for d in config["datasets"]:
        out.setdefault("metrics", []).extend(metric_files(d, SOURCE))
        out.setdefault("evaluate", []).extend(score_files(d, SOURCE))
        for f, m, s in runs(d, SOURCE):
            rule_name = "train_bdt" if m == "bdt" else "train_nn"
            base = f"{RESULTS}/models/{d}/{SOURCE}/{f}/{m}/seed{s}"
            out.setdefault(rule_name, []).extend([f"{base}.{model_ext(m)}", f"{base}.history.json"])
        out.setdefault("split", []).extend(f"{RESULTS}/data/{d}/{SOURCE}/split/{p}.root" for p in ("train", "val", "test"))
        out.setdefault("merge_shards" if SOURCE == "pythia" else "convert_uci", []).append(
            f"{RESULTS}/data/{d}/{SOURCE}/events.root")
    return out


def source_inputs():
    out = []
    if SOURCE == "uci":
        out += [f"{config['uci']['dir']}/{config['uci']['files'][d]['name']}" for d in config["datasets"]]
    elif "susy" in config["datasets"]:
        out.append(config["generation"]["susy"]["slha"])
    if JETS.get("enabled") and JSOURCE == "energyflow":
        out += energyflow_files()
    return out
