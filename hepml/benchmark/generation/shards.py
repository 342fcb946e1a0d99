"""Sharded generation: one shard = one seed = one Snakemake job, with a record of what Pythia did.

A shard file holds the trees ``events`` (the UCI features and the label of the selected events),
``truth`` (generated resonance masses and the true and reconstructed missing pT of those events),
``leptons`` and ``jets`` (the reconstructed objects of *every* generated event, with their true
pT, jet flavour, b-tag and whether the event was selected), the last three for the validation
report. Beside it a JSON record holds the generator version, tune,
seeds, cross sections, Pythia's errors and warnings, and the selection efficiency.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os

import numpy as np
from tqdm.auto import tqdm

from ...core.atomic import write_json
from ...core.datasets import LABEL, get_dataset
from ...core.pythia import generate, make_pythia, run_record, shard_seed, shower_weight_settings
from ...core.store import StoreWriter
from . import ragged
from .detector import Reco, reconstruct_card
from .recipes import process_variants, recipe
from .shower_weights import WeightTally, uncertainty_bands

log = logging.getLogger(__name__)


def _select(reco: Reco, keep: np.ndarray) -> Reco:
    return Reco(reco.leptons.events(keep), reco.jets.events(keep), reco.met_px[keep], reco.met_py[keep],
                reco.met_true_px[keep], reco.met_true_py[keep])


def _batch_output(dataset: str, process: str, reco: Reco, truth: dict, keep: np.ndarray) -> dict[str, dict]:
    """The four trees' columns for the events ``keep`` selects of one batch."""
    r = recipe(dataset)
    sel = _select(reco, keep)
    cols = r.features(sel)
    bad = [c for c, v in cols.items() if not np.all(np.isfinite(v))]
    if bad:
        raise RuntimeError(f"{dataset} {process}: feature {bad[0]!r} is not finite for some events")
    cols[LABEL] = np.full(int(keep.sum()), get_dataset(dataset).label(process), dtype=np.int32)
    # object trees: every generated event's objects (unbiased by the selection), flagged if selected
    lep_sel = keep[ragged.event_index(reco.leptons.counts)]
    jet_sel = keep[ragged.event_index(reco.jets.counts)]
    return {
        "events": cols,
        "truth": {**{k: v[keep] for k, v in truth.items()},
                  "met_true_px": sel.met_true_px, "met_true_py": sel.met_true_py,
                  "met_reco_px": sel.met_px, "met_reco_py": sel.met_py},
        "leptons": {"pt_true": reco.leptons.pt_true, "pt_reco": np.hypot(reco.leptons.px, reco.leptons.py),
                    "selected": lep_sel},
        "jets": {"pt_true": reco.jets.pt_true, "pt_particle": reco.jets.pt_particle,
                 "pt_reco": np.hypot(reco.jets.px, reco.jets.py),
                 "eta": reco.jets.eta, "flavour": reco.jets.flavour, "btag": reco.jets.btag, "selected": jet_sel},
    }


def generate_shard(dataset: str, process: str, shard: int, n_events: int, base_seed: int, gen: dict,
                   detector: dict, output: str | os.PathLike, record: str | os.PathLike,
                   batch_size: int = 2000, progress: bool = True, label: str | None = None) -> dict:
    """Generate one shard into the store file ``output`` and its JSON ``record``; return the record.

    ``label`` names the process in the record and in the seed stream (default: ``process``), e.g.
    ``signal_m375`` for a mass point of the parameterized study.
    """
    return generate_cards_shard(dataset, process, shard, n_events, base_seed, gen, {"nominal": detector},
                                {"nominal": output}, record, batch_size, progress, label)


