"""Pick the compute device: CUDA when a GPU is present, else the CPU, with no config change."""

from __future__ import annotations

import os


def torch_device(requested: str = "auto"):
    """``torch.device`` for ``requested`` ('auto', 'cpu', 'cuda', 'cuda:1', ...)."""
    import torch

    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(requested)
    if device.type != "cuda":
        return device
    found = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if device.index is not None and device.index >= found or not found:
        raise RuntimeError(f"device {requested!r} requested (the model's config key `device`) but this machine has "
                           f"{found} CUDA device(s); use device: auto, cpu or cuda:0..{max(found - 1, 0)}")
    return device


def seed_everything(seed: int, threads: int | None = None) -> None:
    """Seed numpy-free torch RNGs and make CPU results reproducible bit for bit."""
    import torch

    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    if threads:
        torch.set_num_threads(threads)
