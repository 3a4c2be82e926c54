"""Model and optimizer state as safetensors plus JSON: no pickle, so a checkpoint from
someone else cannot run code when opened.

A torch optimizer state is a nested dict of tensors and plain numbers; its tensors go to a
safetensors file under "state.<param>.<name>" and the rest (param groups, scalar state) to
JSON. Random-generator states travel as uint8 tensors under "rng.<name>".

>>> import torch
>>> p = torch.nn.Parameter(torch.ones(2)); opt = torch.optim.Adam([p]); p.grad = torch.ones(2); opt.step()
>>> tensors, meta = optimizer_to_tensors(opt.state_dict())
>>> sorted(tensors)
['state.0.exp_avg', 'state.0.exp_avg_sq', 'state.0.step']
>>> opt2 = torch.optim.Adam([torch.nn.Parameter(torch.ones(2))])
>>> opt2.load_state_dict(optimizer_from_tensors(tensors, meta)); float(opt2.state_dict()["state"][0]["step"])
1.0
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save

from . import atomic


def _plain(v: Any) -> Any:
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)


def optimizer_to_tensors(sd: dict[str, Any]) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Split an optimizer state_dict into tensors and JSON-ready metadata."""
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for pid, st in sd["state"].items():
        for k, v in st.items():
            if torch.is_tensor(v):
                tensors[f"state.{pid}.{k}"] = v
            else:
                scalars.setdefault(str(pid), {})[k] = _plain(v)
    return tensors, {"param_groups": _plain(sd["param_groups"]), "scalars": scalars}


def optimizer_from_tensors(tensors: dict[str, torch.Tensor], meta: dict[str, Any]) -> dict[str, Any]:
    """The optimizer state_dict back from optimizer_to_tensors' two parts."""
    state: dict[int, dict[str, Any]] = {}
    for key, v in tensors.items():
        if not key.startswith("state."):
            continue
        _, pid, name = key.split(".", 2)
        state.setdefault(int(pid), {})[name] = v
    for pid, st in meta.get("scalars", {}).items():
        state.setdefault(int(pid), {}).update(st)
    return {"state": state, "param_groups": meta["param_groups"]}


def tensors_to_bytes(tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> bytes:
    """safetensors bytes of CPU, contiguous, unshared copies of the tensors."""
    clean = {k: v.detach().to("cpu").contiguous().clone() for k, v in tensors.items()}
    return st_save(clean, metadata=metadata)


def save_tensors(path: str | Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None,
                 sync_dir: bool = True) -> None:
    """Write tensors to a .safetensors file atomically."""
    atomic.write_bytes(path, tensors_to_bytes(tensors, metadata), sync_dir)


def load_tensors(path: str | Path, device: str | torch.device = "cpu") -> dict[str, torch.Tensor]:
    """Read a .safetensors file (no code runs: it holds only tensors)."""
    out = st_load(Path(path).read_bytes())
    return {k: v.to(device) for k, v in out.items()} if str(device) != "cpu" else out


def read_json(path: str | Path, default: Any = None) -> Any:
    """A JSON file's content, or default when it does not exist."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
