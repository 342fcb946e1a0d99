"""Results in the formats physicists use: ONNX networks that ONNX Runtime scores like PyTorch, and a
HEPData submission the HEPData validator accepts."""

import dataclasses
import tarfile

import numpy as np
import pytest

from hepml.core.onnx_export import export_onnx, onnx_inputs
from hepml.core.records import Cell, MetricRecord, Roc
from hepml.core.training import Recipe
from hepml.pipeline.hepdata import write_submission
from hepml.pipeline.models import ModelSpec, TrainingData, predict_network, train_model

RECIPE = dataclasses.asdict(Recipe.with_defaults(max_epochs=2, batch_size=64))


def _toy(n, shape, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n).astype(np.float32)
    x = (rng.normal(size=(n, *shape)) * 5 + 20).astype(np.float32)   # raw, unstandardised inputs
    x.reshape(n, -1)[:, 0] += 10 * y
    return x, y


@pytest.mark.parametrize("kind, config, shape", [
    ("mlp", {"layers": 3, "width": 32, "activation": "tanh", "dropout": 0.0, "device": "cpu"}, (7,)),
    ("cnn", {"filters": [4, 4], "kernels": [3, 3], "dense": 8, "dropout": 0.25, "device": "cpu"}, (2, 9, 9)),
])
def test_onnx_runtime_scores_equal_pytorchs(tmp_path, kind, config, shape):
    import onnxruntime

    x, y = _toy(800, shape)
    spec = ModelSpec(kind, config, RECIPE)
    model, _ = train_model(spec, TrainingData(x, y, x, y, val_truth=y), seed=0, progress=False)
    names = [f"f{i}" for i in range(shape[0])] if kind == "mlp" else ["images"]
    export_onnx(model, x, names, tmp_path / "m.onnx", {"kind": kind})
    test, _ = _toy(500, shape, seed=1)
    session = onnxruntime.InferenceSession(str(tmp_path / "m.onnx"))
    onnx_scores = session.run(None, {"inputs": test})[0]
    assert onnx_scores.shape == (500,)
    assert np.max(np.abs(onnx_scores - predict_network(model, test, spec))) < 1e-5
    assert onnx_inputs(tmp_path / "m.onnx") == names
    export_onnx(model, x, names, tmp_path / "again.onnx", {"kind": kind})
    assert (tmp_path / "again.onnx").read_bytes() == (tmp_path / "m.onnx").read_bytes()


def _records(study, n_cells=3, significance=True, cell=None):
    rng = np.random.default_rng(0)
    out = []
    for c in range(n_cells):
        for seed in (0, 1):
            eff = np.linspace(0, 1, 20)
            out.append(MetricRecord(cell(c) if cell else Cell(study, "higgs", "pythia", "low", f"model{c}", "all"), seed,
                                    0.7 + 0.01 * rng.random(), 1000, 500, 5.0, Roc(eff.tolist(), (eff**2).tolist()),
                                    train_events=2000, z_binned=2.0 if significance else None,
                                    z_paper=2.3 if significance else None,
                                    z_best_threshold=1.8 if significance else None, best_threshold=0.4))
    return out


def test_hepdata_submission_validates_and_is_reproducible(tmp_path, monkeypatch):
    from hepdata_validator.full_submission_validator import FullSubmissionValidator

    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")

    # the parameterized study's labels are long: table names must still fit HEPData's 64 characters
    param = lambda c: Cell("parameterized", "hpar", "pythia", "complete_mass", "param", "param",  # noqa: E731
                           f"m{325 + 50 * c}")
    mismodelled = lambda c: (Cell("jets", "qg", "pythia", "images", "cnn", "all", "alt_0.175"),  # noqa: E731
                             Cell("weak", "qg", "alt_0.175", "observables", "dense", "cwola_0.8_0.2"))[c]
    studies = {("benchmark", "higgs", "pythia"): _records("benchmark"),
               ("jets", "qg", "pythia"): _records("jets", 2, significance=False),
               ("parameterized", "hpar", "pythia"): _records("parameterized", 3, cell=param),
               ("mismodelling", "qg", "pythia"): _records("mismodelling", 2, significance=False, cell=mismodelled)}
    context = {"held_out": [], "parameter": "TimeShower:alphaSvalue", "nominal": None}
    n = write_submission(studies, tmp_path / "a.tar.gz", context)
    assert n == 3 + 3 + 2 + 3 + 2 + 1
    write_submission(studies, tmp_path / "b.tar.gz", context)
    assert (tmp_path / "a.tar.gz").read_bytes() == (tmp_path / "b.tar.gz").read_bytes()
    assert not list((tmp_path / "cwd").iterdir()), "nothing is written outside the output"
    with tarfile.open(tmp_path / "a.tar.gz") as tar:
        names = tar.getnames()
        tar.extractall(tmp_path / "x", filter="data")
    assert "submission.yaml" in names and len(names) == 1 + n
    assert FullSubmissionValidator().validate(directory=str(tmp_path / "x"))
    assert "evaluated at m375" in (tmp_path / "x" / "submission.yaml").read_text()
    table = next((tmp_path / "x").glob("table_1*.yaml")).read_text()
    assert "Expected significance, binned (pyhf, background MC stat.)" in table and "std. dev. over seeds" in table
    assert "Expected significance, binned (paper's definition)" in table


