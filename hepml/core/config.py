"""The workflow configuration: checked against the schema, which holds every default, before anything runs.

:func:`validate_config` is what the Snakefile calls. In order it

1. turns strings into numbers, booleans or null where the schema wants those (Snakemake passes
   nested ``--config`` values such as ``'limits={"train": 200000}'`` as strings);
2. fills every missing key from the schema's ``default`` (the only place defaults live) and
   checks every value against the schema;
3. checks what a schema cannot say: fractions that must add up to 1, the two weak-supervision
   fractions, CNN layers against the image size, b-tag working points, model names;
4. checks that every configured path (schema ``format: path``) resolves inside the project or
   inside one of the directories listed in ``data_roots``.

Any failure raises :class:`ConfigError` with one line naming the key, the value and what is
allowed.
"""

from __future__ import annotations

import copy
import functools
import importlib.resources
import math
import os
import re
from pathlib import Path

import yaml

BUILTIN_MODELS = ("bdt",)
SEED_MAX = 2**32 - 1  # the schema's maximum training seed (torch and xgboost reduce seeds modulo 2**32)


class ConfigError(ValueError):
    """A configuration value is wrong; the message names the key."""


def key_name(path) -> str:
    """``['split']['pythia']['train']`` as ``split.pythia.train``."""
    return ".".join(str(p) for p in path) or "(top level)"


