"""Pick the compute device: CUDA when a GPU is present, else the CPU, with no config change."""

from __future__ import annotations

import os
from pathlib import Path


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


# The kernels a CPU run uses, capped at AVX2 in every library that dispatches on the instruction set:
# PyTorch's own vectorised kernels, MKL's BLAS (conditional numerical reproducibility) and oneDNN
# (convolutions). Any x86-64 CPU with AVX2 then runs the same code paths and gives the same bytes.
CPU_ISA_ENVIRONMENT = {"avx2": {"ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"},
                       "native": {}}


def cpu_isa_environment(isa: str) -> dict[str, str]:
    """Environment variables that pin the CPU kernels for ``training.cpu_isa``."""
    return dict(CPU_ISA_ENVIRONMENT[isa])


def kernels(device) -> str:
    """What ran the arithmetic: the CPU kernel set PyTorch dispatched to and the MKL/oneDNN caps
    (e.g. 'cpu AVX2 (MKL_CBWR=AVX2, ONEDNN_MAX_CPU_ISA=AVX2)'), or the GPU's name."""
    import torch

    if device.type == "cuda":
        return f"cuda {torch.cuda.get_device_name(device)}"
    # PyTorch's own pin shows in its capability; the libraries' pins are read back from the environment
    pins = [f"{k}={os.environ[k]}" for k in CPU_ISA_ENVIRONMENT["avx2"]
            if k != "ATEN_CPU_CAPABILITY" and k in os.environ]
    return f"cpu {torch.backends.cpu.get_cpu_capability()}" + (f" ({', '.join(pins)})" if pins else "")


def cuda_present() -> bool:
    """Whether an NVIDIA GPU is visible, without importing PyTorch (2-3 s): the driver lists its
    GPUs in /proc, and CUDA_VISIBLE_DEVICES may hide them."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None and visible.strip() in ("", "-1"):
        return False
    return any(Path("/proc/driver/nvidia/gpus").glob("*")) or Path("/dev/nvidia0").exists()


def seed_everything(seed: int, threads: int | None = None) -> None:
    """Seed numpy-free torch RNGs and make CPU results reproducible bit for bit."""
    import torch

    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    if threads:
        torch.set_num_threads(threads)
