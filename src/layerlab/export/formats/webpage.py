"""One self-contained HTML page with the model, onnxruntime-web and a live demo; opens from disk, works
offline (export/webpage.py writes it around the ONNX file, checked in onnxruntime)."""
from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import numpy as np

from ...i18n import Text, msg
from ..common import Exported
from ..webpage import export_webpage
from . import ExportFormat, onnx_blockers, register, run_onnx_file


@register
class Webpage(ExportFormat):
    name = "webpage"
    order = 80
    label = msg("Web page (.html, runs offline)")
    description = msg("One HTML file with your model and a live demo (camera, drawing or form): opens from disk "
                      "on any device, works offline. Send it home or to a friend.")
    suffix = ".html"
    bundle_path = "webpage.html"
    snippet_language = "text"
    standalone = True   # the page feeds raw inputs to the ONNX file inside it

    def snippet(self, file: str, shape: str, shape_tf: str) -> Text:
        return msg("Open {file} in a browser (double-click it): no internet, no server, no install.\n"
                   "When it opens it checks itself on a sample of your project.\n"
                   "Programs, in the page's console: await layerlab.ready; await layerlab.run(values)", file=file)

    def plain_readme(self, shape: str) -> str:
        return """### webpage.html — the model with a live demo in one web page (works offline)
Open it in a browser (double-click): camera, drawing or a form, depending on the model; no internet,
no server, no install (onnxruntime-web and model.onnx are inside). It checks itself on a sample of the
project when it opens. Programs: `await layerlab.ready; await layerlab.run(values)` in its console."""

    def readme(self, src: Exported, shape: str, report: dict[str, Any]) -> str:
        return self.plain_readme(shape)

    def blockers(self, kinds: list[str], layers: list[dict[str, Any]]) -> list[Text]:
        return onnx_blockers(kinds)

    def write(self, src: Exported, out: Path, project: Any = None) -> dict[str, Any]:
        return export_webpage(src, out)

    def verify(self, path: Path, sample: np.ndarray) -> np.ndarray:
        """The ONNX model inlined in the page (the browser itself is tested in tests/e2e), in onnxruntime."""
        page = Path(path).read_text(encoding="utf-8")
        found = re.search(r'<script type="text/plain" id="ll-model">([A-Za-z0-9+/=]+)</script>', page)
        if found is None:
            raise ValueError(f"{path}: no inlined model (<script id=\"ll-model\">) in the page")
        return run_onnx_file(base64.b64decode(found.group(1)), sample)
