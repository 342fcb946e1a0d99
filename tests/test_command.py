"""The public API (``hepml.load_model``) and the ``hepml`` command: score, info, compare, config."""

import json
import subprocess
import sys

import numpy as np
import pytest
import yaml

import hepml
from hepml.api import Model, read_columns
from hepml.core.datasets import feature_set
from hepml.core.atomic import load_npz, write_json
from hepml.core.config import property_default
from hepml.core.roc import auc
from hepml.core.store import write_events
from hepml.pipeline.models import ModelSpec
from hepml.pipeline.steps import train_cell
from tests.helpers import default_config, susy_sample

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "hepml", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def bdt(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bdt")
    susy_sample(tmp / "train.root", 800, 0)
    susy_sample(tmp / "val.root", 300, 1)
    spec = ModelSpec("bdt", {**default_config()["bdt"], "n_estimators": 20, "device": "cpu"})
    train_cell("susy", "low", spec, "all", tmp / "train.root", tmp / "val.root", [0], [tmp / "m.model"],
               [tmp / "h.json"], progress=False)
    return tmp


def test_load_model_scores_arrays_mappings_and_files_by_input_name(bdt, tmp_path):
    model = hepml.load_model(bdt / "m.model", bdt / "h.json")
    assert isinstance(model, Model) and model.kind == "bdt" and model.inputs == feature_set("susy", "low")
    data = susy_sample(tmp_path / "events.root", 200, 2)
    matrix = np.stack([data[n] for n in model.inputs], axis=1)
    scores = model.predict(matrix)
    assert scores.shape == (200,) and auc(data["label"], scores) > 0.7
    shuffled = dict(reversed(list(data.items())))                       # order of the mapping does not matter
    assert np.array_equal(model.predict(shuffled), scores)
    assert np.array_equal(model.predict(tmp_path / "events.root"), scores)
    header = ",".join(data)
    np.savetxt(tmp_path / "events.csv", np.stack([data[c] for c in data], axis=1), delimiter=",", header=header,
               comments="", fmt="%.9g")
    assert np.array_equal(model.predict(tmp_path / "events.csv"), scores)
    assert set(read_columns(tmp_path / "events.csv")) == set(data)
    (tmp_path / "bad.csv").write_text("a,b\n1,x\n")
    with pytest.raises(ValueError, match="not a CSV file of numbers with a header row"):
        read_columns(tmp_path / "bad.csv")
    with pytest.raises(ValueError, match="unknown input format '.txt'"):
        read_columns(tmp_path / "events.txt")
    with pytest.raises(ValueError, match=r"expects 8 inputs per event .* got an array of shape \(200, 7\)"):
        model.predict(matrix[:, :7])
    del data[model.inputs[3]]
    write_events(tmp_path / "fewer.root", data)
    with pytest.raises(ValueError, match=rf"^{tmp_path / 'fewer.root'}: no column '{model.inputs[3]}'"):
        model.predict(tmp_path / "fewer.root")


def test_hepml_score_writes_the_scores_and_their_auc_against_the_labels(bdt, tmp_path):
    data = susy_sample(tmp_path / "events.root", 300, 3)
    done = run("score", str(bdt / "m.model"), str(tmp_path / "events.root"), "-o", str(tmp_path / "s.npz"),
               "--history", str(bdt / "h.json"))
    assert done.returncode == 0, done.stderr
    out = load_npz(tmp_path / "s.npz")
    expected = hepml.load_model(bdt / "m.model").predict(tmp_path / "events.root")
    assert np.array_equal(out["scores"], expected) and np.array_equal(out["labels"], data["label"])
    assert f"(AUC {auc(data['label'], expected):.4f} against its 'label' column)" in done.stdout
    changed = tmp_path / "changed.model"
    changed.write_text((bdt / "m.model").read_text().replace('"base_score"', '"base_score" ', 1))
    refused = run("score", str(changed), str(tmp_path / "events.root"), "-o", str(tmp_path / "t.npz"),
                  "--history", str(bdt / "h.json"))
    assert refused.returncode == 1 and "differs from" in refused.stderr and not (tmp_path / "t.npz").exists()
    assert len(refused.stderr.strip().splitlines()) == 1


def test_hepml_config_prints_every_default_and_refuses_a_wrong_value():
    done = run("config", "--set", "bdt.max_depth=3", "--set", "seeds=[0, 1]")
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load(done.stdout)
    assert config["bdt"]["max_depth"] == 3 and config["seeds"] == [0, 1]
    assert config["training"]["resident_gb"] == property_default("training", "resident_gb")   # a default filled in
    paper = yaml.safe_load(run("config", "-c", "config/config.yaml", "-c", "config/paper.yaml").stdout)
    assert paper["source"] == "uci"
    bad = run("config", "--set", "bdt.max_depth=0")
    assert bad.returncode == 1 and "config key bdt.max_depth: 0 is less than the minimum of 1" in bad.stderr


def _version(root, auc_deep, commit="abc123"):
    (root / "tables").mkdir(parents=True)
    (root / "tables" / "benchmark_higgs_pythia.csv").write_text(
        "dataset,model,feature_set,n_seeds,auc,auc_std\n"
        f"higgs,bdt,low,5,0.731,0.002\nhiggs,deep,low,5,{auc_deep},0.004\n")
    (root / "tables" / "benchmark_higgs_pythia.md").write_text("### table\n")
    write_json(root / "config.lock.json", {"version": root.name, "config": {"source": "pythia", "seeds": [0, 1]},
                                           "code": {"commit": commit, "dirty": False}})
    return root


def test_hepml_compare_shows_the_numbers_that_differ(tmp_path):
    a, b = _version(tmp_path / "v1", 0.801), _version(tmp_path / "v2", 0.812)
    done = run("compare", str(a), str(b))
    assert done.returncode == 0, done.stderr
    assert "| higgs / deep / low | auc | 0.801 | 0.812 | +0.011 |" in done.stdout
    assert "bdt" not in done.stdout                       # equal rows are not listed
    same = run("compare", str(a), str(_version(tmp_path / "v3", 0.801)))
    assert "every common table is the same" in same.stdout
    missing = run("compare", str(a), str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "no tables folder" in missing.stderr


def test_hepml_info_says_what_a_version_holds(tmp_path):
    version = _version(tmp_path / "v1", 0.8)
    done = run("info", str(version))
    assert done.returncode == 0, done.stderr
    assert "config: version v1, first run at commit abc123" in done.stdout
    assert '  seeds: [0, 1]' in done.stdout and "benchmark_higgs_pythia.md" in done.stdout
    assert run("info", str(tmp_path / "v9")).returncode == 1


@pytest.mark.workflow
def test_hepml_info_reads_a_real_runs_manifest(e2e):
    done = run("info", "results/test", cwd=e2e)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((e2e / "results/test/manifest.json").read_text())
    assert f"  {len(manifest['files'])} files (" in done.stdout and "missing since: none" in done.stdout
    assert f"hepml {manifest['code']['package']['path']}" in done.stdout


def test_the_console_script_is_declared():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"hepml": "hepml.command:main"}
