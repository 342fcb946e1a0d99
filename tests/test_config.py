"""Every wrong configuration value stops validation with one line naming the key; paths stay inside
the project; nested --config strings become numbers; defaults come from the schema alone."""

import copy
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


def test_a_data_root_allows_an_external_directory(tmp_path):
    config = check({"data_roots": [str(tmp_path)], "uci": {"dir": str(tmp_path / "uci")}})
    assert config["uci"]["dir"] == str(tmp_path / "uci")
    with pytest.raises(ConfigError, match="data_roots.0: 'relative' is not allowed"):
        check({"data_roots": ["relative"]})


def test_nested_command_line_strings_become_numbers():
    """snakemake --config 'limits={"train": 200000, ...}' passes the nested values as strings."""
    config = check({"limits": {"train": "200000", "val": "50000", "test": "null"}, "jets": {"enabled": "false"},
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
