"""ONNX quantized to int8: smaller and faster on CPUs, outputs slightly off (export/quantize.py writes
it and measures the validation accuracy it costs)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ...i18n import Text, msg
from ..common import Exported
from ..quantize import export_onnx_int8
from . import register
from .onnx import Onnx


@register
class OnnxInt8(Onnx):
    name = "onnx_int8"
    order = 20
    label = msg("ONNX int8, quantized (.onnx)")
    description = msg("Smaller and faster on CPUs; slightly less exact.")
    suffix = ".int8.onnx"
    bundle_path = "model.int8.onnx"
    approximate = True
    tolerance = 0.25   # int8 weights and activations: differences of a few hundredths are expected
    title = "### model.int8.onnx — ONNX quantized to int8 (smaller, faster on CPUs)"
    readme_note = "\nUsed like model.onnx; outputs differ slightly (see the accuracy change below)."

    def snippet(self, file: str, shape: str, shape_tf: str) -> Text:
        return msg('import numpy as np, onnxruntime as ort\nsess = ort.InferenceSession("{file}")\n'
                   'probs = sess.run(None, {{"input": np.zeros((1, {shape}), np.float32)}})[0]', file=file, shape=shape)

    def plain_readme(self, shape: str) -> str:
        return f"{self.title}\nUsed exactly like model.onnx; outputs differ slightly (see the accuracy change below)."

    def readme_table_note(self, report: dict[str, Any]) -> str:
        if "accuracy_change" not in report:
            return ""
        q = report
        return (f"int8: {q['size']:,} bytes ({q['size_ratio']:.0%} of float); validation accuracy "
                f"{q['float_accuracy']:.4f} → {q['int8_accuracy']:.4f} ({q['accuracy_change']:+.4f}).")

    def write(self, src: Exported, out: Path, project: Any = None) -> dict[str, Any]:
        return export_onnx_int8(src, out)

    def cli_lines(self, report: dict[str, Any]) -> list[str]:
        lines = [f"Quantization: {report['method']}; {report['float_size']:,} → {report['size']:,} bytes"]
        if "accuracy_change" in report:
            lines.append(f"Validation accuracy: {report['float_accuracy']:.4f} → {report['int8_accuracy']:.4f} "
                         f"({report['accuracy_change']:+.4f} on {report['validation_samples']} samples)")
        return lines

    def summary(self, report: dict[str, Any], human: Any) -> Text | None:
        return msg("int8: {size} ({ratio} of the float file); validation accuracy {before} → {after}",
                   size=human(report["size"]), ratio=f"{report['size_ratio']:.0%}",
                   before=f"{report.get('float_accuracy', float('nan')):.3f}",
                   after=f"{report.get('int8_accuracy', float('nan')):.3f}")
