"""Which cells each study trains, and what each cell's model and task read from the config.

Studies (all on the same pipeline: split -> train -> score -> metrics -> tables and plots):

* ``benchmark``: every dataset x feature set x model of the config (Baldi et al. 2014);
* ``jets``: the quark/gluon taggers (CNN on images, PFN on particles, BDT on observables) and each
  observable alone;
* ``weak``: a dense network (or the CNN) trained fully supervised and by CWoLa and LLP on
  mixtures of quark fractions (f1, f2) for every f2 of the scan;
* ``learning_curve``: benchmark cells trained on the first N training events for each N of a
  geometric ladder (its last point, all training events, is the benchmark cell itself);
* ``parameterized``: one network with the mass as an input, trained on the training masses of a
  grid and scored at every mass of it, against a dedicated network at each mass;
* ``systematics``: the benchmark cells, not trained again but scored on the same test-only events
  seen through every detector variation, on the nominal card's events reweighted for the showers'
  scales (shower variations), and on events generated again with Pythia parameters changed
  (generator variations; evaluation ``syst_<variation>``);
* ``mismodelling``: the quark/gluon taggers trained on the nominal simulation, scored on "data"
  generated with one Pythia parameter changed (evaluation ``alt_<value>``), against the weak study's
  CWoLa, LLP and supervised network trained on those data (source ``alt_<value>``).

A cell's model section (network, recipe, BDT settings) is all its jobs are given, so changing
one section reruns only the cells that use it.
"""

from __future__ import annotations

import dataclasses

from ..benchmark.generation.variations import evaluation_of, variation_names
from ..core.records import Cell
from ..jets.observables import OBSERVABLES
from ..weak.mismodelled_data import alt_source
from ..weak.tasks import decimal
from .models import ModelSpec


def benchmark_cells(config: dict) -> list[Cell]:
    return [Cell("benchmark", d, config["source"], f, m, "all")
            for d in config["datasets"] for f in config["feature_sets"] for m in config["models"]]


TAGGER_INPUTS = {"cnn": "images", "pfn": "particles"}   # the networks among the taggers; the others read observables


def jet_cells(config: dict) -> list[Cell]:
    jets = config["jets"]
    if not jets["enabled"]:
        return []
    src = jets["source"]
    taggers = [Cell("jets", "qg", src, TAGGER_INPUTS.get(t, "observables"), t, "all") for t in jets["taggers"]]
    return taggers + [Cell("jets", "qg", src, "observables", o, "all") for o in OBSERVABLES]


def weak_model(config: dict) -> str:
    return "cnn" if config["weak"]["inputs"] == "images" else "dense"


def weak_cells(config: dict) -> list[Cell]:
    weak, jets = config["weak"], config["jets"]
    if not (weak["enabled"] and jets["enabled"]):
        return []
    fset, model = weak["inputs"], weak_model(config)
    out = [Cell("weak", "qg", jets["source"], fset, model, "supervised")]
    out += [Cell("weak", "qg", jets["source"], fset, model, f"{m}_{decimal(weak['f1'])}_{decimal(f2)}")
            for m in weak["methods"] for f2 in weak["f2"]]
    return out


def learning_curve_cells(config: dict) -> list[Cell]:
    lc = config["learning_curve"]
    if not lc["enabled"]:
        return []
    return [Cell("learning_curve", d, config["source"], f, m, f"n{n}")
            for d in config["datasets"] if d in lc["datasets"]
            for f in learning_curve_feature_sets(config) for m in learning_curve_models(config)
            for n in lc["sizes"] if n < (train_cap(config, d) or n + 1)]


def train_cap(config: dict, dataset: str) -> int | None:
    """The most training events a benchmark cell of ``dataset`` has, where the config fixes it:
    ``limits.train``, or the UCI split's training part (a generated sample's size is known only after
    its selection). A learning-curve point at or above it would train the benchmark cell again."""
    caps = [config["limits"]["train"]]
    if config["source"] == "uci":
        caps.append(config["split"]["uci"][dataset]["train"])
    caps = [c for c in caps if c is not None]
    return min(caps) if caps else None


