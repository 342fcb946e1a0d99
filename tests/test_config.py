"""Every wrong configuration value stops validation with one line naming the key; paths stay inside
the project; nested --config strings become numbers; defaults come from the schema alone."""

import copy
import re
from pathlib import Path

import pytest

from hepml.core.config import SCHEMA, ConfigError, definition_defaults, load_schema, validate_config

ROOT = Path(__file__).resolve().parents[1]


def check(config: dict, project=ROOT) -> dict:
    return validate_config(copy.deepcopy(config), SCHEMA, project)


HOSTILE = [
    ({"split": {"pythia": {"train": 0.6, "val": 0.2, "test": 0.3}}}, r"split.pythia: fractions .* add up to 1.1"),
    ({"split": {"pythia": {"train": 6000, "val": 1000, "test": 3000}}}, r"split.pythia.(train|val|test): \d+ is greater than or equal to the maximum of 1"),
    ({"jets": {"split": {"train": 0.5, "val": 0.1, "test": 0.3}}}, r"jets.split: fractions .* add up to 0.9"),
    ({"weak": {"f1": 0.8, "f2": [0.2, 0.8]}}, r"weak.f2: 0.8 equals weak.f1"),
    ({"jets": {"taggers": []}}, r"jets.taggers: must list at least one item"),
    ({"jets": {"cnn": {"filters": [8, 8], "kernels": [3]}}}, r"jets.cnn: filters \(2 layers\) and kernels \(1 layers\)"),
    ({"jets": {"images": {"npix": 8}, "cnn": {"filters": [4, 4, 4, 4], "kernels": [3, 3, 3, 3]}}},
     r"jets.cnn: 4 conv layers pool a 8x8 image below one pixel at layer 4; use at most 3 layers"),
    ({"weak": {"cnn": {"filters": [4], "kernels": [3], "stride": 2}}}, r"weak.cnn: unknown key 'stride' \(allowed: dense, device, dropout, filters, kernels\)"),
    ({"jets": {"bdt": {"max_dept": 3}}}, r"jets.bdt: unknown key 'max_dept' \(allowed: device, early_stopping_rounds, learning_rate"),
    ({"networks": {"bdt": {"layers": 1, "width": 4}}}, r"networks: 'bdt' is not allowed as a key"),
    ({"models": ["bdt", "huge"]}, r"models: 'huge' is neither one of \['bdt'\] nor a key of networks \(deep, shallow\)"),
    ({"learning_curve": {"models": ["bdt", "deeep"]}}, r"learning_curve.models: 'deeep' is neither one of \['bdt'\] nor a key of networks"),
    ({"recipe": "slow"}, r"recipe: 'slow' is not a key of recipes \(fast, paper, paper_susy\)"),
    ({"recipe_by_dataset": {"susy": "slow"}}, r"recipe_by_dataset.susy: 'slow' is not a key of recipes"),
    ({"source": "web"}, r"source: 'web' is not one of \['pythia', 'uci'\]"),
    ({"detector": {"btag": {"tight": {"b": 0.9, "c": 0.1, "light": 0.001}}}}, r"detector.btag.tight.b: 0.9 exceeds the loose efficiency 0.85"),
    ({"uci": {"files": {"higgs": {"name": "H.csv.gz; touch X #", "sha256": "0" * 64,
                                   "mirrors": [{"url": "https://example.org/H.csv.gz"}]}}}},
     r"uci.files.higgs.name: 'H.csv.gz; touch X #' is not allowed"),
    ({"uci": {"files": {"higgs": {"name": "../../x/HIGGS.csv.gz", "sha256": "0" * 64,
                                   "mirrors": [{"url": "https://example.org/H.csv.gz"}]}}}},
     r"uci.files.higgs.name: '../../x/HIGGS.csv.gz' is not allowed"),
    ({"version": ".."}, r"version: '..' is not allowed"),
    ({"version": "v1; rm -rf ~"}, r"version: 'v1; rm -rf ~' is not allowed"),
    ({"uci": {"dir": "../outside"}}, r"uci.dir: '../outside' resolves to .*, outside the project"),
    ({"jets": {"energyflow": {"dir": "/tmp/energyflow"}}}, r"jets.energyflow.dir: '/tmp/energyflow' resolves to /tmp/energyflow, outside the project"),
    ({"generation": {"susy": {"slha": "config/$(touch X).slha"}}}, r"generation.susy.slha: 'config/\$\(touch X\).slha' is not allowed"),
    ({"uci": {"files": {"higgs": {"name": "HIGGS.csv.gz", "sha256": "0" * 64,
                                   "mirrors": [{"url": "https://x.org/a b"}]}}}}, r"uci.files.higgs.mirrors.0.url: 'https://x.org/a b' is not allowed"),
    ({"bdt": {"max_depth": 0}}, r"bdt.max_depth: 0 is less than the minimum of 1"),
    ({"limits": {"train": "lots"}}, r"limits.train: 'lots' is not of type 'integer', 'null'"),
    # YAML's .nan / .inf pass every minimum and maximum; integer-valued floats pass JSON Schema's `integer`
    ({"recipes": {"fast": {"lr": float("inf")}}}, r"recipes.fast.lr: inf is not a finite number"),
    ({"recipes": {"fast": {"lr": float("nan")}}}, r"recipes.fast.lr: nan is not a finite number"),
    ({"generation": {"sqrt_s": float("inf")}}, r"generation.sqrt_s: inf is not a finite number"),
    ({"significance": {"background_uncertainty": float("-inf")}}, r"significance.background_uncertainty: -inf is not"),
    ({"seeds": [0.0]}, r"seeds.0: 0.0 is a float where an integer is required \(write 0\)"),
    ({"significance": {"bins": 5.0}}, r"significance.bins: 5.0 is a float where an integer is required"),
    ({"generation": {"shards": 2.0}}, r"generation.shards: 2.0 is a float where an integer is required"),
    ({"learning_curve": {"sizes": [50.0]}}, r"learning_curve.sizes.0: 50.0 is a float where an integer"),
    ({"parameterized": {"masses": [325.0, 425, 525]}}, r"parameterized.masses.0: 325.0 is a float where an integer"),
    ({"seeds": [0, 2**32]}, r"seeds.1: 4294967296 is above 4294967295; torch and xgboost take seeds modulo 2\*\*32"),
    ({"jets": {"enabled": False}}, r"weak.enabled: weak supervision trains on the quark/gluon jets"),
    ({"generation": {"higgs": {"masses": {"H0": 9000}}}}, r"generation.higgs.masses.H0: 9000 GeV is not below the collision"),
    ({"parameterized": {"masses": [325, 375, 425, 475, 20000]}}, r"parameterized.masses.4: 20000 GeV is not below the collision"),
    ({"generation": {"susy": {"slha": "config/test.yaml"}}}, r"generation.susy.slha: 'config/test.yaml' is not an SLHA spectrum"),
    ({"generation": {"susy": {"slha": "config/none.slha"}}}, r"generation.susy.slha: cannot read 'config/none.slha'"),
    # the cross-checks of check_semantics that no schema can state
    ({"parameterized": {"held_out": [400]}}, r"parameterized.held_out: 400 is not one of parameterized.masses"),
    ({"parameterized": {"masses": [325, 375, 425], "held_out": [325, 375]}},
     r"parameterized.held_out: at least two masses must remain to train on"),
    ({"parameterized": {"masses": [300, 375, 425], "held_out": [375], "hpm_gap": 100}},
     r"parameterized.masses: at 300 GeV m\(H\+-\) = 200 GeV is below m\(h\) \+ m\(W\) = 205.4 GeV"),
    ({"jets": {"generation": {"pt_min": 550, "pt_max": 500}}}, r"jets.generation.pt_min: 550 is not below pt_max 500"),
    ({"jets": {"generation": {"pthat_min": 700}}}, r"jets.generation.pthat_min: 700 is not below pthat_max 650"),
    ({"systematics": {"generator": {"jes": {"TimeShower:alphaSvalue": 0.12}}}},
     r"systematics.generator: 'jes' is already a source of systematics.sources"),
    ({"systematics": {"shower": {"tune": {"fsr": 2}}}}, r"systematics.shower: 'tune' is already a source of systematics.generator"),
    ({"systematics": {"shower": {"fsr": {"fsr": 1.0}}}}, r"systematics.shower.fsr.fsr: 1.0 is .*"),
    ({"systematics": {"shower": {"fsr": {"mpi": 2.0}}}}, r"systematics.shower.fsr: .*mpi"),
    ({"mismodelling": {"parameter": "TimeShower:alphaSvalue; rm -rf ~"}}, r"mismodelling.parameter: .* is not allowed \(must match"),
]


