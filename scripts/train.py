#!/usr/bin/env python
"""Train every seed of one cell (a dataset's feature set, a model, a task), or of the cells of several
feature sets as one stack; write each model and its history."""
import argparse

from hepml.core.cli import beside, json_arg, run_main, seeds_of
from hepml.pipeline.models import ModelSpec
from hepml.pipeline.steps import train_cell, train_cells


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dataset", required=True)
    p.add_argument("--feature-set", nargs="+", required=True,
                   help="one feature set, or several whose cells train as one stack (outputs feature set by feature set)")
    p.add_argument("--spec", type=json_arg, required=True, help="JSON {kind, config, recipe} of the model")
    p.add_argument("--task", required=True, help="all | n<N> | supervised | cwola_<f1>_<f2> | llp_<f1>_<f2>")
    p.add_argument("--task-config", type=json_arg, required=True, help="JSON: what the task needs (mixture size)")
    p.add_argument("--train", required=True)
    p.add_argument("--val", required=True)
    p.add_argument("--seeds", type=int, nargs="+",
                   help="default: the seeds the --models files name (seed<N>.model), each once")
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--ensemble", action=argparse.BooleanOptionalAction, required=True,
                   help="train the seeds of a network cell together as one vectorised ensemble")
    p.add_argument("--cuda-graph", action=argparse.BooleanOptionalAction, required=True,
                   help="on CUDA, replay each full training step as one CUDA graph")
    p.add_argument("--resident-gb", type=float, required=True,
                   help="inputs larger than this (GB) are read in chunks of this size")
    p.add_argument("--models", nargs="+", required=True, help="one output per feature set and seed")
    p.add_argument("--histories", nargs="+", required=True, help="one output per feature set and seed")
    p.add_argument("--export-onnx", action=argparse.BooleanOptionalAction, required=True,
                   help="networks: each model's ONNX export beside it (seed<N>.onnx)")
    a = p.parse_args()
    seeds = a.seeds or seeds_of(a.models)
    onnx = beside(a.models, ".onnx") if a.export_onnx else None
    if len(a.feature_set) > 1:
        train_cells(a.dataset, a.feature_set, ModelSpec(**a.spec), a.task, a.train, a.val, seeds, a.models,
                    a.histories, a.threads, a.task_config, a.ensemble, resident_gb=a.resident_gb,
                    onnx_paths=onnx, cuda_graph=a.cuda_graph)
        return
    train_cell(a.dataset, a.feature_set[0], ModelSpec(**a.spec), a.task, a.train, a.val, seeds, a.models,
               a.histories, a.threads, a.task_config, a.ensemble, resident_gb=a.resident_gb, onnx_paths=onnx,
               cuda_graph=a.cuda_graph)


if __name__ == "__main__":
    run_main(main)
