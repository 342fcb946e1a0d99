"""Small helpers shared by the command-line entry points in scripts/."""

from __future__ import annotations

import json
import logging
import os
import re
import sys

XGBOOST_NATIVE_ONLY = "HEPML_XGBOOST_NATIVE_ONLY"


def json_arg(text: str):
    """argparse type: a JSON value given inline, or ``@path`` to read it from a file (a long list of files
    would overflow the operating system's 128 kB limit on one command-line argument)."""
    where = "inline"
    if text.startswith("@"):
        where = text[1:]
        try:
            with open(where) as f:
                text = f.read()
        except OSError as err:
            raise ValueError(f"{where}: cannot read the argument file ({err.strerror})") from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{where}: not valid JSON: {err}") from err


_SEED_FILE = re.compile(r"^seed(\d+)\.[^/]+$")


def seeds_of(paths) -> list[int]:
    """The seeds that per-seed files name (``.../seed<N>.<suffix>``), each once, in order of appearance:
    the workflow passes a cell's files, not its seed list, so the seeds of a job are its outputs
    (dropping a seed from the config leaves the other seeds' jobs and files as they are)."""
    seeds: list[int] = []
    for path in paths:
        m = _SEED_FILE.match(os.path.basename(path))
        if not m:
            raise ValueError(f"{path}: not a per-seed file (seed<N>.<suffix>), so its seed is unknown; give --seeds")
        if int(m[1]) not in seeds:
            seeds.append(int(m[1]))
    return seeds


def beside(paths, suffix: str) -> list[str]:
    """Each path with its suffix replaced by ``suffix`` (a model's ONNX export beside it)."""
    return [os.path.splitext(p)[0] + suffix for p in paths]


def named_paths(items, unique: bool = False) -> dict[str, list[str]]:
    """``NAME=PATH`` arguments as {name: [its paths, in order]}; ``unique``: each name once. A rule
    that makes one file per detector card passes them so, the card's name before the path."""
    out: dict[str, list[str]] = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise ValueError(f"expected NAME=PATH, got {item!r}")
        if unique and name in out:
            raise ValueError(f"{name!r} is given twice ({out[name][0]!r} and {path!r})")
        out.setdefault(name, []).append(path)
    return out


def named_path(items) -> dict[str, str]:
    """``NAME=PATH`` arguments as {name: path}, each name once."""
    return {name: paths[0] for name, paths in named_paths(items, unique=True).items()}


def run_main(main) -> None:
    """Run ``main()``; report expected errors as one clear line and exit 1. A script's process loads
    xgboost without the scikit-learn wrappers it does not use (``hepml.core.bdt``)."""
    os.environ[XGBOOST_NATIVE_ONLY] = "1"
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        main()
    except (ValueError, FileNotFoundError, RuntimeError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
