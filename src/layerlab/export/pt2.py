"""torch.export (.pt2): the graph format PyTorch 2 compiles and deploys (ExecuTorch, AOTInductor).

The batch axis is declared dynamic, so the saved program accepts any batch size; the file
is reloaded with torch.export.load and checked against the network.

A project's program takes raw inputs and returns probabilities, like the TorchScript file
(`standalone.Standalone`); its metadata is the extra file layerlab.json:

    extra = {"layerlab.json": ""}
    model = torch.export.load("model.pt2", extra_files=extra).module()
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

META_FILE = "layerlab.json"  # the metadata, as in the TorchScript file


def _program(src: Exported):
    batch = torch.export.Dim("batch", min=1, max=1 << 20)
    net, example = module(src), example_input(src)
    example = example if example.shape[0] >= 2 else torch.cat([example, example])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return torch.export.export(net, (example,), dynamic_shapes=({0: batch},), strict=False)
        except Exception:  # noqa: BLE001 - some graphs specialise the batch; let torch decide
            return torch.export.export(net, (example,), dynamic_shapes=({0: torch.export.Dim.AUTO},), strict=False)


def load_pt2(path: str | Path | bytes, extra: dict[str, str] | None = None) -> torch.nn.Module:
    """The callable module of a saved .pt2 program; extra ({name: ""}) receives the named extra files."""
    f = io.BytesIO(path) if isinstance(path, bytes) else str(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.export.load(f, extra_files=extra).module()


def export_pt2(src: Exported, out: str | Path) -> dict[str, Any]:
    """Write a torch.export program (.pt2) and verify that it loads and gives the same outputs."""
    out = Path(out)
    try:
        prog = _program(src)
        buf = io.BytesIO()
        torch.export.save(prog, buf, extra_files={META_FILE: metadata_json(src)} if is_standalone(src) else None)
    except Exception as e:
        raise ExportFailed("", msg("torch.export could not capture this model"), f"{type(e).__name__}: {str(e)[:300]}",
                           msg("layer kinds in the model: {kinds}", kinds=", ".join(dict.fromkeys(src.kinds())))) from e
    data = buf.getvalue()
    loaded = load_pt2(data)

    def run(x: torch.Tensor):
        with torch.no_grad():
            return loaded(x).float().numpy()
    diff = verify(src, run, msg("the .pt2 program"))
    atomic.write_bytes(out, data)
    return {"format": "pt2", "path": str(out), "size": len(data), "max_diff": diff,
            "self_contained": is_standalone(src)}
