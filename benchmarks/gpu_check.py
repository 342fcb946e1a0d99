"""The GPU paths, checked and timed in one short run on a CUDA machine (no effect elsewhere):

1. a CUDA-graph training step takes the eager loop's trajectory (single network and ensemble);
2. training throughput of every mode on data shaped like the UCI HIGGS training split
   (benchmarks/bench_training.py, CUDA only);
3. one UCI-sized fast-recipe epoch: the 5 seeds of the deep network as one ensemble on 10M x 28
   events with a learnable signal, with CUDA graphs, and the validation AUC it reaches.

    python benchmarks/gpu_check.py --out results.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_training  # noqa: E402

from hepml.core.ensemble import fit_ensemble  # noqa: E402
from hepml.core.nets import Classifier, mlp  # noqa: E402
from hepml.core.roc import auc  # noqa: E402
from hepml.core.training import Recipe, fit, predict_logits  # noqa: E402


def signal_data(n, features, device, seed=0):
    """Gaussian inputs whose label depends on a few of them (something to learn)."""
    g = torch.Generator(device=device).manual_seed(seed)
    x = torch.randn(n, features, generator=g, device=device)
    logit = 1.5 * x[:, 0] - x[:, 1] * x[:, 2] + 0.5 * torch.tanh(x[:, 3] * x[:, 4])
    y = (torch.rand(n, generator=g, device=device) < torch.sigmoid(logit)).float()
    return x, y


def check_graph_equals_eager(device):
    out = {}
    x, y = signal_data(20000, 28, device)
    xv, yv = signal_data(5000, 28, device, 1)
    for name, recipe in (("fast", Recipe.with_defaults(max_epochs=2)),
                         ("paper", Recipe.with_defaults(optimizer="sgd", lr=0.05, batch_size=100, schedule="paper",
                                                        init="paper", max_epochs=2, momentum_epochs=2))):
        weights = []
        for graph in (False, True):
            torch.manual_seed(0)
            model = Classifier(mlp(28, 5, 300), x.mean(0).cpu().numpy(), x.std(0).cpu().numpy()).to(device)
            fit(model, x, y, xv, yv, recipe, seed=0, progress=False, cuda_graph=graph)
            weights.append({k: v.detach().clone() for k, v in model.state_dict().items()})
        diff = max((weights[0][k] - weights[1][k]).abs().max().item() for k in weights[0])
        ens = []
        for graph in (False, True):
            members = fit_ensemble(lambda: Classifier(mlp(28, 5, 300), x.mean(0).cpu().numpy(),
                                                      x.std(0).cpu().numpy()),
                                   [0, 1, 2], x, y, xv, yv, recipe, progress=False, cuda_graph=graph)
            ens.append([auc(yv.cpu().numpy(), predict_logits(m.to(device), xv).cpu().numpy()) for m, _ in members])
        out[name] = {"single max weight difference": diff,
                     "ensemble AUC eager": ens[0], "ensemble AUC graph": ens[1]}
    return out


def uci_sized_epoch(device, n=10_000_000, members=5, layers=5):
    x, y = signal_data(n, 28, device)
    xv, yv = signal_data(500_000, 28, device, 1)
    recipe = Recipe.with_defaults(max_epochs=1)
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    trained = fit_ensemble(lambda: Classifier(mlp(28, layers, 300), x[:100000].mean(0).cpu().numpy(),
                                              x[:100000].std(0).cpu().numpy()),
                           list(range(members)), x, y, xv, yv, recipe, progress=False, cuda_graph=True)
    torch.cuda.synchronize()
    seconds = time.perf_counter() - t0
    return {"events": n, "members": members, "layers": layers, "batch": recipe.batch_size, "seconds": seconds,
            "events_per_second": n * members / seconds,
            "val_auc": [h.epochs[-1]["val_auc"] for _, h in trained]}


def concurrent_epochs(copies: int) -> dict:
    """``copies`` processes each training one UCI-sized deep ensemble epoch on the same GPU at once
    (cells of a study sharing the device): the wall time and the total throughput."""
    import subprocess

    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, "--one-epoch"], stdout=subprocess.PIPE, text=True)
             for _ in range(copies)]
    each = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    wall = time.perf_counter() - t0
    return {"copies": copies, "wall_seconds": wall, "epoch_seconds": [e["seconds"] for e in each],
            "total_events_per_second": sum(e["events"] * e["members"] for e in each) / wall}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--one-epoch", action="store_true", help="(internal) one deep ensemble epoch, print JSON")
    p.add_argument("--scaling", action="store_true",
                   help="only the epoch timings: shallow and deep alone, and deep 3 at a time on one GPU")
    a = p.parse_args()
    if not torch.cuda.is_available():
        print("gpu_check: no CUDA device here, nothing to check (the GPU figures stay unmeasured)")
        return
    device = torch.device("cuda")
    if a.one_epoch:
        print(json.dumps(uci_sized_epoch(device)))
        return
    if a.scaling:
        result = {"device": torch.cuda.get_device_name(), "shallow_epoch": uci_sized_epoch(device, layers=1),
                  "deep_epoch": uci_sized_epoch(device), "deep_epochs_3_at_once": concurrent_epochs(3)}
        print(json.dumps(result, indent=1))
        with open(a.out, "w") as f:
            json.dump(result, f, indent=1)
        return
    result = {"device": torch.cuda.get_device_name(), "torch": torch.__version__}
    t = time.perf_counter()
    result["graph_equals_eager"] = check_graph_equals_eager(device)
    print(json.dumps(result, indent=1), flush=True)
    x_host, y_host = (v.cpu() for v in signal_data(10_000_000, 28, device))
    x, y = x_host.to(device), y_host.to(device)
    rates = {}
    for name, recipe in bench_training.RECIPES.items():
        modes = {"dataloader": lambda r=recipe: bench_training.time_dataloader(x_host, y_host, r, a.steps, device),
                 "hepml": lambda r=recipe: bench_training.time_hepml(x, y, r, a.steps, device),
                 "ensemble of 5": lambda r=recipe: bench_training.time_ensemble(x, y, r, a.steps, device),
                 "hepml + CUDA graph": lambda r=recipe: bench_training.time_hepml(x, y, r, a.steps, device, True),
                 "ensemble of 5 + CUDA graph": lambda r=recipe: bench_training.time_ensemble(x, y, r, a.steps, device,
                                                                                           graph=True)}
        rates[name] = {}
        for mode, run in modes.items():
            seconds, per_step = run()
            rates[name][mode] = per_step * a.steps / seconds
        print(name, json.dumps(rates[name], indent=1), flush=True)
    result["events_per_second"] = rates
    result["uci_sized_fast_epoch"] = uci_sized_epoch(device)
    result["wall_seconds"] = time.perf_counter() - t
    print(json.dumps(result, indent=1))
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
