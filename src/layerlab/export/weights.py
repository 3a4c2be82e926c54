"""Weights as .safetensors, with the spec, label map and preprocessing beside them as JSON.

A folder that rebuilds the model without pickle:

    weights.safetensors   the state dict (names as in LayerLab's Network)
    project.json          the project spec that builds the network
    labels.json           {"0": "cat", ...} for classification, {"outputs": n} for regression
    preprocessing.json    how inputs were scaled; its `scaling` lists the steps in order (describe.scaling)

    from safetensors.torch import load_file
    net = layerlab.load("folder").build(); net.load_state_dict(load_file("folder/weights.safetensors"))
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from ..i18n import msg
from ..store import atomic
from .common import Exported, ExportFailed, write_dir_atomically
from .describe import scaling


def labels_of(meta: dict[str, Any]) -> dict[str, Any]:
    """The label map: class index (as text) -> name, or the number of regression outputs."""
    classes = meta.get("classes")
    if meta.get("task", "classification") == "classification" and classes:
        return {str(i): c for i, c in enumerate(classes)}
    return {"outputs": int(meta.get("outputs") or 1)}


def state_bytes(network: torch.nn.Module, meta: dict[str, Any]) -> bytes:
    """The network's state dict as safetensors bytes (tensors made contiguous and unshared)."""
    state = {k: v.detach().cpu().contiguous().clone() for k, v in network.state_dict().items()}
    header = {"format": "layerlab", "name": str(meta.get("name", "model")),
              "input_shape": json.dumps(list(meta.get("input_shape", [])))}
    return st_save(state, metadata=header)


def export_safetensors(src: Exported, out: str | Path) -> dict[str, Any]:
    """Write the weights folder; checks that the weights load back into the network unchanged."""
    out = Path(out)
    data = state_bytes(src.network, src.meta)
    loaded = st_load(data)
    for k, v in src.network.state_dict().items():
        if k not in loaded or not torch.equal(loaded[k], v.detach().cpu()):
            raise ExportFailed("", msg("weight {name!r} did not survive the safetensors round trip", name=k), k,
                               msg("report this to the LayerLab developers"))
    doc = src.meta.get("doc") or {"name": src.meta.get("name", "model"), "model": {"layers": src.meta.get("layers", [])}}

    def fill(tmp: Path) -> None:
        atomic.write_bytes(tmp / "weights.safetensors", data)
        atomic.write_json(tmp / "project.json", doc)
        atomic.write_json(tmp / "labels.json", labels_of(src.meta))
        atomic.write_json(tmp / "preprocessing.json", {**(src.meta.get("preprocessing") or {"method": "none"}),
                                                        "scaling": scaling(src)})

    write_dir_atomically(out, fill, marker="weights.safetensors")
    return {"format": "safetensors", "path": str(out), "size": len(data), "max_diff": 0.0,
            "tensors": len(loaded)}
