"""NN training throughput: hepml's device-resident loop against a plain DataLoader loop.

Same model (5 x 300 tanh), same optimiser and batch size, same synthetic data;
prints events/s of each and the ratio. Runs on CUDA when present, else the CPU.

    python benchmarks/bench_training.py --events 200000 --batch-size 1024 --epochs 2
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from hepml.device import torch_device
from hepml.models import Classifier, mlp
from hepml.training import Recipe, fit


def data(n, d=28, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    y = (x[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(np.float32)
    return x, y


def model(d, device):
    torch.manual_seed(0)
    return Classifier(mlp(d, 5, 300), np.zeros(d), np.ones(d)).to(device)


def naive(x, y, device, batch_size, epochs):
    """The textbook loop: a DataLoader over CPU tensors, a host-to-device copy per batch."""
    net = model(x.shape[1], device)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3)
    loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=batch_size, shuffle=True)
    start = time.perf_counter()
    for _ in range(epochs):
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(net(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss.item()  # the usual per-step logging sync
    if device.type == "cuda":
        torch.cuda.synchronize()
    return epochs * len(x) / (time.perf_counter() - start)


def ours(x, y, device, batch_size, epochs):
    net = model(x.shape[1], device)
    xt, yt = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)
    xv, yv = xt[:2048], yt[:2048]
    recipe = Recipe(batch_size=batch_size, max_epochs=epochs, patience=epochs + 1, schedule="none")
    history = fit(net, xt, yt, xv, yv, recipe, progress=False)
    if device.type == "cuda":
        torch.cuda.synchronize()
    return epochs * len(x) / sum(e["seconds"] for e in history.epochs)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=200_000)
    p.add_argument("--batch-size", type=int, default=1024)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--device", default="auto")
    a = p.parse_args()
    device = torch_device(a.device)
    x, y = data(a.events)
    base = naive(x, y, device, a.batch_size, a.epochs)
    fast = ours(x, y, device, a.batch_size, a.epochs)
    print(f"device {device}, {a.events} events, batch {a.batch_size}, 5x300 tanh, threads {torch.get_num_threads()}")
    print(f"DataLoader loop : {base:10.0f} events/s")
    print(f"hepml fit       : {fast:10.0f} events/s")
    print(f"speed-up: {fast / base:.2f}x")


if __name__ == "__main__":
    main()
