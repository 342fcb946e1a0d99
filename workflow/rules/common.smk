# Shared helpers: result paths, the cells of every study (hepml.pipeline.cells), target lists.
# Every value that reaches a shell command goes through {...:q} (shell quoting); config strings
# are constrained by the schema, and configured paths were checked to stay inside the project.
import json
import os
import re
import sys

from hepml.core.atomic import write_json, write_text
from hepml.core.code_deps import code_files
from hepml.core.datasets import dataset_names, get_dataset, process_regex, sources
from hepml.benchmark.generation.variations import (NOMINAL, detector_variation_names, evaluation_of,
                                                   generator_variation_names, shower_variation_names, variation_names)
from hepml.pipeline import cells as studies
from hepml.pipeline.models import spec_json
from hepml.weak.mismodelled_data import SOURCE_PATTERN as ALT_SOURCE, alt_value, data_generation, is_alt

# Jobs run the scripts with the Python that runs Snakemake (e.g. the project's .venv).
os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", os.defpath)])
ENV = "../envs/hepml.yaml"
RESULTS = f"results/{config['version']}"
SOURCE = config["source"]
SEEDS = config["seeds"]
JETS = config["jets"]
JSOURCE = JETS["source"]
EF_DIR = JETS["energyflow"]["dir"]
UCI_DIR = config["uci"]["dir"]
DATA_DIRS = "|".join(re.escape(d) for d in (UCI_DIR, EF_DIR))
CELLS = studies.all_cells(config)
DATASETS = {name: get_dataset(name) for name in dataset_names()}   # the registry, hepml/core/datasets.py
PARAM = config["parameterized"]
MISMOD = config["mismodelling"]
MISMOD_SOURCES = studies.mismodelling_sources(config)   # the mis-modelled quark/gluon data samples
JET_DATASET = dataset_names("jets")[0]   # the quark/gluon jets (the registry's jets study)
NETWORK_MODELS = "|".join(sorted(studies.network_models(config)))
OTHER_MODELS = "|".join(sorted(studies.other_models()))
CELL = "{study}/{dataset}/{source}/{fset}/{model}/{task}"
STUDY_NAMES = ("benchmark", "jets", "weak", "learning_curve", "parameterized", *studies.EVALUATION_STUDIES)
STACKED = studies.stacked_feature_sets(config)   # {study: feature sets} trained as one stack per job
UNSTACKED_STUDIES = "|".join(s for s in STUDY_NAMES if s not in STACKED)
# The console shows a job as one line, its rule's message (what it makes: study, dataset, model,
# seeds); HEPML_JOB_DETAILS=1 shows Snakemake's full job blocks instead (inputs, outputs, wildcards).
JOB_DETAILS = os.environ.get("HEPML_JOB_DETAILS", "") not in ("", "0")


wildcard_constraints:
    study="|".join(STUDY_NAMES),
    dataset="|".join(DATASETS),
    source="|".join([*sources(), ALT_SOURCE]),
    process=process_regex(),
    part="train|val|test",
    shard=r"\d+",
    fset="[a-z_]+",
    model="[a-z][a-z0-9_]*",
    task="[a-z0-9_.]+",
    evaluation=f"test|m[0-9]+|{ALT_SOURCE}",
    name=r"[A-Za-z0-9][A-Za-z0-9._-]*",


def long_pole_first(w):
    """Scheduling priority: the jobs on the way to the longest training (the CNN on jet images, 4-5
    minutes on one core of the default run) start before the rest, so it does not end the run alone."""
    on_jets = "dataset" not in w.keys() or is_jets(w.dataset)   # jet_features: the jets' rule without one
    return int(on_jets and ("model" not in w.keys() or w.model == "cnn"))


def job_message(text):
    return None if JOB_DETAILS else text


def code(script):
    """The script and the hepml modules it imports: inputs of its rule, so that editing one reruns
    exactly the jobs that run it (downloads excepted: their files are pinned by SHA-256)."""
    return [os.path.relpath(os.path.join(workflow.basedir, f)) for f in code_files(script, workflow.basedir)]


def as_json(value):
    """A config value as one JSON string (quote it in the command with :q)."""
    return json.dumps(value, sort_keys=True)


def cell_of(w, evaluation="test"):
    return studies.Cell(w.study, w.dataset, w.source, w.fset, w.model, w.task, evaluation)


def spec(w):
    return studies.model_spec(config, cell_of(w))


def stack_param(study, fset, value):
    """A param of a stack's job: ``value(spec, cell)`` of the cell of one of its feature sets (a
    stack's model and task do not depend on the feature set)."""
    def param(w):
        cell = studies.Cell(study, w.dataset, w.source, fset, w.model, w.task)
        return value(studies.model_spec(config, cell), cell)

    return param


