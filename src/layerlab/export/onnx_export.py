"""ONNX with a dynamic batch axis, verified in onnxruntime against PyTorch after every export.

We use the TorchScript-based exporter (`dynamo=False`): it covers every op LayerLab's layers
use (RNNs included) at opset 17, exports in a fraction of a second and needs no onnxscript
rewrite passes; the dynamo exporter is slower and failed more often on our recurrent
wrappers. The file is checked on the same inputs in onnxruntime: if the largest difference
exceeds 1e-4 the export fails and names the first layer (and its kind) that diverges.

>>> import tempfile, pathlib
>>> from layerlab.engine.build import build_network
>>> from layerlab.export.common import from_network
>>> src = from_network(build_network([{"type": "dense", "units": 2}], (3,)))
>>> r = export_onnx(src, pathlib.Path(tempfile.mkdtemp()) / "m.onnx")
>>> r["max_diff"] < 1e-4
True
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..i18n import msg
from ..store import atomic
from .common import TOLERANCE, Exported, ExportFailed, check_close, not_exportable, torch_outputs
from .describe import describe
from .onnx_core import OPSET, onnx_bytes, run_feeds, run_onnx, session
from .onnx_front import feeds, input_names, metadata_props, standalone_onnx
from .standalone import is_standalone, raw_inputs, reference


class _EveryLayer(nn.Module):
    """Returns each spec layer's output: to find where an export diverges."""

    def __init__(self, network: nn.Module):
        super().__init__()
        self.layers = network.layers

    def forward(self, x):
        outs = []
        for layer in self.layers:
            x = layer(x)
            outs.append(x)
        return tuple(outs)


def first_divergence(src: Exported, tolerance: float = TOLERANCE) -> str:
    """'layer 3 (lstm)' for the first layer whose ONNX output differs from PyTorch's; '' if unknown."""
    net = src.network
    if not hasattr(net, "layers"):
        return ""
    kinds = src.kinds()
    try:
        wrapper = _EveryLayer(net).eval()
        data = onnx_bytes(wrapper, src.example, len(net.layers))
        sess = session(data)
        got = sess.run(None, {sess.get_inputs()[0].name: src.example.numpy()})
        with torch.no_grad():
            want = [o.numpy() for o in wrapper(src.example)]
    except Exception:  # noqa: BLE001 - diagnosis is best effort; the main error still stands
        return ""
    for i, (w, g) in enumerate(zip(want, got)):
        if w.shape != g.shape or float(np.max(np.abs(w - g))) > tolerance:
            return msg("layer {index} ({kind})", index=i, kind=kinds[i] if i < len(kinds) else "?")
    return ""


def onnx_file(src: Exported) -> bytes:
    """The ONNX bytes written for src: self-contained (raw inputs, preprocessing, probabilities, metadata)
    for a project's model, the bare network otherwise."""
    if not is_standalone(src):
        return onnx_bytes(src.network.eval(), src.example)
    return standalone_onnx(src, metadata_props(describe(src, "onnx")))


def export_onnx(src: Exported, out: str | Path, verify: bool = True) -> dict[str, Any]:
    """Write src as ONNX to out, verify it in onnxruntime; returns {path, size, max_diff, opset, inputs}."""
    out = Path(out)
    kinds = src.kinds()
    not_exportable(kinds, "ONNX")
    src.network.eval()
    try:
        data = onnx_file(src)
    except Exception as e:  # the exporter's own errors are long; say which layers were involved
        raise ExportFailed("", msg("PyTorch could not convert this model to ONNX"),
                           f"{type(e).__name__}: {str(e)[:300]}",
                           msg("layer kinds in the model: {kinds}", kinds=", ".join(dict.fromkeys(kinds)))) from e
    diff = verify_onnx(src, data) if verify else float("nan")
    atomic.write_bytes(out, data)
    return {"format": "onnx", "path": str(out), "size": len(data), "max_diff": diff, "opset": OPSET,
            "inputs": input_names(src), "self_contained": is_standalone(src)}


def verify_onnx(src: Exported, data: bytes | str | Path) -> float:
    """Largest difference between onnxruntime and LayerLab on src.example (and a batch of one).

    A self-contained file is fed the raw samples (plus a row of missing cells and one of unseen
    texts for tables) and compared with what Project.predict gives for them.
    """
    kinds = src.kinds()
    if is_standalone(src):
        raw = raw_inputs(src)
        expect, run = (lambda r: reference(src, r)), (lambda r: run_feeds(data, feeds(src, r)))
    else:
        raw = src.example
        expect, run = (lambda r: torch_outputs(src, r)), (lambda r: run_onnx(data, r.numpy()))
    batches = [(raw, msg("the ONNX file")), (raw[:1], msg("the ONNX file (batch of 1)"))]
    diff = 0.0
    for x, what in batches:
        expected = expect(x)
        try:
            got = run(x)
        except Exception as e:
            raise ExportFailed("", msg("onnxruntime cannot run the exported file"),
                               f"{type(e).__name__}: {str(e)[:300]}",
                               msg("layer kinds in the model: {kinds}", kinds=", ".join(dict.fromkeys(kinds)))) from e
        try:
            diff = max(diff, check_close(expected, got, what, kinds))
        except ExportFailed as e:
            where = first_divergence(src)
            if where:
                e.received = msg("first difference at {where}; layer kinds: {kinds}", where=where,
                                 kinds=", ".join(dict.fromkeys(kinds)))
            raise ExportFailed(e.path, e.message, e.received, e.hint) from None
    return diff
