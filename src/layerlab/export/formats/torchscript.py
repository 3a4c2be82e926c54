"""TorchScript: a traced model for Python or C++ (LibTorch) without LayerLab; a project's model takes raw
inputs, its metadata in the extra file layerlab.json (export/torchscript.py writes and checks it)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...i18n import Text, msg
from ..common import Exported
from ..torchscript import export_torchscript, load_torchscript
from . import ExportFormat, register, run_torch_module


@register
class TorchScript(ExportFormat):
    name = "torchscript"
    order = 30
    label = msg("TorchScript (.pt)")
    description = msg("For PyTorch and C++ (LibTorch) without LayerLab.")
    suffix = ".pt"
    bundle_path = "model.pt"
    standalone = True
    sample_snippet = True
    title = "### model.pt — TorchScript (Python or C++ LibTorch, no LayerLab needed)"

    def snippet(self, file: str, shape: str, shape_tf: str) -> Text:
        return msg('import torch\nmodel = torch.jit.load("{file}")\nprobs = model(torch.zeros(1, {shape}))',
                   file=file, shape=shape)

    def sample_loader(self, file: str) -> list[str]:
        return ["import json, numpy as np, torch", 'extra = {"layerlab.json": ""}',
                f'model = torch.jit.load("{file}", _extra_files=extra)', 'meta = json.loads(extra["layerlab.json"])']

    def plain_readme(self, shape: str) -> str:
        return f"""{self.title}
```python
import torch
model = torch.jit.load("model.pt")
probs = model(torch.zeros(1, {shape}))
```"""

    def write(self, src: Exported, out: Path, project: Any = None) -> dict[str, Any]:
        return export_torchscript(src, out)

    def verify(self, path: Path, sample: np.ndarray) -> np.ndarray:
        return run_torch_module(load_torchscript(Path(path).read_bytes()), sample)