def learning_curve_models(config: dict) -> list[str]:
    """The models of ``learning_curve.models`` that the benchmark trains (a curve ends at its cell)."""
    return [m for m in config["learning_curve"]["models"] if m in config["models"]]


def learning_curve_feature_sets(config: dict) -> list[str]:
    return [f for f in config["learning_curve"]["feature_sets"] if f in config["feature_sets"]]


def parameterized_cells(config: dict) -> list[Cell]:
    p = config["parameterized"]
    if not p["enabled"]:
        return []
    masses = [f"m{int(m)}" for m in p["masses"]]
    param = [Cell("parameterized", "hpar", "pythia", "complete_mass", "param", "param", m) for m in masses]
    return param + [Cell("parameterized", "hpar", "pythia", "complete", "dedicated", m, m) for m in masses]


def stacked_feature_sets(config: dict) -> dict[str, list[str]]:
    """{study: feature sets} whose network cells of one (dataset, source, model, task) train in one
    job as one stack (``training.stack_feature_sets``): the benchmark's and the learning curve's."""
    training = config["training"]
    if not (training["ensemble"] and training["stack_feature_sets"]):
        return {}
    out = {"benchmark": list(config["feature_sets"]), "learning_curve": learning_curve_feature_sets(config)}
    return {study: fsets for study, fsets in out.items() if len(fsets) > 1}


def stacked_network_models(config: dict) -> list[str]:
    """The benchmark's network models (the ones a stack trains)."""
    return [m for m in config["models"] if m in config["networks"]]


def systematics_datasets(config: dict) -> list[str]:
    """The benchmark datasets whose models are scored on the detector variations (generated events only)."""
    syst = config["systematics"]
    if not syst["enabled"] or config["source"] != "pythia":
        return []
    return [d for d in config["datasets"] if d in syst["datasets"]]


def systematics_cells(config: dict, dataset: str) -> list[Cell]:
    """The benchmark cells of ``dataset``, each evaluated on every detector variation
    (``syst_<variation>``): the benchmark's models, scored, not trained again."""
    if dataset not in systematics_datasets(config):
        return []
    syst = config["systematics"]
    names = variation_names(syst["sources"], syst["generator"], syst["shower"])
    return [dataclasses.replace(c, evaluation=evaluation_of(v)) for c in benchmark_cells(config) if c.dataset == dataset
            for v in names]


def mismodelling_sources(config: dict) -> list[str]:
    """The mis-modelled data samples of the quark/gluon jets (generated events only)."""
    mis, jets = config["mismodelling"], config["jets"]
    if not (mis["enabled"] and jets["enabled"] and jets["source"] == "pythia"):
        return []
    return [alt_source(v) for v in mis["values"]]


def mismodelling_cells(config: dict) -> list[Cell]:
    """At the nominal simulation and at every data sample: the taggers trained on the simulation
    (the weak study's network, the jets study's configured taggers), CWoLa and LLP on that sample's
    mixtures (f1 = weak.f1, f2 = mismodelling.f2), and (data only) the network on that sample's truth."""
    alts = mismodelling_sources(config)
    if not alts:
        return []
    mis, weak, nominal = config["mismodelling"], config["weak"], config["jets"]["source"]
    fset, model = weak["inputs"], weak_model(config)
    simulation = [Cell("weak", "qg", nominal, fset, model, "supervised")]
    simulation += [Cell("jets", "qg", nominal, TAGGER_INPUTS.get(t, "observables"), t, "all") for t in mis["taggers"]]
    mixtures = [f"{m}_{decimal(weak['f1'])}_{decimal(mis['f2'])}" for m in weak["methods"]]
    out = []
    for source in [nominal, *alts]:
        data = source != nominal
        out += [dataclasses.replace(c, evaluation=source if data else "test") for c in simulation]
        out += [Cell("weak", "qg", source, fset, model, task) for task in mixtures]
        out += [Cell("weak", "qg", source, fset, model, "supervised")] if data else []
    return out


EVALUATION_STUDIES = ("systematics", "mismodelling")   # studies of cells other studies train: no training of their own


