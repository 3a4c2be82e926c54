"""Layer data flow: what every layer makes of one input.

Conv-like outputs (C, H, W) are shown as one image tile per channel, flat outputs as bars,
sequences (T, F) as one image; the shapes are exactly those `project.summary()` infers.

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 3}], (2,), seed=0)
>>> [(o.index, o.kind, o.shape) for o in data_flow(net, torch.zeros(2))]
[(0, 'vector', (3,))]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from .trace import as_batch, eval_mode, input_shape_of, trace, types_of


@dataclass
class LayerOutput:
    """One layer's output for one sample (no batch axis)."""

    index: int
    type: str
    shape: tuple[int, ...]
    kind: str              # 'maps' (C, H, W), 'vector' (N,), 'sequence' (T, F), 'volume' (C, D, H, W)
    values: torch.Tensor   # (*shape)

    def tiles(self) -> torch.Tensor:
        """Images to show: (C, H, W) for maps and volumes (middle depth slice), (1, T, F) for sequences."""
        if self.kind == "maps":
            return self.values
        if self.kind == "volume":
            return self.values[:, self.values.shape[1] // 2]   # (C, H, W)
        if self.kind == "sequence":
            return self.values.unsqueeze(0)                     # (1, T, F)
        return self.values.reshape(1, 1, -1)                    # (1, 1, N)

    def to_dict(self, digits: int = 4) -> dict[str, Any]:
        return {"index": self.index, "type": self.type, "shape": list(self.shape), "kind": self.kind,
                "min": float(self.values.min()) if self.values.numel() else 0.0,
                "max": float(self.values.max()) if self.values.numel() else 0.0,
                "values": torch.round(self.values, decimals=digits).tolist()}


def kind_of(shape: tuple[int, ...]) -> str:
    """How a per-sample shape is best shown."""
    return {1: "vector", 2: "sequence", 3: "maps", 4: "volume"}.get(len(shape), "vector")


def data_flow(net: nn.Module, x: torch.Tensor) -> list[LayerOutput]:
    """Every layer's output for one input x (*input_shape), or the first sample of a batch."""
    batch = as_batch(x, input_shape_of(net))[:1]                # (1, *input_shape)
    with eval_mode(net), torch.no_grad():
        outs = trace(net, batch)
    types = types_of(net)
    result = []
    for i, out in enumerate(outs):
        v = out[0].detach().float()                              # (*shape)
        result.append(LayerOutput(i, types[i], tuple(v.shape), kind_of(tuple(v.shape)), v))
    return result