@pytest.mark.parametrize("config, message", HOSTILE, ids=[m.split(":")[0] for _, m in HOSTILE])
def test_wrong_values_stop_validation_with_one_line_naming_the_key(config, message):
    with pytest.raises(ConfigError, match=f"^config key {message}") as err:
        check(config)
    assert "\n" not in str(err.value) and len(str(err.value)) < 400


def test_a_learning_curve_uses_the_models_and_feature_sets_the_benchmark_trains():
    from hepml.pipeline.cells import learning_curve_cells

    config = check({"models": ["bdt"], "feature_sets": ["low", "high"], "datasets": ["higgs"]})
    cells = learning_curve_cells(config)
    assert {(c.model, c.feature_set) for c in cells} == {("bdt", "low")}
    assert [c.task for c in cells] == ["n500", "n1500", "n4000"]


def test_a_learning_curve_point_at_or_above_the_training_cap_is_not_trained_twice():
    """With a training limit (or the UCI split's training part below a size), a point at or above
    it would be the benchmark cell trained again: it is not a cell; smaller points stay."""
    from hepml.pipeline.cells import learning_curve_cells

    uci = {"source": "uci", "models": ["bdt"], "feature_sets": ["low"], "datasets": ["higgs", "susy"],
           "learning_curve": {"datasets": ["higgs", "susy"], "sizes": [10000, 100000, 1000000]}}
    tasks = lambda config: sorted((c.dataset, c.task) for c in learning_curve_cells(config))  # noqa: E731
    every = [(d, f"n{n}") for d in ("higgs", "susy") for n in (10000, 100000, 1000000)]
    assert tasks(check(uci)) == sorted(every)                                      # 10M / 4M training events
    assert tasks(check({**uci, "limits": {"train": 100000}})) == [("higgs", "n10000"), ("susy", "n10000")]
    split = {"uci": {"susy": {"train": 500000, "val": 100000, "test": 100000}}}
    assert tasks(check({**uci, "split": split})) == sorted(e for e in every if e != ("susy", "n1000000"))
    assert tasks(check({**uci, "source": "pythia", "limits": {"train": 1000000}})) == \
        sorted(e for e in every if e[1] != "n1000000")