def trains(study: str) -> bool:
    """Whether a study trains its own cells (and so has training curves)."""
    return study not in EVALUATION_STUDIES


def evaluation_study_samples(config: dict) -> list[tuple[str, str, str]]:
    """(study, dataset, source) of the studies that only evaluate other studies' cells."""
    out = [("systematics", d, config["source"]) for d in systematics_datasets(config)]
    return out + ([("mismodelling", "qg", config["jets"]["source"])] if mismodelling_sources(config) else [])


def study_cells(config: dict, study: str, dataset: str, source: str) -> list[Cell]:
    """Every cell a study's tables and figure of one sample show (a learning curve ends with the
    benchmark cell trained on every event; the systematics study evaluates the benchmark's, the
    mismodelling study the jets' and the weak study's)."""
    if study == "systematics":
        return systematics_cells(config, dataset) if source == config["source"] else []
    if study == "mismodelling":
        return mismodelling_cells(config) if (dataset, source) == ("qg", config["jets"]["source"]) else []
    cells = [c for c in all_cells(config) if (c.study, c.dataset, c.source) == (study, dataset, source)]
    if study == "learning_curve":
        cells += [c for c in benchmark_cells(config) if (c.dataset, c.source) == (dataset, source)
                  and c.feature_set in learning_curve_feature_sets(config) and c.model in learning_curve_models(config)]
    return cells


def all_cells(config: dict) -> list[Cell]:
    return (benchmark_cells(config) + jet_cells(config) + weak_cells(config) + learning_curve_cells(config)
            + parameterized_cells(config))


STUDY_NETWORKS = (*TAGGER_INPUTS, "dense", "param", "dedicated")


def network_models(config: dict) -> list[str]:
    """Every model name that is a network: the configured networks and the studies' own."""
    return list(config["networks"]) + list(STUDY_NETWORKS)


def other_models() -> list[str]:
    """The model names that are not networks: the BDT and the single observables."""
    return ["bdt", *OBSERVABLES]


def model_spec(config: dict, cell: Cell) -> ModelSpec:
    """The model of ``cell``: its kind, config section and recipe."""
    if cell.study == "jets":
        jets = config["jets"]
        if cell.model in TAGGER_INPUTS:   # the networks: cnn, pfn
            return ModelSpec(cell.model, jets[cell.model], jets["recipe"])
        if cell.model == "bdt":
            return ModelSpec("bdt", jets["bdt"])
        return ModelSpec("observable", {"column": f"obs_{cell.model}"})
    if cell.study == "weak":
        weak = config["weak"]
        if cell.model == "cnn":
            return ModelSpec("cnn", weak["cnn"], weak["recipe"])
        return ModelSpec("mlp", weak["network"], weak["recipe"])
    if cell.study == "parameterized":
        return ModelSpec("mlp", config["parameterized"]["network"], config["recipes"][config["recipe"]])
    if cell.model == "bdt":
        return ModelSpec("bdt", config["bdt"])
    recipe = config["recipe_by_dataset"].get(cell.dataset) or config["recipe"]
    return ModelSpec("mlp", config["networks"][cell.model], config["recipes"][recipe])


def task_config(config: dict, cell: Cell) -> dict:
    """What the task needs beyond the model (the mixture size of weak supervision)."""
    if cell.study == "weak":
        return {"mixture_fraction": config["weak"]["mixture_fraction"]}
    if cell.study == "parameterized" and cell.task == "param":
        from ..parameterized.masses import training_masses

        return {"training_masses": training_masses(config["parameterized"])}
    return {}


SEED_ENSEMBLE_STUDIES = ("benchmark",)


def shows_seed_ensemble(study: str) -> bool:
    """Whether a study's table and figures show the seed ensemble (the mean score of a cell's seeds)
    beside the seeds' mean and spread (every cell's score job writes it)."""
    return study in SEED_ENSEMBLE_STUDIES


def significance_config(config: dict, cell: Cell) -> dict | None:
    """The significance settings for studies that quote a discovery significance, else None."""
    return config["significance"] if cell.study in ("benchmark", "learning_curve", "parameterized") else None
