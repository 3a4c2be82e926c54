"""TorchScript (.pt via torch.jit.trace): loads in C++/LibTorch and Python without LayerLab.

We trace rather than script: LayerLab's modules use Python features (optional arguments,
`self.training` branches) that scripting rejects, and a traced eval-mode network records
exactly the inference path. The batch axis stays dynamic (shapes are read at run time),
which the verification checks with a second batch size.

A project's model is wrapped with its run's preprocessing and the final probabilities
(`standalone.Standalone`): it takes raw inputs (pictures NCHW with pixels 0-255, a table's
columns in its own units with text as category positions) and returns what `Project.predict`
returns. The metadata travels as the extra file layerlab.json:

    extra = {"layerlab.json": ""}
    model = torch.jit.load("model.pt", _extra_files=extra)   # json.loads(extra["layerlab.json"])
"""
from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import torch

from ..i18n import msg
from ..store import atomic
from .common import Exported, ExportFailed
from .describe import metadata_json
from .standalone import example_input, is_standalone, module, verify

META_FILE = "layerlab.json"


def torchscript_bytes(src: Exported) -> bytes:
    """The traced network (with its preprocessing and probabilities for a project) serialised by torch.jit.save,
    with the metadata as the extra file layerlab.json."""
    net = module(src)
    extra = {META_FILE: metadata_json(src)} if is_standalone(src) else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jit deprecation notices
        with torch.no_grad():
            traced = torch.jit.trace(net, (example_input(src),), check_trace=False)
        buf = io.BytesIO()
        torch.jit.save(traced, buf, _extra_files=extra)
    return buf.getvalue()


def load_torchscript(path: str | Path | bytes, extra: dict[str, str] | None = None) -> torch.jit.ScriptModule:
    """Load a TorchScript file (or bytes) on the CPU; extra ({name: ""}) receives the named extra files."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = io.BytesIO(path) if isinstance(path, bytes) else str(path)
        return torch.jit.load(f, map_location="cpu", _extra_files=extra if extra is not None else {})


def export_torchscript(src: Exported, out: str | Path) -> dict[str, Any]:
    """Write a traced TorchScript file and verify that it loads and gives LayerLab's outputs."""
    out = Path(out)
    try:
        data = torchscript_bytes(src)
    except Exception as e:
        raise ExportFailed("", msg("PyTorch could not trace this model to TorchScript"),
                           f"{type(e).__name__}: {str(e)[:300]}",
                           msg("layer kinds in the model: {kinds}", kinds=", ".join(dict.fromkeys(src.kinds())))) from e
    loaded = load_torchscript(data)

    def run(x: torch.Tensor):
        with torch.no_grad():
            return loaded(x).float().numpy()
    diff = verify(src, run, msg("the TorchScript file"))
    atomic.write_bytes(out, data)
    return {"format": "torchscript", "path": str(out), "size": len(data), "max_diff": diff,
            "self_contained": is_standalone(src)}
