"""ONNX: one file any runtime loads (onnxruntime, OpenCV, ONNX.js, C#, Java); a project's model takes
raw inputs, its preprocessing and metadata inside (export/onnx_export.py writes and checks it)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...i18n import Text, msg
from ..common import Exported
from ..onnx_export import export_onnx
from . import ExportFormat, onnx_blockers, register, run_onnx_file


@register
class Onnx(ExportFormat):
    name = "onnx"
    order = 10
    label = msg("ONNX (.onnx)")
    description = msg("Runs anywhere: onnxruntime, OpenCV, C#, Java, the browser.")
    suffix = ".onnx"
    bundle_path = "model.onnx"
    standalone = True
    sample_snippet = True
    title = "### model.onnx — ONNX (any runtime: onnxruntime, OpenCV, ONNX.js, C#, Java)"

    def snippet(self, file: str, shape: str, shape_tf: str) -> Text:
        return msg('import numpy as np, onnxruntime as ort\nsess = ort.InferenceSession("{file}")\n'
                   'probs = sess.run(None, {{"input": np.zeros((1, {shape}), np.float32)}})[0]', file=file, shape=shape)

    sample_runtime = "onnx"

    def sample_loader(self, file: str) -> list[str]:
        return ["import json, numpy as np, onnxruntime as ort", f'sess = ort.InferenceSession("{file}")',
                'meta = json.loads(sess.get_modelmeta().custom_metadata_map["layerlab"])']

    def plain_readme(self, shape: str) -> str:
        return f"""{self.title}
```python
import numpy as np, onnxruntime as ort
sess = ort.InferenceSession("model.onnx")
probs = sess.run(None, {{"input": np.zeros((1, {shape}), np.float32)}})[0]   # batch size is free
```"""

    def blockers(self, kinds: list[str], layers: list[dict[str, Any]]) -> list[Text]:
        return onnx_blockers(kinds)

    def write(self, src: Exported, out: Path, project: Any = None) -> dict[str, Any]:
        return export_onnx(src, out)

    def verify(self, path: Path, sample: np.ndarray) -> np.ndarray:
        return run_onnx_file(path, sample)