def test_a_data_root_allows_an_external_directory(tmp_path):
    config = check({"data_roots": [str(tmp_path)], "uci": {"dir": str(tmp_path / "uci")}})
    assert config["uci"]["dir"] == str(tmp_path / "uci")
    with pytest.raises(ConfigError, match="data_roots.0: 'relative' is not allowed"):
        check({"data_roots": ["relative"]})


def test_nested_command_line_strings_become_numbers():
    """snakemake --config 'limits={"train": 200000, ...}' passes the nested values as strings."""
    config = check({"limits": {"train": "200000", "val": "50000", "test": "null"}, "jets": {"enabled": "false"}, "weak": {"enabled": "false"},
                    "significance": {"background_uncertainty": "0.1"}})
    assert config["limits"] == {"train": 200000, "val": 50000, "test": None}
    assert config["jets"]["enabled"] is False and config["significance"]["background_uncertainty"] == 0.1


def test_every_default_comes_from_the_schema():
    config = check({})
    assert config["recipes"]["paper"]["lr"] == 0.05 and config["recipes"]["fast"]["batch_size"] == 256
    assert config["detector"]["btag"]["working_point"] == "loose"
    assert config["significance"]["min_background_events"] == 20
    assert config["jets"]["bdt"]["n_estimators"] == 200 and config["bdt"]["n_estimators"] == 300
    # partial overrides keep the other defaults, also inside the predefined recipes and networks
    config = check({"recipes": {"fast": {"lr": 0.01}}, "networks": {"deep": {"layers": 2, "width": 8}}})
    assert config["recipes"]["fast"]["lr"] == 0.01 and config["recipes"]["fast"]["patience"] == 4
    assert config["recipes"]["paper"]["optimizer"] == "sgd" and config["networks"]["shallow"]["width"] == 300
    assert definition_defaults("recipe")["batch_size"] == 256


