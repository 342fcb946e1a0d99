"""Small helpers shared by the command-line entry points in scripts/."""

from __future__ import annotations

import json
import logging
import os
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
