"""Training throughput (events/s) on data shaped like the UCI HIGGS training split (10M x 28):

* ``dataloader``: a plain PyTorch loop, DataLoader over host tensors, each batch copied to the device;
* ``hepml``: hepml's loop (hepml.core.training.fit): data resident on the device, index batches;
* ``ensemble``: the 5 seeds of a cell as one vectorised ensemble (hepml.core.ensemble), events
  counted for every member;
* on CUDA also ``hepml+graph`` and ``ensemble+graph``: each step replayed as one CUDA graph.

For both recipes (fast: AdamW, batch 256; paper: SGD with momentum, batch 100) and the deep
network (5 x 300 tanh), on the CPU and on CUDA when present. Each mode runs ``--steps`` steps after
a warm-up; ratios are against ``dataloader`` measured in the same run, on the same device.

    python benchmarks/bench_training.py --events 10000000 --steps 300
    python benchmarks/bench_training.py --quick        # a small smoke run
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch import nn

from hepml.core.ensemble import Stack
from hepml.core.nets import Classifier, mlp
from hepml.core.training import Recipe, _optimizer, _set_schedule, training_step

RECIPES = {"fast": Recipe.with_defaults(), "paper": Recipe.with_defaults(
    optimizer="sgd", lr=0.05, weight_decay=1e-5, batch_size=100, schedule="paper", momentum_start=0.9,
    momentum_end=0.99, init="paper")}


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def _network(n_features, x):
    return Classifier(mlp(n_features, 5, 300), x[:100000].mean(0).cpu().numpy(), x[:100000].std(0).cpu().numpy())


def time_dataloader(x, y, recipe, steps, device):
    model = _network(x.shape[1], x).to(device)
    opt = _optimizer(model, recipe)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=recipe.batch_size,
                                         shuffle=True, drop_last=True)
    it = iter(loader)

    def step():
        xb, yb = next(it)
        xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
        loss = nn.functional.binary_cross_entropy_with_logits(model(xb), yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return _time(step, steps, device), recipe.batch_size


def _index_steps(opt, recipe, train_step, perm):
    """A step on the next batch of ``perm`` (the last axis indexes events), scheduled as fit does."""
    counter = [0]

    def step():
        i = counter[0] % (perm.shape[-1] // recipe.batch_size)
        _set_schedule(opt, recipe, 0, counter[0], 1000)
        train_step(perm[..., i * recipe.batch_size:(i + 1) * recipe.batch_size])
        counter[0] += 1
    return step


def time_hepml(x, y, recipe, steps, device, graph=False):
    """hepml's step (hepml.core.training.training_step, the one fit runs)."""
    opt, train_step = training_step(_network(x.shape[1], x).to(device), x, y, recipe,
                                    nn.functional.binary_cross_entropy_with_logits, graph)
    step = _index_steps(opt, recipe, train_step, torch.randperm(len(x), device=device))
    return _time(step, steps, device), recipe.batch_size


def time_ensemble(x, y, recipe, steps, device, members=5, graph=False):
    """The ensemble's step (hepml.core.ensemble.Stack, the one fit_ensemble runs)."""
    stack = Stack.of([_network(x.shape[1], x).to(device) for _ in range(members)], x, y, recipe, graph)
    perms = torch.stack([torch.randperm(len(x), device=device) for _ in range(members)])
    step = _index_steps(stack.opt, recipe, stack.step, perms)
    return _time(step, steps, device), members * recipe.batch_size


def _time(step, steps, device):
    for _ in range(10):
        step()
    _sync(device)
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    _sync(device)
    return time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=10_000_000)
    p.add_argument("--features", type=int, default=28)
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--devices", nargs="+", default=None, help="default: cpu, and cuda when present")
    p.add_argument("--quick", action="store_true", help="a small smoke run (100k events, 20 steps, CPU)")
    a = p.parse_args()
    if a.quick:
        a.events, a.steps, a.devices = 100_000, 20, ["cpu"]
    torch.set_num_threads(a.threads)
    devices = a.devices or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])
    rng = np.random.default_rng(0)
    x_host = torch.from_numpy(rng.normal(size=(a.events, a.features)).astype(np.float32))
    y_host = torch.from_numpy(rng.integers(0, 2, a.events).astype(np.float32))
    print(f"synthetic UCI-HIGGS-like training set: {a.events} x {a.features}; deep network 5 x 300; "
          f"{a.steps} steps per mode")
    for dev_name in devices:
        device = torch.device(dev_name)
        name = torch.cuda.get_device_name() if device.type == "cuda" else f"CPU, {a.threads} threads"
        x, y = x_host.to(device), y_host.to(device)
        for recipe_name, recipe in RECIPES.items():
            steps = a.steps if device.type == "cuda" else max(a.steps // 10, 5)
            results = {}
            t, n = time_dataloader(x_host, y_host, recipe, steps, device)
            results["dataloader"] = n * steps / t
            t, n = time_hepml(x, y, recipe, steps, device)
            results["hepml"] = n * steps / t
            t, n = time_ensemble(x, y, recipe, steps, device)
            results["ensemble of 5"] = n * steps / t
            if device.type == "cuda":
                t, n = time_hepml(x, y, recipe, steps, device, graph=True)
                results["hepml + CUDA graph"] = n * steps / t
                t, n = time_ensemble(x, y, recipe, steps, device, graph=True)
                results["ensemble of 5 + CUDA graph"] = n * steps / t
            base = results["dataloader"]
            print(f"\n{name}, {recipe_name} recipe (batch {recipe.batch_size}):")
            for mode, rate in results.items():
                print(f"  {mode:28s} {rate:12.0f} events/s   {rate / base:6.2f}x dataloader")


if __name__ == "__main__":
    main()