def test_every_leaf_of_the_schema_has_a_default_or_is_required():
    """No key is optional without a default: a missing value never falls back to code."""
    schema = load_schema()

    def walk(node, path):
        node = {**schema["definitions"][node["$ref"].split("/")[-1]], **node} if "$ref" in node else node
        for key, sub in node.get("properties", {}).items():
            sub_full = {**schema["definitions"][sub["$ref"].split("/")[-1]], **sub} if "$ref" in sub else sub
            if "default" not in sub_full and key not in node.get("required", []):
                raise AssertionError(f"{path}.{key} has neither a default nor is it required")
            walk(sub_full, f"{path}.{key}")

    walk(schema, "config")


def test_a_key_given_twice_in_a_config_file_is_refused_naming_file_and_line(tmp_path):
    from hepml.core.config import check_config_files

    path = tmp_path / "c.yaml"
    path.write_text("version: a\nseeds: [0, 1]\nrecipes:\n  fast: {lr: 0.1}\nseeds: [7]\n")
    with pytest.raises(ConfigError, match=rf"^{path}: config key seeds: given twice in one mapping \(line 5\)"):
        check_config_files([path])
    nested = tmp_path / "n.yaml"
    nested.write_text("bdt:\n  max_depth: 3\n  max_depth: 4\n")
    with pytest.raises(ConfigError, match=r"config key max_depth: given twice .*line 3"):
        check_config_files([nested])
    check_config_files([ROOT / "config" / n for n in ("config.yaml", "test.yaml", "paper.yaml", "scale.yaml", "claim.yaml")])


def test_task_names_from_tiny_fractions_and_large_masses_stay_plain_decimals():
    from hepml.pipeline.cells import decimal, parameterized_cells, weak_cells

    assert decimal(1e-05) == "0.00001" and decimal(0.8) == "0.8" and decimal(0.1 + 0.2) == "0.30000000000000004"
    config = check({"weak": {"f1": 0.00001, "f2": [0.2, 0.00002]}})
    tasks = [c.task for c in weak_cells(config)]
    assert "cwola_0.00001_0.00002" in tasks and len(set(tasks)) == len(tasks)
    assert all(re.fullmatch(r"[a-z0-9_.]+", t) for t in tasks)  # the Snakefile's task wildcard
    config = check({"generation": {"sqrt_s": 14_000_000}, "parameterized": {"masses": [325, 375, 425, 475, 1_000_000]}})
    assert {c.evaluation for c in parameterized_cells(config)} == {"m325", "m375", "m425", "m475", "m1000000"}


def test_too_few_background_events_for_the_cut_floor_is_an_error_not_a_silent_floor():
    import numpy as np

    from hepml.core.metrics import classifier_metrics

    labels = np.array([0] * 5 + [1] * 5)
    scores = np.linspace(0, 1, 10)
    sig = {"n_signal": 100, "n_background": 1000, "background_uncertainty": 0.05, "bins": 2, "min_background_events": 5}
    with pytest.raises(ValueError, match=r"^s.npz \(validation\): 5 background events, not more than "
                                         r"significance.min_background_events = 5"):
        classifier_metrics(scores, labels, scores, labels, sig, where="s.npz")
    out = classifier_metrics(scores, labels, scores, labels, {**sig, "min_background_events": 4}, where="s.npz")
    assert out["best_threshold"] <= scores[0]  # only the loosest cut keeps more than 4 of 5 background events


def test_the_version_lock_names_the_keys_that_differ_and_ignores_fetching_settings(tmp_path):
    from hepml.core.version_lock import check_version, write_version_lock

    base = check({})
    check_version(base, tmp_path)  # no lock yet: a new version
    write_version_lock(base, tmp_path, {"commit": "abc", "dirty": False})
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "x.log").write_text("a first run that failed before making anything")
    check_version(check({"seeds": [7]}), tmp_path)  # nothing made yet: nothing to overwrite
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "t.csv").write_text("a result")
    check_version(check({}), tmp_path)
    check_version(check({"uci": {"retries": 9, "timeout": 5}, "data_roots": ["/data"]}), tmp_path)
    changed = check({"seeds": [0, 1], "significance": {"bins": 10}, "weak": {"f2": [0.3]}})
    with pytest.raises(ConfigError, match=rf"^config: {tmp_path} was made with a different config "
                                          r"\(seeds, significance.bins, weak.f2 differ, see .*config.lock.json\); "
                                          r"give this run its own version"):
        check_version(changed, tmp_path)
    check_version({**changed, "replace_version_config": True}, tmp_path)
