"""Sharded generation: one shard = one seed = one Snakemake job; merging shuffles shards together."""

from __future__ import annotations

import os

import numpy as np
from tqdm.auto import tqdm

from ..schema import LABEL, columns
from ..store import StoreWriter, read_events, write_events
from .detector import DEFAULT as DEFAULT_DETECTOR
from .detector import reconstruct
from .features import event_features
from .processes import process_variants
from .pythia import generate

PROCESS_LABEL = {"signal": 1, "background": 0}
PROCESS_SEED_OFFSET = {"signal": 0, "background": 500_000}


def shard_seed(base_seed: int, process: str, shard: int, variant: int = 0) -> int:
    """Seed of one variant of one shard; distinct for every (process, shard, variant)."""
    return int(base_seed) * 1_000_000 + PROCESS_SEED_OFFSET[process] + shard * 10 + variant


def merge_detector(cfg: dict | None) -> dict:
    """The default detector card with the sections of ``cfg`` overriding it key by key."""
    merged = {k: dict(v) for k, v in DEFAULT_DETECTOR.items()}
    for section, values in (cfg or {}).items():
        if section not in merged:
            raise ValueError(f"unknown detector section {section!r}; known: {sorted(merged)}")
        merged[section].update(values)
    return merged


def simulate(dataset: str, process: str, n_events: int, seed: int, gen: dict, detector: dict,
             batch_size: int = 500, progress: bool = True):
    """Yield feature dicts of selected events, batch by batch, for ``n_events`` generated events."""
    variants = process_variants(dataset, process, gen)
    card = merge_detector(detector)
    per_variant = [n_events // len(variants) + (i < n_events % len(variants)) for i in range(len(variants))]
    bar = tqdm(total=n_events, desc=f"{dataset} {process}", unit="ev", disable=not progress, mininterval=2)
    for v, (settings, n) in enumerate(zip(variants, per_variant)):
        rng = np.random.default_rng(seed + v)
        for batch in generate(settings, n, seed + v, batch_size):
            reco = reconstruct(batch, card, rng)
            yield event_features(dataset, reco, PROCESS_LABEL[process])
            bar.update(len(batch))
    bar.close()


def generate_shard(dataset: str, process: str, shard: int, n_events: int, base_seed: int, gen: dict,
                   detector: dict, output: str | os.PathLike, progress: bool = True) -> int:
    """Generate one shard into a store file; return the number of selected events."""
    seed = shard_seed(base_seed, process, shard)
    with StoreWriter(output, columns(dataset)) as writer:
        for feats in simulate(dataset, process, n_events, seed, gen, detector, progress=progress):
            if len(feats[LABEL]):
                writer.extend(feats)
        if writer.n_events == 0:
            raise RuntimeError(f"{output}: no event of {n_events} passed the {dataset} selection")
        return writer.n_events


def merge_shards(inputs: list[str | os.PathLike], output: str | os.PathLike, seed: int) -> int:
    """Concatenate shard files and shuffle the events with a fixed seed."""
    parts = [read_events(p) for p in inputs]
    names = list(parts[0])
    data = {c: np.concatenate([p[c] for p in parts]) for c in names}
    order = np.random.default_rng(seed).permutation(len(data[names[0]]))
    write_events(output, {c: v[order] for c, v in data.items()})
    return len(order)