def model_files(cell):
    return [f"{RESULTS}/models/{cell.path}/seed{s}.model" for s in SEEDS]


def onnx_files(cell):
    """The ONNX exports of a cell's networks (none for BDTs and observables)."""
    if not studies.model_spec(config, cell).is_network:
        return []
    return [f"{RESULTS}/models/{cell.path}/seed{s}.onnx" for s in SEEDS]


def metric_files(cells):
    return [f"{RESULTS}/metrics/{c.path}/{c.evaluation}/seed{s}.json" for c in cells for s in SEEDS]


def study_histories(study, dataset, source):
    """{cell label: its seeds' training histories} of the cells a study of one sample trains (a
    parameterized network evaluated at several masses is one cell here)."""
    out = {}
    for c in studies.study_cells(config, study, dataset, source):
        label = f"{c.model} / {c.feature_set}" + ("" if c.task in ("all", "supervised") else f" / {c.task}")
        out[label] = [f"{RESULTS}/models/{c.path}/seed{s}.history.json" for s in SEEDS]
    return out


def ensemble_files(cells, kind="metrics"):
    """The seed ensembles' metric records (kind "scores": their scores and spreads) of ``cells``."""
    ext = "json" if kind == "metrics" else "npz"
    return [f"{RESULTS}/{kind}/{c.path}/{c.evaluation}/ensemble.{ext}" for c in cells]


def shown_records(study, dataset, source):
    """The metric records one study of one sample shows: every seed's, and the seed ensembles' where
    the study shows them."""
    cells = studies.study_cells(config, study, dataset, source)
    return metric_files(cells) + (ensemble_files(cells) if studies.shows_seed_ensemble(study) else [])


def study_metrics(w):
    """The metric records of every cell of one study of one sample."""
    return shown_records(w.study, w.dataset, w.source)


def is_jets(dataset):
    """A jet dataset: arrays per jet in .npz feature files (not a store of named event columns)."""
    return DATASETS[dataset].store == "jets"


def is_parameterized(dataset):
    """A dataset generated at several parameter points (the parameterized study's masses)."""
    return DATASETS[dataset].parameter is not None


def generation_files(w):
    """The files a process's generation reads (the registry's config_files: e.g. the SUSY spectrum)."""
    keys = DATASETS[w.dataset].config_files.get(w.process)
    if not keys:
        return []
    node = config
    for k in keys:
        node = node[k]
    return [node]


def part_file(dataset, source, part):
    """The file a model reads a split part from: the store, or the jet features."""
    if is_jets(dataset):
        return f"{RESULTS}/data/{dataset}/{source}/features/{part}.npz"
    return f"{RESULTS}/data/{dataset}/{source}/split/{part}.root"


def split_sizes_key(w):
    """The config key the split sizes of a sample come from (named in the split's errors)."""
    return f"split.uci.{w.dataset}" if w.source == "uci" else ("jets.split" if is_jets(w.dataset) else "split.pythia")


def split_sizes(w):
    node = config
    for key in split_sizes_key(w).split("."):
        node = node[key]
    return node


def shards(dataset, source="pythia"):
    """The shard files (without suffix) a generated sample is merged from (``source``: pythia, or a
    mis-modelled quark/gluon sample ``alt_<value>``)."""
    ds = DATASETS[dataset]
    if source != "pythia":
        return [f"{RESULTS}/data/{dataset}/{source}/shards/{p}_{i}" for p in ds.processes for i in range(MISMOD["shards"])]
    if ds.generates_as:   # signal at each mass point; the background of the dataset it generates as
        signal = [f"{RESULTS}/data/{dataset}/pythia/shards/{ds.processes[0]}_m{m}_{i}" for m in PARAM["masses"]
                  for i in range(PARAM["shards"])]
        background = ds.processes[-1] + "_"
        return signal + [s for s in shards(ds.generates_as) if os.path.basename(s).startswith(background)]
    n = JETS["generation"]["shards"] if is_jets(dataset) else config["generation"]["shards"]
    return [f"{RESULTS}/data/{dataset}/pythia/shards/{p}_{i}" for p in ds.processes for i in range(n)]


def shard_masses(dataset):
    """JSON: each shard's signal mass (null for background), or null outside the parameterized study."""
    if not is_parameterized(dataset):
        return "null"
    return as_json([float(s.split("signal_m")[1].split("_")[0]) if "signal_m" in s else None for s in shards(dataset)])


def training_masses(dataset):
    from hepml.parameterized.masses import training_masses

    return as_json(training_masses(PARAM) if is_parameterized(dataset) else None)


