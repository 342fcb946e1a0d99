"""The command-line helpers and the static import walk that ties each rule to the code it runs."""

import json
import subprocess
import sys

import pytest

from hepml.core.cli import beside, json_arg, named_path, named_paths, seeds_of
from hepml.core.code_deps import code_files, fingerprint


def test_a_json_argument_is_read_inline_or_from_a_file_and_bad_ones_name_where(tmp_path):
    assert json_arg('{"a": [1, 2]}') == {"a": [1, 2]}
    listing = tmp_path / "list.json"
    listing.write_text(json.dumps(["x"] * 50_000))
    assert json_arg(f"@{listing}") == ["x"] * 50_000
    with pytest.raises(ValueError, match=r"^inline: not valid JSON"):
        json_arg("[1, 2")
    listing.write_text("{")
    with pytest.raises(ValueError, match=rf"^{listing}: not valid JSON"):
        json_arg(f"@{listing}")
    with pytest.raises(ValueError, match=rf"^{tmp_path / 'gone.json'}: cannot read the argument file"):
        json_arg(f"@{tmp_path / 'gone.json'}")


def test_a_jobs_seeds_are_the_ones_its_files_name_each_once_in_order():
    stack = [f"m/{fset}/all/seed{s}.model" for fset in ("low", "high") for s in (3, 0, 12)]
    assert seeds_of(stack) == [3, 0, 12]
    assert beside(stack[:1], ".onnx") == ["m/low/all/seed3.onnx"]
    for name in ("m/seedx.model", "m/seed1", "m/best_seed1.model", "m/seed1.model/extra"):
        with pytest.raises(ValueError, match="not a per-seed file"):
            seeds_of([name])


@pytest.mark.parametrize("error, code, line", [
    ("raise ValueError('data.root: no tree events')", 1, "error: data.root: no tree events"),
    ("raise FileNotFoundError('x.npz')", 1, "error: x.npz"),
    ("print('done')", 0, None),
])
def test_run_main_turns_an_expected_error_into_one_line_and_exit_1(error, code, line):
    program = f"from hepml.core.cli import run_main\ndef main():\n    {error}\nrun_main(main)\n"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == code
    if line is not None:
        assert done.stderr.strip() == line     # one line, no traceback


def test_an_unexpected_error_keeps_its_traceback():
    program = "from hepml.core.cli import run_main\ndef main():\n    raise KeyError('bug')\nrun_main(main)\n"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" in done.stderr and "KeyError: 'bug'" in done.stderr


def _package(root):
    files = {
        "scripts/job.py": "import os\nfrom hepml.a import b\n\ndef main():\n    from hepml.c.d import thing\n",
        "hepml/__init__.py": "def __getattr__(name):\n    from . import lazy\n    return getattr(lazy, name)\n",
        "hepml/lazy.py": "",
        "hepml/a/__init__.py": "",
        "hepml/a/b.py": "from . import helper\nfrom ..e import f\n",
        "hepml/a/helper.py": "import numpy\n",
        "hepml/c/__init__.py": "from .d import thing\n",
        "hepml/c/d.py": "thing = 1\n",
        "hepml/e.py": "def f():\n    import hepml.g\n",
        "hepml/g.py": "",
        "hepml/unused.py": "",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_the_import_walk_follows_relative_function_level_and_submodule_imports(tmp_path):
    _package(tmp_path)
    found = code_files("scripts/job.py", str(tmp_path))
    assert found == tuple(sorted([
        "scripts/job.py", "hepml/__init__.py", "hepml/a/__init__.py", "hepml/a/b.py", "hepml/a/helper.py",
        "hepml/c/__init__.py", "hepml/c/d.py", "hepml/e.py", "hepml/g.py"]))
    # not unused.py, not numpy or os, not lazy.py (imported only when hepml.<attribute> is looked up)


def test_the_fingerprint_changes_with_any_file_content_or_name(tmp_path):
    _package(tmp_path)
    files = ["hepml/a/b.py", "hepml/g.py"]
    first = fingerprint(files, tmp_path)
    assert fingerprint(list(reversed(files)), tmp_path) == first
    (tmp_path / "hepml/g.py").write_text("# edited\n")
    assert fingerprint(files, tmp_path) != first
    (tmp_path / "hepml/g.py").write_text("")
    assert fingerprint(files, tmp_path) == first
    # two empty files: the same bytes under other names are other code
    assert fingerprint(["hepml/g.py"], tmp_path) != fingerprint(["hepml/unused.py"], tmp_path)


def test_each_rules_code_is_what_its_script_runs_no_more_no_less():
    """Training and scoring run every model kind's module (imported by name, not discovered at run
    time), the tables every study's report module; generation runs none of them, nor the API that
    ``hepml``'s lazy ``__getattr__`` loads on demand."""
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    kinds = {f"hepml/pipeline/kinds/{k}.py" for k in ("bdt", "network", "observable", "pfn")}
    studies = {"hepml/benchmark/report.py", "hepml/benchmark/learning_curve.py", "hepml/jets/report.py",
               "hepml/weak/report.py", "hepml/parameterized/report.py"}
    for script in ("scripts/train.py", "scripts/score.py"):
        assert kinds <= set(code_files(script, root)), script
    for script in ("scripts/report.py", "scripts/hepdata.py"):
        assert studies <= set(code_files(script, root)), script
    generate = set(code_files("scripts/generate.py", root))
    assert not {f for f in generate if f.startswith("hepml/pipeline/")} and "hepml/api.py" not in generate


def test_a_scripts_xgboost_leaves_out_scikit_learn_and_still_trains_the_same():
    """A script's process (run_main) imports xgboost without its scikit-learn wrappers (their import
    is most of xgboost's); the native API it uses trains and predicts the same either way."""
    def run(native: bool) -> tuple[str, str]:
        program = (
            "import sys\nimport numpy as np\nfrom hepml.core.cli import run_main\n"
            "from hepml.core.bdt import predict_bdt, train_bdt\n"
            "def main():\n"
            "    rng = np.random.default_rng(0); x = rng.normal(size=(400, 3)).astype(np.float32)\n"
            "    y = (x[:, 0] + 0.5 * rng.normal(size=400) > 0).astype(np.float32)\n"
            "    p = dict(n_estimators=5, max_depth=2, learning_rate=0.3, early_stopping_rounds=5, subsample=1.0,"
            " device='cpu')\n"
            "    b, _ = train_bdt(x, y, x, y, p, seed=1, threads=1)\n"
            "    print(sys.modules.get('sklearn') is not None, predict_bdt(b, x).tobytes().hex())\n"
            + ("run_main(main)\n" if native else "main()\n"))
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
        return tuple(done.stdout.split())

    (native_loaded, native_scores), (plain_loaded, plain_scores) = run(True), run(False)
    assert (native_loaded, plain_loaded) == ("False", "True")
    assert native_scores == plain_scores


def test_named_path_arguments_keep_order_and_refuse_what_they_cannot_read():
    assert named_paths(["a=x.root", "b=y.root", "a=z.root"]) == {"a": ["x.root", "z.root"], "b": ["y.root"]}
    assert named_path(["nominal=n.root", "jes_up=u.root"]) == {"nominal": "n.root", "jes_up": "u.root"}
    assert named_path(["a=p=q.root"]) == {"a": "p=q.root"}   # a path may hold '='
    for bad in (["x.root"], ["=x.root"], ["a="]):
        with pytest.raises(ValueError, match="expected NAME=PATH"):
            named_paths(bad)
    with pytest.raises(ValueError, match="'a' is given twice"):
        named_path(["a=x", "a=y"])
