"""TorchScript (.pt via torch.jit.trace): loads in C++/LibTorch and Python without LayerLab.

We trace rather than script: LayerLab's modules use Python features (optional arguments,
`self.training` branches) that scripting rejects, and a traced eval-mode network records
exactly the inference path. The batch axis stays dynamic (shapes are read at run time),
which the verification checks with a second batch size.

    torch.jit.load("model.pt")(torch.randn(1, 1, 8, 8))
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


def torchscript_bytes(src: Exported) -> bytes:
    """The traced network serialised by torch.jit.save."""
    src.network.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jit deprecation notices
        with torch.no_grad():
            traced = torch.jit.trace(src.network, (src.example,), check_trace=False)
        buf = io.BytesIO()
        torch.jit.save(traced, buf)
    return buf.getvalue()


def load_torchscript(path: str | Path | bytes) -> torch.jit.ScriptModule:
    """Load a TorchScript file (or bytes) on the CPU."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = io.BytesIO(path) if isinstance(path, bytes) else str(path)
        return torch.jit.load(f, map_location="cpu")


def export_torchscript(src: Exported, out: str | Path) -> dict[str, Any]:
    """Write a traced TorchScript file and verify that it loads and gives the same outputs."""
    out = Path(out)
    try:
        data = torchscript_bytes(src)
    except Exception as e:
        raise ExportFailed("", msg("PyTorch could not trace this model to TorchScript"),
                           f"{type(e).__name__}: {str(e)[:300]}",
                           msg("layer kinds in the model: {kinds}", kinds=", ".join(dict.fromkeys(src.kinds())))) from e
    loaded = load_torchscript(data)
    diff = 0.0
    for x in (src.example, src.example[:1]):
        with torch.no_grad():
            got = loaded(x).float().numpy()
        diff = max(diff, check_close(torch_outputs(src, x), got, msg("the TorchScript file"), src.kinds()))
    atomic.write_bytes(out, data)
    return {"format": "torchscript", "path": str(out), "size": len(data), "max_diff": diff}
