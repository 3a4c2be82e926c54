"""torch.export (.pt2): the graph format PyTorch 2 compiles and deploys (ExecuTorch, AOTInductor).

The batch axis is declared dynamic, so the saved program accepts any batch size; the file
is reloaded with torch.export.load and checked against the network.

    prog = torch.export.load("model.pt2"); prog.module()(torch.randn(4, 1, 8, 8))
"""
from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import Any

import torch

from ..i18n import msg
from ..store import atomic
from .common import Exported, ExportFailed, check_close, torch_outputs


def _program(src: Exported):
    batch = torch.export.Dim("batch", min=1, max=1 << 20)
    example = src.example if src.example.shape[0] >= 2 else torch.cat([src.example, src.example])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return torch.export.export(src.network.eval(), (example,), dynamic_shapes=({0: batch},), strict=False)
        except Exception:  # noqa: BLE001 - some graphs specialise the batch; let torch decide
            return torch.export.export(src.network.eval(), (example,),
                                       dynamic_shapes=({0: torch.export.Dim.AUTO},), strict=False)


def load_pt2(path: str | Path | bytes) -> torch.nn.Module:
    """The callable module of a saved .pt2 program."""
    f = io.BytesIO(path) if isinstance(path, bytes) else str(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.export.load(f).module()


def export_pt2(src: Exported, out: str | Path) -> dict[str, Any]:
    """Write a torch.export program (.pt2) and verify that it loads and gives the same outputs."""
    out = Path(out)
    try:
        prog = _program(src)
        buf = io.BytesIO()
        torch.export.save(prog, buf)
    except Exception as e:
        raise ExportFailed("", msg("torch.export could not capture this model"), f"{type(e).__name__}: {str(e)[:300]}",
                           msg("layer kinds in the model: {kinds}", kinds=", ".join(dict.fromkeys(src.kinds())))) from e
    data = buf.getvalue()
    loaded = load_pt2(data)
    diff = 0.0
    for x in (src.example, src.example[:1]):
        with torch.no_grad():
            got = loaded(x).float().numpy()
        diff = max(diff, check_close(torch_outputs(src, x), got, msg("the .pt2 program"), src.kinds()))
    atomic.write_bytes(out, data)
    return {"format": "pt2", "path": str(out), "size": len(data), "max_diff": diff}
