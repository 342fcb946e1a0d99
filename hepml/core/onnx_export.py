"""Networks as ONNX files that run in a C++ analysis with ONNX Runtime.

The exported graph takes the raw inputs (the training standardisation is inside it, as in the
PyTorch model) and returns the signal probability; the input names and what the model is are in
the file's metadata (``metadata_props``: ``hepml_inputs`` as a JSON list, ``hepml_model``).
"""

from __future__ import annotations

import json
import os
import warnings

import numpy as np
import torch
from torch import nn

from .atomic import atomic_output

OPSET = 17


class _Probability(nn.Module):
    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x):
        return torch.sigmoid(self.model(x))


def export_onnx(model: nn.Module, example: np.ndarray, inputs: list[str], path: str | os.PathLike,
                description: dict) -> None:
    """Write ``model`` (logits) as an ONNX graph of the signal probability, any number of events."""
    import onnx

    x = torch.as_tensor(np.ascontiguousarray(example[:2]), dtype=torch.float32)
    with atomic_output(path) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the TorchScript-based exporter is deprecated but needs no extra packages
        torch.onnx.export(_Probability(model.cpu().eval()), (x,), str(tmp), input_names=["inputs"],
                          output_names=["signal_probability"], opset_version=OPSET, dynamo=False,
                          dynamic_axes={"inputs": {0: "events"}, "signal_probability": {0: "events"}})
        graph = onnx.load(str(tmp))
        for key, value in (("hepml_inputs", json.dumps(inputs)), ("hepml_model", json.dumps(description, sort_keys=True))):
            graph.metadata_props.add(key=key, value=value)
        graph.producer_name = "hepml"
        onnx.save(graph, str(tmp))


def onnx_inputs(path: str | os.PathLike) -> list[str]:
    """The input names recorded in an exported file."""
    import onnx

    props = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
    return json.loads(props["hepml_inputs"])
