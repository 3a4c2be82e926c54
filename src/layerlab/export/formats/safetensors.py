"""Weights as .safetensors in a folder with the project's spec, label map and preprocessing as JSON
(export/weights.py writes and checks it); LayerLab rebuilds the network from project.json."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import safe_open
from safetensors.torch import load_file

from ...engine.build import build_network
from ...i18n import Text, msg
from ..common import Exported
from ..weights import export_safetensors
from . import ExportFormat, register, run_torch_module


@register
class Safetensors(ExportFormat):
    name = "safetensors"
    order = 50
    label = msg("Weights (.safetensors + JSON)")
    description = msg("The weights, with the spec, labels and preprocessing as JSON.")
    suffix = ""   # a folder
    bundle_path = "weights"

    def snippet(self, file: str, shape: str, shape_tf: str) -> Text:
        return msg('import layerlab\nfrom safetensors.torch import load_file\nnet = layerlab.load("{file}").build()\n'
                   'net.load_state_dict(load_file("{file}/weights.safetensors")); net.eval()', file=file)

    def plain_readme(self, shape: str) -> str:
        return """### weights/ — weights.safetensors with project.json, labels.json, preprocessing.json
```python
import layerlab
from safetensors.torch import load_file
net = layerlab.load("weights").build()            # the spec rebuilds the network
net.load_state_dict(load_file("weights/weights.safetensors")); net.eval()
```
labels.json maps output positions to class names; preprocessing.json says how inputs were scaled
(subtract `mean`, divide by `scale`) — apply it before any of the model files."""

    def readme(self, src: Exported, shape: str, report: dict[str, Any]) -> str:
        return self.plain_readme(shape)

    def write(self, src: Exported, out: Path, project: Any = None) -> dict[str, Any]:
        return export_safetensors(src, out)

    def verify(self, path: Path, sample: np.ndarray) -> np.ndarray:
        """The network rebuilt from the spec layers and input shape in the files, with the weights loaded."""
        with safe_open(str(Path(path) / "weights.safetensors"), "pt") as f:
            shape = tuple(json.loads(f.metadata()["input_shape"]))
        doc = json.loads((Path(path) / "project.json").read_text(encoding="utf-8"))
        net = build_network(doc["model"]["layers"], shape)
        net.load_state_dict(load_file(str(Path(path) / "weights.safetensors")))
        return run_torch_module(net.eval(), sample)