def generation_params(w):
    """Only what this process depends on, so changing e.g. the Higgs masses regenerates only the signal."""
    if is_parameterized(w.dataset):
        from hepml.parameterized.masses import higgs_masses

        gen = config["generation"]
        mass = float(w.process.removeprefix("signal_m"))
        recipe = DATASETS[w.dataset].generates_as   # the generation config of the dataset it generates as
        masses = higgs_masses(mass, PARAM, gen[recipe]["masses"]["h"])
        return {"sqrt_s": gen["sqrt_s"], recipe: {"masses": masses, "widths": gen[recipe]["widths"]}}
    if is_jets(w.dataset):
        nominal = {k: v for k, v in JETS["generation"].items() if k not in ("shards", "events_per_shard", "seed")}
        value = alt_value(w.source)
        return nominal if value is None else data_generation(nominal, MISMOD["parameter"], value)
    gen = config["generation"]
    out = {"sqrt_s": gen["sqrt_s"]}
    if w.process == "signal":
        out[w.dataset] = gen[w.dataset]
    return out


def generation_events(w):
    if w.source != "pythia":
        return MISMOD["events_per_shard"]
    if is_parameterized(w.dataset):
        return PARAM["events_per_shard"]
    if is_jets(w.dataset):
        return JETS["generation"]["events_per_shard"]
    return config["generation"]["events_per_shard"][w.dataset][w.process]


def generation_seed(dataset, source="pythia"):
    if source != "pythia":
        return MISMOD["seed"]
    return JETS["generation"]["seed"] if is_jets(dataset) else config["generation"]["seed"]


def report_context():
    """What the studies' reports take from the config (hepml.pipeline.reports.StudyReport.context)."""
    return {"held_out": PARAM["held_out"], "parameter": MISMOD["parameter"], "nominal": mismodelling_nominal()}


def mismodelling_nominal():
    """The mis-modelled parameter's value in the simulation where the config sets it (None: Pythia's default)."""
    return JETS["generation"]["parameters"].get(MISMOD["parameter"])



def study_outputs(study, dataset, source):
    base = f"{RESULTS}/tables/{study}_{dataset}_{source}"
    plots = f"{RESULTS}/plots/{study}_{dataset}_{source}"
    tables = [f"{base}.{e}" for e in ("csv", "md", "tex")]
    training = ([f"{RESULTS}/plots/training/{study}_{dataset}_{source}.{e}" for e in ("png", "pdf")]
                if studies.trains(study) else [])
    calibration = ([f"{RESULTS}/plots/calibration/{study}_{dataset}_{source}.{e}" for e in ("png", "pdf")]
                   if studies.shows_seed_ensemble(study) else [])
    validation = ([f"{RESULTS}/validation/qg_mismodelling.{e}" for e in ("md", "json", "png", "pdf")]
                  if study == "mismodelling" else [])   # what the data's parameter does to the jets
    return tables + [f"{plots}.{e}" for e in ("png", "pdf")] + training + calibration + validation


def calibration_panels(study, dataset, source):
    """{feature set: {model (and task, if not every event's labels): its seed ensemble's scores}}
    of one study of one sample."""
    out = {}
    for c in studies.study_cells(config, study, dataset, source):
        label = c.model if c.task in ("all", "supervised") else f"{c.model} / {c.task}"
        out.setdefault(c.feature_set, {})[label] = ensemble_files([c], "scores")[0]
    return out


def report_files():
    out = []
    for study, dataset, source in study_samples():
        out += study_outputs(study, dataset, source)
    for d in config["datasets"]:
        out += [f"{RESULTS}/plots/{d}_{SOURCE}_features.{e}" for e in ("png", "pdf")]
        if SOURCE == "pythia":
            out += [f"{RESULTS}/validation/{d}.{e}" for e in ("md", "json", "png", "pdf")]
    for d in studies.systematics_datasets(config):
        out += [f"{RESULTS}/validation/{d}_variations.{e}" for e in ("md", "json", "png", "pdf")]
    if JETS["enabled"]:
        out += [f"{RESULTS}/plots/qg_{JSOURCE}_features.{e}" for e in ("png", "pdf")]
    for path in dict.fromkeys(f for cell in CELLS for f in model_files(cell) + onnx_files(cell)):
        out.append(path)
    return out


def study_samples():
    """(study, dataset, source) of every table the run makes."""
    trained = dict.fromkeys((c.study, c.dataset, c.source) for c in CELLS)
    return list(trained) + studies.evaluation_study_samples(config)


def study_record_files():
    """{"study/dataset/source": the metric records its tables show}."""
    return {"/".join(k): shown_records(*k) for k in study_samples()}


