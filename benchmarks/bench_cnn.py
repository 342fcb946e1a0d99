"""One training epoch of the default quark/gluon CNN (``jets.cnn``) in channels-last (NHWC) layout,
the layout JetCNN uses, against the same network in PyTorch's default NCHW layout, measured in the
same run on the same images (one CPU thread, as the workflow's training jobs run).

    python benchmarks/bench_cnn.py                 # 3442 jets of 33x33 pixels (the default run's size)
    python benchmarks/bench_cnn.py --jets 500 --repeats 1
"""

from __future__ import annotations

import argparse
import time

import torch

from pathlib import Path

from hepml.core.config import SCHEMA, validate_config
from hepml.jets.cnn import JetCNN


class NCHW(JetCNN):
    """JetCNN with PyTorch's default layout: the baseline."""

    def __init__(self, *args):
        super().__init__(*args)
        self.features.to(memory_format=torch.contiguous_format)

    def forward(self, x):
        return self.head(self.features(self.standardize(x))).squeeze(-1)


def epoch_seconds(model, x, y, batch: int) -> float:
    opt = torch.optim.AdamW(model.parameters(), 1e-3)
    start = time.perf_counter()
    for i in range(0, len(x), batch):
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x[i:i + batch]), y[i:i + batch])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jets", type=int, default=3442)
    p.add_argument("--repeats", type=int, default=3, help="epochs timed per layout (the fastest counts)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--quick", action="store_true", help="a smoke run: 256 jets, one epoch each")
    a = p.parse_args()
    if a.quick:
        a.jets, a.repeats = 256, 1
    torch.set_num_threads(a.threads)
    jets = validate_config({}, SCHEMA, Path(__file__).resolve().parents[1])["jets"]
    cfg, npix, batch = jets["cnn"], jets["images"]["npix"], jets["recipe"]["batch_size"]
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(a.jets, 1, npix, npix, generator=gen) ** 8   # sparse-ish, like jet images
    y = (torch.rand(a.jets, generator=gen) > 0.5).float()
    times = {}
    for name, cls in (("NCHW (baseline)", NCHW), ("channels-last", JetCNN)):
        torch.manual_seed(0)
        model = cls.for_images(x.numpy(), cfg)
        times[name] = min(epoch_seconds(model, x, y, batch) for _ in range(a.repeats))
        print(f"{name:16s} {times[name]:7.2f} s per epoch ({a.jets} jets, {npix}x{npix}, batch {batch}, "
              f"{a.threads} thread)")
    print(f"channels-last is {times['NCHW (baseline)'] / times['channels-last']:.2f}x the NCHW baseline")


if __name__ == "__main__":
    main()