def test_hepdata_refuses_long_names_and_reports_what_does_not_validate(tmp_path, monkeypatch):
    from hepdata_validator.full_submission_validator import FullSubmissionValidator

    from hepml.pipeline import hepdata

    with pytest.raises(ValueError, match=r"HEPData table name longer than 64 characters: 'xxxx"):
        hepdata._name("x" * 65)
    assert hepdata._name("x" * 64) == "x" * 64

    class Message:
        message = "independent_variables is a required property"

    monkeypatch.setattr(FullSubmissionValidator, "validate", lambda self, directory: False)
    monkeypatch.setattr(FullSubmissionValidator, "get_messages", lambda self: {"table_1.yaml": [Message()]})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=r"HEPData submission does not validate: table_1.yaml: independent_variables"):
        write_submission({("benchmark", "higgs", "pythia"): _records("benchmark")}, tmp_path / "a.tar.gz")
    assert not (tmp_path / "a.tar.gz").exists()


@pytest.mark.parametrize("study, dataset, cell", [
    ("benchmark", "higgs", lambda c: Cell("benchmark", "higgs", "pythia", ("low", "high")[c % 2], ("bdt", "deep")[c // 2], "all")),
    ("jets", "qg", lambda c: Cell("jets", "qg", "pythia", "images", f"tagger{c}", "all")),
    ("weak", "qg", lambda c: Cell("weak", "qg", "pythia", "observables", "shallow", ("supervised", "cwola_0.8_0.2",
                                                                                     "llp_0.7_0.3", "cwola_0.6_0.4")[c])),
    ("parameterized", "hpar", lambda c: Cell("parameterized", "hpar", "pythia", *(("complete_mass", "param", "param"),
                                             ("complete", "dedicated", "m375"))[c % 2], ("m325", "m375")[c // 2])),
    ("mismodelling", "qg", lambda c: (Cell("weak", "qg", "pythia", "observables", "dense", "supervised", "alt_0.2"),
                                      Cell("jets", "qg", "pythia", "images", "cnn", "all", "alt_0.2"),
                                      Cell("weak", "qg", "alt_0.2", "observables", "dense", "cwola_0.8_0.2"),
                                      Cell("weak", "qg", "alt_0.2", "observables", "dense", "supervised"))[c]),
])
def test_one_table_description_gives_markdown_latex_csv_and_hepdata_the_same_columns(study, dataset, cell):
    """Each study describes its table once: the printed columns are Markdown's and LaTeX's headers,
    every column's fields are the CSV's, its key columns and averaged metrics are HEPData's variables."""
    from hepml.pipeline.hepdata import study_table as hepdata_table
    from hepml.pipeline.reports import study_table

    records = _records(study, 4, cell=cell, significance=study not in ("jets", "mismodelling"))
    table = study_table(study, dataset, "pythia", records, context={"held_out": [325.0], "parameter": "TimeShower:alphaSvalue", "nominal": 0.13})
    shown = [c.header for c in table.columns if c.shown]
    assert table.markdown().splitlines()[2] == "| " + " | ".join(shown) + " |"
    latex = table.latex().splitlines()
    assert latex[5].count(" & ") == len(shown) - 1 and len(latex) == 7 + len(table.rows) + 3
    rows = table.csv_rows()
    assert len(rows) == len(table.rows) and list(rows[0]) == [k for c in table.columns for k in c.fields(table.rows[0])]
    assert table.csv().splitlines()[0] == ",".join(rows[0])
    made = hepdata_table("T", "d", table)
    independent = [v.name for v in made.variables if v.is_independent]
    dependent = [v.name for v in made.variables if not v.is_independent]
    assert independent == [c.header for c in table.columns if c.key]
    assert dependent == [c.hepdata_name for c in table.columns if c.value and None not in c.value(table.rows[0])]
    assert dependent and dependent[0].startswith("AUC")
    auc = next(c for c in table.columns if c.value and c.hepdata_name.startswith("AUC"))
    assert made.variables[len(independent)].values == [pytest.approx(auc.value(r)[0]) for r in table.rows]
