"""Small helpers shared by the command-line entry points in scripts/."""

from __future__ import annotations

import json
import logging
import sys


def json_arg(text: str):
    """argparse type: a JSON value given inline."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"not valid JSON: {err}") from err


def run_main(main) -> None:
    """Run ``main()``; report expected errors as one clear line and exit 1."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        main()
    except (ValueError, FileNotFoundError, RuntimeError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
