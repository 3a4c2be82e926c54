"""torch.export (.pt2): PyTorch 2's program format for ExecuTorch and AOTInductor; a project's model takes
raw inputs, its metadata in the extra file layerlab.json (export/pt2.py writes and checks it)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...i18n import Text, msg
from ..common import Exported
from ..pt2 import export_pt2, load_pt2
from . import ExportFormat, register, run_torch_module


@register
class Pt2(ExportFormat):
    name = "pt2"
    order = 40
    label = msg("torch.export (.pt2)")
    description = msg("PyTorch 2's export format (ExecuTorch, AOTInductor).")
    suffix = ".pt2"
    bundle_path = "model.pt2"
    standalone = True
    sample_snippet = True
    title = "### model.pt2 — torch.export program (ExecuTorch, AOTInductor)"

    def snippet(self, file: str, shape: str, shape_tf: str) -> Text:
        return msg('import torch\nmodel = torch.export.load("{file}").module()\nprobs = model(torch.zeros(2, {shape}))',
                   file=file, shape=shape)

    def sample_loader(self, file: str) -> list[str]:
        return ["import json, numpy as np, torch", 'extra = {"layerlab.json": ""}',
                f'model = torch.export.load("{file}", extra_files=extra).module()',
                'meta = json.loads(extra["layerlab.json"])']

    def plain_readme(self, shape: str) -> str:
        return f"""{self.title}
```python
import torch
model = torch.export.load("model.pt2").module()
probs = model(torch.zeros(2, {shape}))
```"""

    def write(self, src: Exported, out: Path, project: Any = None) -> dict[str, Any]:
        return export_pt2(src, out)

    def verify(self, path: Path, sample: np.ndarray) -> np.ndarray:
        return run_torch_module(load_pt2(path), sample)
