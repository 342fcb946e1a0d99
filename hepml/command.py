"""The ``hepml`` command: score a model on a file, say what a results version holds, compare two
versions' tables, and print the effective config with every default.

    hepml score MODEL INPUT -o SCORES.npz [--history HISTORY.json]
    hepml info results/v1
    hepml compare results/v1 results/v2
    hepml config [-c config/paper.yaml ...] [--set recipe=paper ...]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path


def score(args) -> None:
    import numpy as np

    from .api import load_model, read_columns
    from .core.atomic import save_npz
    from .core.roc import auc

    model = load_model(args.model, args.history)
    columns = read_columns(args.input)
    scores = model.predict(columns)
    out = {"scores": scores}
    line = f"{args.output}: {len(scores)} scores of the {model.kind} model {args.model} on {args.input}"
    if "label" in columns:
        out["labels"] = np.asarray(columns["label"]).astype(np.int32)
        if len(np.unique(out["labels"])) == 2:
            line += f" (AUC {auc(out['labels'], scores):.4f} against its 'label' column)"
    save_npz(args.output, **out)
    print(line)


def _read_json(path: Path):
    from .core.atomic import read_json

    return read_json(path) if path.is_file() else None


def info(args) -> None:
    results = Path(args.results)
    if not results.is_dir():
        raise ValueError(f"{results}: no such results version (a folder results/<version>)")
    lock, manifest = _read_json(results / "config.lock.json"), _read_json(results / "manifest.json")
    lines = [f"# {results}"]
    if lock is None and manifest is None:
        lines.append("no config.lock.json or manifest.json: not made by a hepml run, or not yet run")
    if lock is not None:
        code = lock.get("code", {})
        lines.append(f"config: version {lock.get('version')}, first run at commit {code.get('commit')}"
                     f"{' (dirty)' if code.get('dirty') else ''}")
        for key in ("source", "datasets", "feature_sets", "models", "seeds", "recipe"):
            if key in lock["config"]:
                lines.append(f"  {key}: {json.dumps(lock['config'][key])}")
    if manifest is not None:
        code = manifest["code"]
        lines.append(f"manifest: made {manifest['created']}; commit {code.get('commit')}"
                     f"{' (dirty)' if code.get('dirty') else ''}; hepml {code['package']['path']} "
                     f"(source {code['package']['sha256'][:12]})")
        for name, entry in sorted(manifest["data"].items()):
            lines.append(f"  data {name}: {entry['bytes']} bytes, SHA-256 {entry['sha256'][:16]}...")
        files = manifest["files"]
        lines.append(f"  {len(files)} files ({sum(1 for f in files.values() if f.get('reproducible'))} reproducible "
                     f"byte for byte); missing since: {', '.join(manifest['missing']) or 'none'}")
        if manifest.get("lock"):
            differs = manifest["lock"]["differs"]
            lines.append(f"  environment: {manifest['lock']['file']} {manifest['lock']['sha256'][:12]}"
                         f"{'; differs: ' + ', '.join(differs) if differs else ', as locked'}")
    tables = sorted((results / "tables").glob("*.md"))
    lines.append(f"tables ({len(tables)}):" if tables else "tables: none")
    lines += [f"  {t}" for t in tables]
    print("\n".join(lines))


def _rows(path: Path) -> dict[tuple, dict[str, str]]:
    """{key: row} of a table CSV; the key is its text columns (model, features, ...)."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    text = [c for c in (rows[0] if rows else {}) if not all(_number(r[c]) is not None or r[c] == "" for r in rows)]
    return {tuple(r[c] for c in text): r for r in rows}


def _number(value: str):
    try:
        return float(value)
    except ValueError:
        return None


def compare(args) -> None:
    a, b = Path(args.a), Path(args.b)
    for results in (a, b):
        if not (results / "tables").is_dir():
            raise ValueError(f"{results}: no tables folder (a results version made by hepml)")
    names_a, names_b = ({p.name for p in (r / "tables").glob("*.csv")} for r in (a, b))
    lines = [f"# {a} against {b}"]
    for only, where in ((names_a - names_b, a), (names_b - names_a, b)):
        if only:
            lines.append(f"only in {where}: {', '.join(sorted(only))}")
    differ = 0
    for name in sorted(names_a & names_b):
        rows_a, rows_b = _rows(a / "tables" / name), _rows(b / "tables" / name)
        out = []
        for key in [k for k in rows_a if k in rows_b]:
            for column, value in rows_a[key].items():
                x, y = _number(value), _number(rows_b[key].get(column, ""))
                if x is not None and y is not None and x != y:
                    out.append(f"| {' / '.join(key)} | {column} | {x:.4g} | {y:.4g} | {y - x:+.4g} |")
        missing = [k for k in rows_a.keys() ^ rows_b.keys()]
        if out or missing:
            lines += ["", f"## {name}", "", "| row | column | A | B | B - A |", "|---|---|---|---|---|", *out]
            lines += [f"row only in {'A' if k in rows_a else 'B'}: {' / '.join(k)}" for k in missing]
            differ += 1
    lines.append("" if differ else "every common table is the same")
    print("\n".join(lines).rstrip())


def _merge(base: dict, update: dict) -> dict:
    """``update`` over ``base``, mappings merged key by key (as Snakemake merges config files)."""
    for key, value in update.items():
        base[key] = _merge(base.get(key, {}), value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return base


def config(args) -> None:
    import yaml

    from .core.config import SCHEMA, check_config_files, validate_config

    files = args.configfile or ["config/config.yaml"]
    check_config_files(files)
    merged: dict = {}
    for path in files:
        with open(path) as f:
            _merge(merged, yaml.safe_load(f) or {})
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--set {item!r}: write key=value (a dotted key for a nested value, e.g. bdt.max_depth=3)")
        node = merged
        *parents, last = key.split(".")
        for k in parents:
            node = node.setdefault(k, {})
        node[last] = yaml.safe_load(value)
    checked = validate_config(merged, SCHEMA, args.project)
    print(f"# the effective config of {' + '.join(files)}{' with ' + ', '.join(args.set) if args.set else ''}: "
          "every key, defaults filled in from the schema")
    print(yaml.safe_dump(checked, sort_keys=False, default_flow_style=None, width=110), end="")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hepml", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("score", help="score a model on a .root, .npz or .csv file (inputs found by name)")
    s.add_argument("model", help="a .model file of a results version")
    s.add_argument("input", help="events with a column for each of the model's inputs")
    s.add_argument("-o", "--output", required=True, help="scores file (.npz: scores, and labels if the input has them)")
    s.add_argument("--history", help="the model's training history: refuse a model changed since training")
    s.set_defaults(run=score)
    s = sub.add_parser("info", help="what a results version holds: config, code, data, files, tables")
    s.add_argument("results", help="a results folder, e.g. results/v1")
    s.set_defaults(run=info)
    s = sub.add_parser("compare", help="two versions' tables side by side, the numbers that differ")
    s.add_argument("a")
    s.add_argument("b")
    s.set_defaults(run=compare)
    s = sub.add_parser("config", help="the effective config with every default, checked as a run checks it")
    s.add_argument("-c", "--configfile", action="append", help="config files, merged in order (default config/config.yaml)")
    s.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a value over the files (YAML)")
    s.add_argument("--project", default=".", help="the workflow folder paths are checked against (default: here)")
    s.set_defaults(run=config)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .core.config import ConfigError

    try:
        args.run(args)
    except (ValueError, FileNotFoundError, ConfigError, OSError) as err:
        print(f"hepml {args.command}: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
