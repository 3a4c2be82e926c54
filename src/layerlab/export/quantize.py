"""Quantized ONNX (int8) with onnxruntime's quantization tools, reporting size and accuracy change.

Convolutions are quantized statically (QDQ, per channel), calibrated on samples of the
training split: activations get fixed int8 ranges, which is what makes conv models fast.
Dense and recurrent models are quantized dynamically (weights int8, activation ranges
measured per batch), which needs no calibration and keeps their accuracy better. The
report gives both file sizes and the validation accuracy of the float and the int8 file.
A project's model is quantized as the self-contained file (raw inputs, preprocessing,
probabilities and metadata inside): it is used exactly like the float ONNX file.

>>> import tempfile, pathlib
>>> from layerlab.engine.build import build_network
>>> from layerlab.export.common import from_network
>>> src = from_network(build_network([{"type": "dense", "units": 64}, {"type": "dense", "units": 3}], (32,)))
>>> r = export_onnx_int8(src, pathlib.Path(tempfile.mkdtemp()) / "m.int8.onnx")
>>> r["size"] < r["float_size"]
True
"""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import msg
from ..store import atomic
from .common import Exported, ExportFailed, accuracy, not_exportable
from .onnx_core import INPUT, run_feeds, run_onnx
from .onnx_export import onnx_file, verify_onnx
from .onnx_front import feeds, has_texts
from .standalone import is_standalone, raw_inputs

CALIBRATION_SAMPLES = 128


class _Reader:
    """Feeds calibration batches to onnxruntime's static quantizer."""

    def __init__(self, x: np.ndarray, batch: int = 16):
        self.batches = [x[i:i + batch] for i in range(0, len(x), batch)]
        self.i = 0

    def get_next(self):
        if self.i >= len(self.batches):
            return None
        self.i += 1
        return {INPUT: self.batches[self.i - 1]}

    def rewind(self):
        self.i = 0


def _has_conv(src: Exported) -> bool:
    return any(k.startswith("conv") for k in src.kinds())


def quantize_bytes(src: Exported, float_model: bytes) -> tuple[bytes, str]:
    """(int8 ONNX bytes, method) for a float ONNX model of src (self-contained for a project's model)."""
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_dynamic, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process
    logging.getLogger("onnxruntime").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as d:
        f, pre, q = Path(d) / "float.onnx", Path(d) / "pre.onnx", Path(d) / "int8.onnx"
        f.write_bytes(float_model)
        try:
            quant_pre_process(str(f), str(pre), skip_symbolic_shape=True)
        except Exception:  # noqa: BLE001 - pre-processing only helps; quantize the plain file instead
            pre = f
        calib = src.train_x if src.train_x is not None else src.example
        if _has_conv(src) and src.example.is_floating_point() and not has_texts(src):
            x = raw_inputs(src, calib[:CALIBRATION_SAMPLES], odd_rows=False).astype(np.float32)  # what users feed
            quantize_static(str(pre), str(q), _Reader(x), quant_format=QuantFormat.QDQ, per_channel=True,
                            activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)
            method = msg("static (QDQ, per channel, calibrated on {n} training samples)", n=len(x))
        else:
            quantize_dynamic(str(pre), str(q), weight_type=QuantType.QInt8,
                             op_types_to_quantize=["MatMul", "Gemm", "LSTM", "GRU", "Gather", "Conv"])
            method = msg("dynamic (int8 weights)")
        return q.read_bytes(), method


def _outputs(src: Exported, model: bytes, x) -> np.ndarray:
    """The file's outputs for model inputs x (fed as raw inputs to a self-contained file)."""
    raw = raw_inputs(src, x, odd_rows=False)
    return run_feeds(model, feeds(src, raw)) if is_standalone(src) else run_onnx(model, raw)


def export_onnx_int8(src: Exported, out: str | Path) -> dict[str, Any]:
    """Write an int8 ONNX file (the self-contained float file, quantized); report sizes, the largest output
    change and the accuracy change."""
    out = Path(out)
    not_exportable(src.kinds(), "ONNX")
    float_model = onnx_file(src)
    verify_onnx(src, float_model)  # the float file must be right before quantizing it
    try:
        data, method = quantize_bytes(src, float_model)
        got = _outputs(src, data, src.example)
    except Exception as e:
        raise ExportFailed("", msg("onnxruntime could not quantize this model"), f"{type(e).__name__}: {str(e)[:300]}",
                           msg("export plain ONNX instead; layer kinds: {kinds}",
                               kinds=", ".join(dict.fromkeys(src.kinds())))) from e
    want = _outputs(src, float_model, src.example)
    report: dict[str, Any] = {"format": "onnx_int8", "path": str(out), "size": len(data),
                              "float_size": len(float_model), "method": method,
                              "max_diff": float(np.max(np.abs(want - got))) if got.size else 0.0,
                              "self_contained": is_standalone(src)}
    report["size_ratio"] = round(len(data) / max(1, len(float_model)), 3)
    if src.val is not None and src.meta.get("task", "classification") == "classification":
        vx, vy = src.val
        acc_f = accuracy(_outputs(src, float_model, vx), vy.numpy())
        acc_q = accuracy(_outputs(src, data, vx), vy.numpy())
        report.update(float_accuracy=acc_f, int8_accuracy=acc_q, accuracy_change=acc_q - acc_f,
                      validation_samples=int(len(vy)))
    atomic.write_bytes(out, data)
    return report
