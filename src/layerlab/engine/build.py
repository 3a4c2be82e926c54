"""Build a torch network from a validated spec: one module per spec layer, in order.

>>> import torch
>>> net = build_network([{"type": "dense", "units": 3, "activation": "softmax"}], (4,))
>>> [round(v, 5) for v in net(torch.zeros(2, 4)).sum(dim=1).tolist()]  # softmax: each row sums to 1
[1.0, 1.0]
>>> net.logits(torch.zeros(2, 4)).shape
torch.Size([2, 3])
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..layers.activations import ACTIVATIONS
from ..layers.base import Shape, get_layer
from ..layers.modules import Activated
from ..layers.stack import first_error, heaviest, infer_stack
from ..spec import budgets


class Network(nn.Module):
    """The model of a project. `forward` gives what users see (probabilities after a final
    softmax/sigmoid); `logits` skips that last squashing so losses stay numerically stable."""

    def __init__(self, layers: list[nn.Module], types: list[str], shapes: list[Shape],
                 input_shape: Shape, output_activation: str | None):
        super().__init__()
        self.layers = nn.ModuleList(layers)
        self.types = types
        self.shapes = shapes
        self.input_shape = tuple(input_shape)
        self.output_activation = output_activation  # 'softmax', 'sigmoid', 'log_softmax' or None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """Output before a final softmax/sigmoid (identical to forward when there is none)."""
        n = len(self.layers)
        for i, layer in enumerate(self.layers):
            if i == n - 1 and self.output_activation is not None and isinstance(layer, Activated):
                return layer(x, apply_activation=False)
            x = layer(x)
        return x

    def penalty(self) -> torch.Tensor:
        """Sum of L1/L2 weight and activity penalties declared on the layers."""
        total = torch.zeros(())
        for m in self.modules():
            if isinstance(m, Activated) and any(m.reg):
                total = total + m.penalty()
        return total


def build_network(layers: list[dict[str, Any]], input_shape: Shape, seed: int | None = None) -> Network:
    """A Network for resolved-or-raw layer dicts; raises the first SpecError if invalid or over budget."""
    refused = budgets.check_structure(layers)
    if refused:  # before inferring a shape
        raise refused[0]
    rows = infer_stack(layers, tuple(input_shape))
    err = first_error(rows)
    if err is not None:
        raise err
    refused = budgets.check_params(sum(r.params for r in rows), heaviest(rows))
    if refused:  # before allocating a weight
        raise refused[0]
    if seed is not None:
        torch.manual_seed(seed)
    modules = [get_layer(r.type).build(r.resolved, r.in_shape) for r in rows]
    out_act = None
    if rows:
        act = get_layer(rows[-1].type).activation_of(rows[-1].resolved)
        if act in ACTIVATIONS and ACTIVATIONS[act].output:
            out_act = act
    return Network(modules, [r.type for r in rows], [r.out_shape for r in rows], input_shape, out_act)