def generate_cards_shard(dataset: str, process: str, shard: int, n_events: int, base_seed: int, gen: dict,
                         cards: dict[str, dict], outputs: dict[str, str | os.PathLike], record: str | os.PathLike,
                         batch_size: int = 2000, progress: bool = True, label: str | None = None,
                         parameters: dict[str, float] | None = None, shower: dict | None = None) -> dict:
    """One shard of generated events seen through several detector cards: the first card is the
    nominal one, whose random numbers every other card reuses on the same events (a variation costs
    the detector, not Pythia); ``outputs`` gives each card's store file; ``parameters``: real-valued
    Pythia parameters changed (a generator variation); ``shower``: {"variations": {name: {"fsr" or
    "isr": scale factor}} (``variations.shower_variations``), "settings": systematics.shower_settings}, whose variations' per-event weights the nominal
    card's events carry (``hepml.benchmark.generation.shower_weights``). The record counts the
    events each card selects."""
    label = label or process
    variants = process_variants(dataset, process, gen)
    make_truth, select = recipe(dataset).truth, recipe(dataset).selection
    per_variant = [n_events // len(variants) + (i < n_events % len(variants)) for i in range(len(variants))]
    runs, generated = [], 0
    nominal, *others = cards
    variations = shower["variations"] if shower else {}
    extra_settings = shower_weight_settings(variations, uncertainty_bands(shower["settings"])) if variations else []
    tally = WeightTally(list(variations))
    bar = tqdm(total=n_events, desc=f"{dataset} {process} shard {shard}", unit="ev", disable=not progress,
               mininterval=2)
    with contextlib.ExitStack() as stack:
        writers = {name: stack.enter_context(StoreWriter(outputs[name])) for name in cards}
        for v, (variant, n) in enumerate(zip(variants, per_variant)):
            seed = shard_seed(base_seed, f"{dataset}/{label}", shard, v)
            rng = np.random.default_rng(seed)
            extra = np.random.default_rng([seed, 1])   # b-tags of jets only a varied card keeps
            pythia = make_pythia(list(variant.settings) + extra_settings, seed, parameters)
            n_done = 0
            for batch in generate(pythia, n, batch_size, list(variations)):
                reco, shared = reconstruct_card(batch, cards[nominal], rng)
                truth = make_truth(batch, variant)
                for name in cards:
                    if name != nominal:
                        reco = reconstruct_card(batch, cards[name], extra, shared)[0]
                    keep = select(reco, cards[name])
                    out = _batch_output(dataset, process, reco, truth, keep)
                    if name == nominal and variations:   # its events wait for the weights' normalisation
                        tally.add_generated(batch.weights)
                        tally.hold(out.pop("events"), batch.weights, keep)
                    for tree, data in out.items():
                        writers[name].extend(data, tree)
                n_done += batch.n_events
                bar.update(batch.n_events)
            runs.append(run_record(pythia, seed, n_done))
            generated += n_done
        weighted = tally.normalised_events() if variations else {}
        if weighted:
            writers[nominal].extend(weighted)
        selected = {name: w.n_events for name, w in writers.items()}
        if selected[nominal] == 0:
            key = ("parameterized.events_per_shard" if label != process
                   else f"generation.events_per_shard.{dataset}.{process}")
            raise RuntimeError(f"{outputs[nominal]}: no event of {n_events} passed the {dataset} selection; generate "
                               f"more (config key {key})")
    bar.close()
    out = {
        "dataset": dataset, "process": label, "shard": shard, "variants": runs,
        "events_generated": generated, "events_selected": selected[nominal],
        "efficiency": selected[nominal] / generated,
        "sigma_mb": sum(r["sigma_mb"] for r in runs),
        "sigma_err_mb": math.sqrt(sum(r["sigma_err_mb"] ** 2 for r in runs)),
    }
    if others or parameters:
        out["cards_selected"] = selected
    if parameters:
        out["parameters"] = parameters
    if variations:
        out["shower_weights"] = {"variations": variations, "settings": shower["settings"], "weights": tally.summary(weighted)}
    write_json(record, out)
    log.info("%s: %d of %d generated events selected (%.1f%%)", outputs[nominal], selected[nominal], generated,
             100 * out["efficiency"])
    return out


def merge_records(records: list[dict]) -> dict:
    """One sample's generation record from its shards' records: totals and efficiencies per process."""
    out: dict = {"processes": {}, "shards": records}
    for process in sorted({r["process"] for r in records}):
        rs = [r for r in records if r["process"] == process]
        gen, sel = sum(r["events_generated"] for r in rs), sum(r["events_selected"] for r in rs)
        sigmas = [r["sigma_mb"] for r in rs]
        messages: dict[str, dict[str, int]] = {"errors": {}, "warnings": {}, "aborts": {}}
        for r in rs:
            for v in r["variants"]:
                for kind in messages:
                    for m, c in v[kind].items():
                        messages[kind][m] = messages[kind].get(m, 0) + c
        out["processes"][process] = {
            "generator": rs[0]["variants"][0]["generator"], "tune_pp": rs[0]["variants"][0]["tune_pp"],
            "shards": len(rs), "events_generated": gen, "events_selected": sel, "efficiency": sel / gen,
            "sigma_mb": float(np.mean(sigmas)),
            "sigma_err_mb": math.sqrt(sum(r["sigma_err_mb"] ** 2 for r in rs)) / len(rs),
            **messages,
        }
    return out
