"""ONNX bytes of a torch module and onnxruntime sessions: the primitives that onnx_export (the checked
file), onnx_front (the self-contained file's text front) and quantize build on.

onnxruntime is imported when a session is made, not with this module: `layerlab --help` and the
studio's start load the export formats without it.
"""
from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

OPSET = 17
INPUT, OUTPUT = "input", "output"


def onnx_bytes(model: nn.Module, example: torch.Tensor, n_outputs: int = 1, input_name: str = INPUT,
               output_name: str = OUTPUT) -> bytes:
    """Serialise a module to ONNX with the batch axis of the input and every output dynamic."""
    outs = [output_name] if n_outputs == 1 else [f"{output_name}_{i}" for i in range(n_outputs)]
    axes = {name: {0: "batch"} for name in [input_name, *outs]}
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's deprecation and tracer chatter
        torch.onnx.export(model, (example,), buf, dynamo=False, input_names=[input_name], output_names=outs,
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
    return buf.getvalue()


def session(data: bytes | str | Path):
    """An onnxruntime CPU session for a model file or bytes."""
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = 1
    src = data if isinstance(data, bytes) else str(data)
    return ort.InferenceSession(src, opts, providers=["CPUExecutionProvider"])


def run_onnx(data: bytes | str | Path, x: np.ndarray) -> np.ndarray:
    """Outputs of an ONNX model (first output) on x."""
    sess = session(data)
    return sess.run(None, {sess.get_inputs()[0].name: x})[0]


def run_feeds(data: bytes | str | Path, feeds: dict[str, np.ndarray]) -> np.ndarray:
    """The first output of an ONNX model for named inputs."""
    return session(data).run(None, feeds)[0]