def _resolve(root: dict, sub: dict) -> dict:
    """A subschema with a local ``$ref`` resolved; its own keys (such as ``default``) win."""
    if "$ref" not in sub:
        return sub
    target = root
    for part in sub["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return {**_resolve(root, target), **{k: v for k, v in sub.items() if k != "$ref"}}


def _validator(root: dict):
    """A Draft 2020-12 validator of ``root`` that fills in the ``default`` of missing properties."""
    import jsonschema
    from jsonschema import validators

    validate_properties = jsonschema.Draft202012Validator.VALIDATORS["properties"]
    base = jsonschema.Draft202012Validator.TYPE_CHECKER
    # An integer is an int: 5.0 (YAML's `5.0`, or 2.0 from arithmetic) is a float, refused where the schema
    # says integer (JSON Schema would accept it and the job would fail late on `range(5.0)`).
    strict = base.redefine("integer", lambda _, x: isinstance(x, int) and not isinstance(x, bool))

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, sub in properties.items():
                sub = _resolve(root, sub)
                if "default" in sub and name not in instance:
                    instance[name] = copy.deepcopy(sub["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return validators.extend(jsonschema.Draft202012Validator, {"properties": set_defaults},
                             type_checker=strict)(root)


def _coerce(text: str, types: list[str]):
    """``text`` as the first of the JSON ``types`` it parses as, else unchanged."""
    low = text.strip().lower()
    for t in types:
        try:
            if t == "integer":
                return int(text)
            if t == "number":
                value = float(text)
                if math.isfinite(value):
                    return value
            if t == "boolean" and low in ("true", "false"):
                return low == "true"
            if t == "null" and low in ("null", "none", "~", ""):
                return None
        except ValueError:
            continue
    return text


def _set(config: dict, path, value) -> None:
    target = config
    for p in list(path)[:-1]:
        target = target[p]
    target[list(path)[-1]] = value


def _first_error(errors):
    import jsonschema

    return jsonschema.exceptions.best_match(errors)


def _message(error) -> str:
    key = key_name(error.absolute_path)
    v = error.validator
    if v == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        return f"config key {key}: unknown key {extra[0]!r}" + (f" (allowed: {', '.join(allowed)})" if allowed else "")
    if v == "enum":
        return f"config key {key}: {error.instance!r} is not one of {error.validator_value}"
    if v == "required":
        return f"config key {key}: {error.message}"
    if v == "not":  # propertyNames: the names reserved for built-in models
        return (f"config key {key}: {error.instance!r} is not allowed as a key (the name of a built-in model: "
                f"{', '.join(error.validator_value['enum'])})")
    if v == "pattern":
        return f"config key {key}: {error.instance!r} is not allowed (must match {error.validator_value})"
    if v == "type" and isinstance(error.instance, float) and error.instance.is_integer():
        return (f"config key {key}: {error.instance!r} is a float where an integer is required "
                f"(write {int(error.instance)})")
    if v == "maximum" and error.validator_value == SEED_MAX:
        return (f"config key {key}: {error.instance} is above {SEED_MAX}; torch and xgboost take seeds modulo 2**32, "
                "so larger seeds would repeat smaller ones")
    if v in ("minItems", "maxItems") and error.validator_value == 1:
        return f"config key {key}: must list at least one item"
    return f"config key {key}: {error.message}"


def _leaves(instance, path=()):
    """(key path, value) of every scalar in a nested dict/list."""
    if isinstance(instance, dict):
        for k, v in instance.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(instance, list):
        for i, v in enumerate(instance):
            yield from _leaves(v, (*path, i))
    else:
        yield path, instance


def check_finite(config: dict) -> None:
    """No NaN or infinity anywhere (YAML's ``.nan``/``.inf`` pass every minimum and maximum)."""
    for path, value in _leaves(config):
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"config key {key_name(path)}: {value} is not a finite number")


def check_schema(config: dict, schema: dict) -> dict:
    """Coerce strings, fill defaults and validate ``config`` in place; raise ConfigError on the first problem."""
    check_finite(config)
    validator = _validator(schema)
    for _ in range(1000):  # each round coerces one more string
        errors = list(validator.iter_errors(config))
        if not errors:
            return config
        coercible = [e for e in errors if e.validator == "type" and isinstance(e.instance, str)]
        changed = False
        for e in coercible:
            types = e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
            value = _coerce(e.instance, types)
            if value is not e.instance:
                _set(config, e.absolute_path, value)
                changed = True
                break
        if not changed:
            raise ConfigError(_message(_first_error(errors)))
    raise ConfigError("config: could not coerce the values to the schema's types")


def _fractions(key: str, parts: dict) -> None:
    total = sum(parts.values())
    if abs(total - 1) > 1e-9:
        raise ConfigError(f"config key {key}: fractions {parts} add up to {total:g}; they must add up to 1")


def check_semantics(config: dict) -> None:
    """What the schema cannot express; one line naming the key per problem."""
    _fractions("split.pythia", config["split"]["pythia"])
    unknown = [m for m in config["models"] if m not in BUILTIN_MODELS and m not in config["networks"]]
    if unknown:
        raise ConfigError(f"config key models: {unknown[0]!r} is neither one of {list(BUILTIN_MODELS)} "
                          f"nor a key of networks ({', '.join(sorted(config['networks']))})")
    lc = config["learning_curve"]
    strangers = [m for m in lc["models"] if m not in BUILTIN_MODELS and m not in config["networks"]]
    if lc["enabled"] and strangers:
        raise ConfigError(f"config key learning_curve.models: {strangers[0]!r} is neither one of "
                          f"{list(BUILTIN_MODELS)} nor a key of networks ({', '.join(sorted(config['networks']))})")
    syst = config["systematics"]
    for key, earlier in (("generator", ["sources"]), ("shower", ["sources", "generator"])):
        for other in earlier:
            both = sorted(set(syst[key]) & set(syst[other]))
            if both:
                raise ConfigError(f"config key systematics.{key}: {both[0]!r} is already a source of "
                                  f"systematics.{other}; give it another name")
    par = config["parameterized"]
    if par["enabled"]:
        outside = [m for m in par["held_out"] if m not in par["masses"]]
        if outside:
            raise ConfigError(f"config key parameterized.held_out: {outside[0]} is not one of parameterized.masses")
        if len(par["masses"]) - len(par["held_out"]) < 2:
            raise ConfigError("config key parameterized.held_out: at least two masses must remain to train on")
        h = config["generation"]["higgs"]["masses"]["h"]
        for m in par["masses"]:
            if m - par["hpm_gap"] <= h + 80.4:
                raise ConfigError(f"config key parameterized.masses: at {m} GeV m(H+-) = {m - par['hpm_gap']:g} GeV "
                                  f"is below m(h) + m(W) = {h + 80.4:g} GeV, so H+- -> W h is closed")
    for dataset, name in config["recipe_by_dataset"].items():
        if name is not None and name not in config["recipes"]:
            raise ConfigError(f"config key recipe_by_dataset.{dataset}: {name!r} is not a key of recipes "
                              f"({', '.join(sorted(config['recipes']))})")
    if config["recipe"] not in config["recipes"]:
        raise ConfigError(f"config key recipe: {config['recipe']!r} is not a key of recipes "
                          f"({', '.join(sorted(config['recipes']))})")
    btag = config["detector"]["btag"]
    for flavour in ("b", "c", "light"):
        if btag["tight"][flavour] > btag["loose"][flavour]:
            raise ConfigError(f"config key detector.btag.tight.{flavour}: {btag['tight'][flavour]} exceeds the "
                              f"loose efficiency {btag['loose'][flavour]}; a tight tag must also be a loose tag")
    jets = config["jets"]
    _fractions("jets.split", jets["split"])
    g = jets["generation"]
    if g["pt_min"] >= g["pt_max"]:
        raise ConfigError(f"config key jets.generation.pt_min: {g['pt_min']} is not below pt_max {g['pt_max']}")
    if g["pthat_min"] >= g["pthat_max"]:
        raise ConfigError(f"config key jets.generation.pthat_min: {g['pthat_min']} is not below pthat_max "
                          f"{g['pthat_max']}")
    npix = jets["images"]["npix"]
    for key, cnn in (("jets.cnn", jets["cnn"]), ("weak.cnn", config["weak"]["cnn"])):
        check_cnn(key, cnn, npix)
    weak = config["weak"]
    if weak["enabled"] and not jets["enabled"]:
        raise ConfigError("config key weak.enabled: weak supervision trains on the quark/gluon jets, which "
                          "jets.enabled: false turns off; set weak.enabled: false too, or enable the jets")
    _masses_below_sqrt_s(config)
    for f2 in weak["f2"]:
        if f2 == weak["f1"]:
            raise ConfigError(f"config key weak.f2: {f2} equals weak.f1; two mixtures with the same fraction "
                              "carry no information (choose f2 != f1)")


def _masses_below_sqrt_s(config: dict) -> None:
    """A resonance heavier than the collision energy cannot be produced (Pythia would only fail to initialise)."""
    sqrt_s = config["generation"]["sqrt_s"]
    masses = [(f"generation.higgs.masses.{k}", m) for k, m in config["generation"]["higgs"]["masses"].items()]
    if config["parameterized"]["enabled"]:
        masses += [(f"parameterized.masses.{i}", m) for i, m in enumerate(config["parameterized"]["masses"])]
    for key, m in masses:
        if m >= sqrt_s:
            raise ConfigError(f"config key {key}: {m:g} GeV is not below the collision energy "
                              f"generation.sqrt_s = {sqrt_s:g} GeV")


def check_slha(config: dict, project: str | os.PathLike) -> None:
    """The SUSY spectrum file, when the run generates SUSY events, exists and has an SLHA MASS block."""
    if config["source"] != "pythia" or "susy" not in config["datasets"]:
        return
    value = config["generation"]["susy"]["slha"]
    path = Path(project) / value
    try:
        text = path.read_text(errors="replace")
    except OSError as e:
        raise ConfigError(f"config key generation.susy.slha: cannot read {value!r} ({e.strerror})") from None
    if not re.search(r"^\s*block\s+mass\b", text, re.IGNORECASE | re.MULTILINE):
        raise ConfigError(f"config key generation.susy.slha: {value!r} is not an SLHA spectrum (no 'BLOCK MASS')")


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last silently)."""


def _unique_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ConfigError(f"config key {key}: given twice in one mapping (line {key_node.start_mark.line + 1}); "
                              "YAML would keep only the last silently")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def check_config_files(paths) -> None:
    """Every config file parses with each key once; the message names the file and the key."""
    for path in paths:
        try:
            with open(path) as f:
                yaml.load(f, Loader=_UniqueKeyLoader)
        except ConfigError as e:
            raise ConfigError(f"{path}: {e}") from None


def check_cnn(key: str, cnn: dict, npix: int) -> None:
    """Filters and kernels pair up, and the 2x2 poolings leave at least one pixel."""
    if len(cnn["filters"]) != len(cnn["kernels"]):
        raise ConfigError(f"config key {key}: filters ({len(cnn['filters'])} layers) and kernels "
                          f"({len(cnn['kernels'])} layers) must have the same length")
    size = npix
    for layer in range(len(cnn["filters"])):
        size //= 2
        if size < 1:
            raise ConfigError(f"config key {key}: {len(cnn['filters'])} conv layers pool a {npix}x{npix} image "
                              f"below one pixel at layer {layer + 1}; use at most "
                              f"{int(math.log2(npix))} layers or larger images (jets.images.npix)")


def _path_values(root: dict, schema: dict, instance, path=()):
    """(key path, value) of every instance value whose schema says ``format: path``."""
    schema = _resolve(root, schema)
    if schema.get("format") == "path" and isinstance(instance, str):
        yield path, instance
    if isinstance(instance, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for k, v in instance.items():
            sub = props.get(k, extra if isinstance(extra, dict) else None)
            if sub:
                yield from _path_values(root, sub, v, (*path, k))
    elif isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(instance):
            yield from _path_values(root, schema["items"], v, (*path, i))


def check_paths(config: dict, schema: dict, project: str | os.PathLike) -> None:
    """Every ``format: path`` value resolves inside ``project`` or one of ``data_roots``."""
    project = Path(project).resolve()
    roots = [project]
    for i, r in enumerate(config["data_roots"]):
        if not os.path.isabs(r):
            raise ConfigError(f"config key data_roots.{i}: {r!r} must be an absolute directory")
        roots.append(Path(r).resolve())
    for path, value in _path_values(schema, schema, config):
        resolved = (project / value).resolve()
        if not any(resolved == r or r in resolved.parents for r in roots):
            raise ConfigError(f"config key {key_name(path)}: {value!r} resolves to {resolved}, outside the project "
                              f"{project}" + (f" and data_roots {config['data_roots']}" if config["data_roots"] else "")
                              + "; add its directory to data_roots to allow it")


# The config schema ships inside the package (workflow/schemas/config.schema.yaml links to it).
SCHEMA = importlib.resources.files("hepml") / "config.schema.yaml"


@functools.cache
def _parsed_schema(path: str) -> dict:
    """The schema, its registry-derived definitions (datasets, sources) filled in from the registry."""
    from .datasets import schema_definitions

    with open(path) as f:
        schema = yaml.safe_load(f)
    for name, values in schema_definitions().items():
        schema.setdefault("definitions", {}).setdefault(name, {}).update(values)
    return schema


def load_schema(path: str | os.PathLike = SCHEMA) -> dict:
    """The schema at ``path``, parsed once per process (a copy: callers may change it)."""
    return copy.deepcopy(_parsed_schema(os.fspath(path)))


def property_default(*keys: str, schema_path: str | os.PathLike = SCHEMA):
    """The schema's default of the config key ``keys`` (e.g. ``"training", "resident_gb"``)."""
    node = load_schema(schema_path)
    root = node
    for k in keys:
        node = _resolve(root, node["properties"][k])
    return copy.deepcopy(node["default"])


def resident_bytes(resident_gb: float | None) -> float:
    """Bytes of inputs held on the training device: ``resident_gb``, or the schema's
    ``training.resident_gb`` when none is given."""
    return (resident_gb if resident_gb is not None else property_default("training", "resident_gb")) * 2**30


def definition_defaults(name: str, schema_path: str | os.PathLike = SCHEMA) -> dict:
    """The defaults of the schema definition ``name`` (e.g. ``recipe``), for use outside the workflow."""
    schema = load_schema(schema_path)
    return {k: copy.deepcopy(v["default"]) for k, v in
            (( k, _resolve(schema, sub)) for k, sub in schema["definitions"][name]["properties"].items())
            if "default" in v}


def validate_config(config: dict, schema_path: str | os.PathLike, project: str | os.PathLike) -> dict:
    """Defaults, types, cross-key rules and paths of ``config``, in place; the checked config."""
    schema = load_schema(schema_path)
    check_schema(config, schema)
    check_semantics(config)
    check_paths(config, schema, project)
    check_slha(config, project)
    return config
