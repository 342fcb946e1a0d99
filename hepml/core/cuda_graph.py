"""Training steps replayed as one CUDA graph, for small launch-bound batches (the paper recipe's 100).

A step of a small network is a few dozen kernel launches of microseconds each; the GPU waits for
the CPU to issue them. Captured once as a CUDA graph, a step is one launch. What changes between
steps lives in static tensors updated in place: the batch indices and the learning rate (a
tensor in the optimizer's parameter groups). SGD's momentum is a number baked into the graph,
so the paper schedule, which raises it once per epoch, captures again when it changes.

Capturing runs the step a few times first (CUDA's warm-up); those steps' effects on the weights
and the optimizer state are undone, so the trajectory is the one the eager loop would take.
Batches of another size (an epoch's last, partial batch) run eagerly.
"""

from __future__ import annotations

import copy
from typing import Callable

import torch

WARMUP = 3


def lr_as_tensors(opt: torch.optim.Optimizer, device) -> None:
    """Make every parameter group's learning rate a device tensor (updated in place by the schedule).

    AdamW reads it inside the graph when built with ``capturable=True``. SGD's multi-tensor step
    would read it back to the host (``alpha=-lr``), which a graph cannot capture; its single-tensor
    step uses ``addcmul_`` with a learning rate that requires grad, which a graph can.
    """
    sgd = isinstance(opt, torch.optim.SGD)
    for g in opt.param_groups:
        g["lr"] = torch.tensor(float(g["lr"]), device=device, requires_grad=sgd)
        if sgd:
            g["foreach"] = False


def set_lr(g: dict, value: float) -> None:
    """A parameter group's learning rate, in place when it is a tensor (a captured graph reads it)."""
    if isinstance(g["lr"], torch.Tensor):
        with torch.no_grad():
            g["lr"].fill_(value)
    else:
        g["lr"] = value


def cuda_graph_backend(step: Callable[[torch.Tensor], torch.Tensor], idx: torch.Tensor) -> Callable[[], torch.Tensor]:
    """Warm ``step(idx)`` up on a side stream, capture it as a CUDA graph; return ``replay()``,
    which runs the captured step on whatever ``idx`` holds and returns its loss."""
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(WARMUP):
            step(idx)
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        loss = step(idx)

    def replay() -> torch.Tensor:
        graph.replay()
        return loss.clone()
    return replay


def eager_backend(step: Callable[[torch.Tensor], torch.Tensor], idx: torch.Tensor) -> Callable[[], torch.Tensor]:
    """The CUDA backend's contract without CUDA: the warm-up steps really run (and change the weights
    and the optimizer state, which :class:`GraphStep` must undo), and ``replay()`` runs the step on
    what ``idx`` holds. The tests drive GraphStep's logic with it on any machine."""
    for _ in range(WARMUP):
        step(idx)
    return lambda: step(idx)


class GraphStep:
    """``step(idx)`` (one optimisation step on the batch indices ``idx``, returning its loss)
    replayed as a CUDA graph for index tensors of ``shape``; ``state()`` and ``restore(state)``
    save and put back the trained weights around the warm-up. ``backend`` captures (default: a CUDA
    graph; :func:`eager_backend` to run the same logic without CUDA)."""

    def __init__(self, step: Callable[[torch.Tensor], torch.Tensor], shape: tuple, device,
                 opt: torch.optim.Optimizer, state: Callable[[], dict], restore: Callable[[dict], None],
                 backend: Callable = cuda_graph_backend):
        self.step, self.shape, self.device = step, tuple(shape), device
        self.opt, self.state, self.restore = opt, state, restore
        self.backend = backend
        self.replay = None
        self.momenta = None
        self.captures = 0

    def _momenta(self):
        return [g.get("momentum") for g in self.opt.param_groups]

    def _optimizer_state(self) -> dict:
        return {(i, k): v.detach().clone() if isinstance(v, torch.Tensor) else v
                for i, p in enumerate(self._params()) for k, v in self.opt.state.get(p, {}).items()}

    def _params(self):
        return [p for g in self.opt.param_groups for p in g["params"]]

    def _restore_optimizer(self, saved: dict) -> None:
        """The optimizer state as it was, in place (the graph holds these tensors): state that the
        warm-up created is zeroed, which is what SGD's and AdamW's first step start from."""
        for i, p in enumerate(self._params()):
            for k, v in self.opt.state.get(p, {}).items():
                if isinstance(v, torch.Tensor):
                    v.copy_(saved[(i, k)]) if (i, k) in saved else v.zero_()

    def _capture(self) -> None:
        saved_state = copy.deepcopy(self.state())
        saved_opt = self._optimizer_state()
        self.idx = torch.zeros(self.shape, dtype=torch.long, device=self.device)
        self.replay = self.backend(self.step, self.idx)
        with torch.no_grad():
            self.restore(saved_state)
            self._restore_optimizer(saved_opt)
        self.momenta = self._momenta()
        self.captures += 1

    def __call__(self, idx: torch.Tensor) -> torch.Tensor:
        if tuple(idx.shape) != self.shape:
            return self.step(idx)
        if self.replay is None or self._momenta() != self.momenta:
            self._capture()
        self.idx.copy_(idx)
        return self.replay()
