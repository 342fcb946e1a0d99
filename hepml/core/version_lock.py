"""One version, one configuration. ``results/<version>/config.lock.json`` records the effective
config (and the code) a version was first run with; a later run into the same version with a
different config stops before any job, naming the keys that differ, instead of silently
rerunning part of the version with other settings."""

from __future__ import annotations

import copy
import os
from pathlib import Path

from .atomic import read_json, write_json
from .config import ConfigError

LOCK = "config.lock.json"
# Keys that change how files are fetched, never what a result is: free to differ between runs.
NOT_RESULTS = (("data_roots",), ("uci", "retries"), ("uci", "timeout"), ("uci", "max_bytes"),
               ("replace_version_config",))


def result_config(config: dict) -> dict:
    """``config`` without the keys that do not change results."""
    out = copy.deepcopy(config)
    for path in NOT_RESULTS:
        node = out
        for key in path[:-1]:
            node = node.get(key, {})
        node.pop(path[-1], None)
    return out


def _flat(value, prefix=()) -> dict:
    if isinstance(value, dict) and value:
        return {k: v for key, sub in value.items() for k, v in _flat(sub, (*prefix, str(key))).items()}
    return {".".join(prefix): value}


def config_differences(recorded: dict, current: dict) -> list[str]:
    """The dotted keys whose values differ (or exist in one only), sorted."""
    a, b = _flat(recorded), _flat(current)
    return sorted(k for k in a.keys() | b.keys() if a.get(k, KeyError) != b.get(k, KeyError))


def check_version(config: dict, results: str | os.PathLike) -> None:
    """Raise ConfigError when ``results`` holds results made with another config, unless the config
    says ``replace_version_config: true``."""
    path = Path(results) / LOCK
    if not path.exists() or config["replace_version_config"]:
        return
    differ = config_differences(read_json(path)["config"], result_config(config))
    if differ and made_anything(results):
        shown = ", ".join(differ[:6]) + (f" and {len(differ) - 6} more" if len(differ) > 6 else "")
        raise ConfigError(f"config: {results} was made with a different config ({shown} differ, see {path}); "
                          f"give this run its own version (--config version=NEW), or rerun this one with the new "
                          f"values by adding --config replace_version_config=true")


def made_anything(results: str | os.PathLike) -> bool:
    """Whether a run left any result in ``results`` (its logs, timings and the lock aside): a first
    run that failed before making anything binds nobody to its config."""
    base = Path(results)
    return any(p.is_file() and p.name != LOCK and not {"logs", "benchmarks"} & set(p.relative_to(base).parts)
               for p in base.rglob("*"))


def write_version_lock(config: dict, results: str | os.PathLike, code: dict) -> None:
    """Record the config (and code) of a run of ``results``; called when a run starts (not a dry run)."""
    write_json(Path(results) / LOCK, {"version": config["version"], "config": result_config(config), "code": code})