def named_targets():
    """Target rules by name: a study (``benchmark``), a study on one dataset (``benchmark_higgs``: its
    tables, figures and training curves), and one model's cells of that (``benchmark_higgs_bdt``:
    trained and scored, with their metric records; a table needs every model of its study)."""
    out = {}
    for study, dataset, source in study_samples():
        files = study_outputs(study, dataset, source)
        out.setdefault(study, []).extend(files)
        out[f"{study}_{dataset}"] = files
        cells = studies.study_cells(config, study, dataset, source)
        for model in dict.fromkeys(c.model for c in cells):
            out[f"{study}_{dataset}_{model}"] = metric_files([c for c in cells if c.model == model])
    return out


def all_targets():
    return report_files() + [f"{RESULTS}/hepdata/submission.tar.gz", f"{RESULTS}/manifest.json"]


def uci_entry(name):
    for entry in config["uci"]["files"].values():
        if entry["name"] == name:
            return entry
    raise ValueError(f"config: no uci.files entry is named {name!r}")


def energyflow_entry(name):
    from hepml.jets.energyflow import FILES, ZENODO

    for file_name, sha in FILES:
        if file_name == name:
            return ZENODO.format(file_name), sha
    raise ValueError(f"{name!r} is not an EnergyFlow quark/gluon file")


def energyflow_files():
    from hepml.jets.energyflow import FILES

    return [f"{EF_DIR}/{name}" for name, _ in FILES[: JETS["energyflow"]["n_files"]]]


def download_entry(w):
    """{"mirrors": [...], "sha256": ...} of the source file ``w.datadir/w.name``."""
    if w.datadir == UCI_DIR:
        entry = uci_entry(w.name)
        return {"mirrors": entry["mirrors"], "sha256": entry["sha256"]}
    url, sha = energyflow_entry(w.name)
    return {"mirrors": [{"url": url}], "sha256": sha}


def source_files(w):
    """The verified source files a converted sample is made from, and their stamps."""
    if w.source == "uci":
        files = [f"{UCI_DIR}/{config['uci']['files'][w.dataset]['name']}"]
    else:
        files = energyflow_files()
    return {"data": files, "verified": [f"{os.path.dirname(f)}/.{os.path.basename(f)}.sha256" for f in files]}


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


# The systematics study's variation sample (workflow/rules/systematics.smk).
SYST = config["systematics"]
VARIATIONS = variation_names(SYST["sources"], SYST["generator"], SYST["shower"])
DETECTOR_VARIATIONS = detector_variation_names(SYST["sources"])   # one generation job makes them all
GENERATOR_VARIATIONS = generator_variation_names(SYST["generator"])   # each generated again
SHOWER_VARIATIONS = shower_variation_names(SYST["shower"])   # the nominal card's events, weighted
FILE_VARIATIONS = DETECTOR_VARIATIONS + GENERATOR_VARIATIONS   # those with events files of their own


def variation_dir(dataset):
    return f"{RESULTS}/data/{dataset}/pythia/variations"


VARIATION_DIR = variation_dir("{dataset}")


def events_of(variation):
    """The variation whose events files a variation reads: a shower variation the nominal card's."""
    return NOMINAL if variation in SHOWER_VARIATIONS else variation


def variation_file(dataset, variation):
    """The merged events of a variation (a shower variation: the nominal card's, weighted)."""
    return f"{variation_dir(dataset)}/{events_of(variation)}.root"


def variation_shards(dataset, variation):
    """The shard files of one card of a dataset's variation sample (signal and background; a shower
    variation: the nominal card's)."""
    return [f"{variation_dir(dataset)}/shards/{p}_{i}_{events_of(variation)}.root"
            for p in DATASETS[dataset].processes for i in range(SYST["shards"])]


def variation_records(dataset, variation):
    """The generation records of one variation's shards (the detector cards share theirs)."""
    suffix = f"_{variation}" if variation in GENERATOR_VARIATIONS else ""
    return [f"{variation_dir(dataset)}/shards/{p}_{i}{suffix}.json"
            for p in DATASETS[dataset].processes for i in range(SYST["shards"])]


def per_variation(files, names=FILE_VARIATIONS):
    """NAME=PATH for files given one per variation, in ``names`` order (quote each with :q)."""
    return [f"{v}={f}" for v, f in zip(names, files, strict=True)]


def variation_inputs(dataset):
    """{"shards": {variation: its shard files}, "records": {variation: its shards' records}}."""
    return {"shards": {v: variation_shards(dataset, v) for v in VARIATIONS},
            "records": {v: variation_records(dataset, v) for v in VARIATIONS}}
