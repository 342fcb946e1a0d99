"""The dataset registry (hepml.core.datasets): what each dataset is, and that the schema, the scripts,
the workflow and the generator take their dataset names from it, with an unknown one an error."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from hepml.benchmark.generation import recipes
from hepml.core import config as config_module
from hepml.core import datasets
from hepml.core.config import ConfigError, load_schema, validate_config
from hepml.core.datasets import Dataset, get_dataset

ROOT = Path(__file__).resolve().parents[1]


def test_the_registered_datasets_and_their_columns():
    assert datasets.dataset_names() == ["higgs", "susy", "qg", "hpar"]
    assert datasets.dataset_names("benchmark") == ["higgs", "susy"]
    higgs, susy = get_dataset("higgs"), get_dataset("susy")
    # the UCI layout (Baldi et al.): 21 + 7 and 8 + 10 features after the label
    assert (len(higgs.low_level), len(higgs.high_level), len(susy.low_level), len(susy.high_level)) == (21, 7, 8, 10)
    assert higgs.columns[0] == "label" and higgs.columns[1:] == higgs.feature_set("complete")
    assert higgs.feature_set("low")[:3] == ["lepton_pt", "lepton_eta", "lepton_phi"]
    assert get_dataset("hpar").feature_set("complete_mass") == higgs.feature_set("complete") + ["mass"]
    with pytest.raises(ValueError, match="unknown feature set 'middle' of dataset 'higgs'"):
        higgs.feature_set("middle")
    with pytest.raises(ValueError, match="no named feature columns"):
        get_dataset("qg").feature_set("low")
    for d in datasets.REGISTRY.values():
        assert d.sources[0] == "pythia" and len(d.processes) == 2, d


def test_labels_and_processes_of_every_dataset():
    assert [get_dataset("qg").label(p) for p in ("quark", "gluon")] == [1, 0]
    hpar = get_dataset("hpar")
    assert hpar.label("signal_m375") == 1 and hpar.base_process("signal_m375") == "signal"
    assert hpar.base_process("background") == "background"
    with pytest.raises(ValueError, match="dataset 'higgs' has no process 'quark'"):
        get_dataset("higgs").label("quark")
    with pytest.raises(ValueError, match="dataset 'hpar' has no process 'signal_mX'"):
        hpar.label("signal_mX")
    assert re.fullmatch(datasets.process_regex(), "signal_m500") and not re.fullmatch(datasets.process_regex(), "z")


def test_an_unknown_dataset_is_an_error_everywhere_never_another_datasets_branch():
    with pytest.raises(ValueError, match=r"unknown dataset 'zprime'; expected one of \['higgs', 'hpar', 'qg', 'susy'\]"):
        get_dataset("zprime")
    with pytest.raises(ValueError, match="unknown dataset 'zprime'"):
        recipes.recipe("zprime")
    with pytest.raises(ValueError, match="dataset 'qg' has no event-generation recipe"):
        recipes.recipe("qg")
    from hepml.benchmark.generation.shards import _batch_output

    with pytest.raises(ValueError, match="unknown dataset 'zprime'"):
        _batch_output("zprime", "signal", None, {}, {})


def test_every_generated_benchmark_dataset_has_a_recipe_whose_targets_are_its_features():
    assert sorted(recipes.RECIPES) == sorted(datasets.dataset_names("benchmark"))
    for name, recipe in recipes.RECIPES.items():
        columns = get_dataset(name).feature_columns
        targets = recipe.peaks + recipe.endpoints
        assert targets and recipe.cross_section_note
        for t in targets:
            assert t.feature in columns and t.process in get_dataset(name).processes, t
            assert t.window[0] < 1 < t.window[1], t


def test_the_schema_enums_come_from_the_registry(monkeypatch):
    schema = load_schema()
    assert schema["definitions"]["benchmark_dataset"]["enum"] == ["higgs", "susy"]
    assert schema["definitions"]["benchmark_source"]["enum"] == ["pythia", "uci"]
    assert schema["definitions"]["jet_source"]["enum"] == ["pythia", "energyflow"]
    with pytest.raises(ConfigError, match="datasets"):
        validate_config({"datasets": ["qg"]}, config_module.SCHEMA, ROOT)
    # a newly registered benchmark dataset is a valid config value without touching the schema file
    monkeypatch.setitem(datasets.REGISTRY, "zprime", Dataset("zprime", "Z'", "benchmark", ("signal", "background"),
                                                             ("pythia",), ("a",), ("b",)))
    config_module._parsed_schema.cache_clear()
    try:
        assert "zprime" in load_schema()["definitions"]["benchmark_dataset"]["enum"]
    finally:
        monkeypatch.undo()
        config_module._parsed_schema.cache_clear()


@pytest.mark.parametrize("script, allowed", [("generate.py", "higgs,susy,qg,hpar"), ("convert.py", "higgs,susy,qg"),
                                             ("validate.py", "higgs,susy")])
def test_the_scripts_dataset_choices_come_from_the_registry(script, allowed):
    out = subprocess.run([sys.executable, f"scripts/{script}", "--dataset", "zprime"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 2 and "invalid choice: 'zprime'" in out.stderr, out.stderr
    shown = re.search(r"--dataset \{([a-z,]+)\}", out.stderr)
    assert shown and shown.group(1) == allowed, out.stderr


def test_no_workflow_rule_names_a_dataset_by_literal():
    for path in sorted((ROOT / "workflow" / "rules").glob("*.smk")) + [ROOT / "Snakefile"]:
        text = path.read_text()
        literals = re.findall(r"""["'](?:higgs|susy|qg|hpar)(?:\|[a-z|]+)?["']""", text)
        assert not literals, (path.name, literals)
