"""Math view: each layer's formula in LaTeX, with the actual numbers of one sample.

A walker over the layers: each layer kind writes its own formulas (LayerKind.math, numeric_math,
worked_math). A dense layer with at most `max_weights` weights (e.g. 4x4) is written out as
y = f(W x + b) with the matrix and bias filled in; a small conv2d layer shows each kernel.
`sample_math` follows one sample through the network and writes, for every layer, what
went in, what came out and (dense, conv) one output worked out from a few of its weights:
y_3 = f(0.52 · 1.2 + (-0.1) · 0.4 + … + 0.05) = f(0.61) = 0.61.

>>> import torch
>>> from layerlab.engine.build import build_network
>>> from layerlab.layers.stack import infer_stack
>>> layers = [{"type": "dense", "units": 1, "activation": "linear"}]
>>> net = build_network(layers, (2,), seed=0)
>>> with torch.no_grad(): _ = net.layers[0].core.weight.copy_(torch.tensor([[0.5, -2.0]]))
>>> with torch.no_grad(): _ = net.layers[0].core.bias.fill_(1.0)
>>> layer_math(infer_stack(layers, (2,)), net)[0]["numeric"]
'y = \\\\begin{bmatrix} 0.5 & -2 \\\\end{bmatrix} x + \\\\begin{bmatrix} 1 \\\\end{bmatrix}'
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..layers.base import get_layer
from ..layers.latex import bmatrix, num
from ..layers.stack import Row
from .trace import eval_mode, layers_of, trace

__all__ = ["bmatrix", "layer_math", "num", "numeric", "sample_math", "vector"]


def numeric(row: Row, module: nn.Module, max_weights: int = 16, digits: int = 4) -> str | None:
    """The layer's formula with its numbers, or None when the layer is too big or has no such form."""
    return get_layer(row.type).numeric_math(row.resolved, module, max_weights, digits)


def layer_math(rows: list[Row], net: nn.Module | None = None, max_weights: int = 16,
               digits: int = 4) -> list[dict[str, Any]]:
    """Per layer: index, type, its LaTeX (the layer kind's math) and, for small layers, with numbers."""
    modules = layers_of(net) if net is not None else [None] * len(rows)
    out = []
    for row, module in zip(rows, modules):
        kind = get_layer(row.type)
        entry = {"index": row.index, "type": row.type, "latex": kind.math(row.resolved, row.in_shape),
                 "numeric": None}
        if module is not None:
            entry["numeric"] = numeric(row, module, max_weights, digits)
        out.append(entry)
    return out


# -- one sample flowing through ----------------------------------------------------------------
def vector(values: list[float], digits: int = 3, shown: int = 4) -> str:
    """A few values as a LaTeX row vector, with \\cdots and the count when there are more.

    >>> vector([1.0, 2.5, -3.0, 4.0, 5.0, 6.0], shown=3)
    '\\\\begin{bmatrix} 1 & 2.5 & -3 & \\\\cdots \\\\end{bmatrix}_{6}'
    """
    head = " & ".join(num(v, digits) for v in values[:shown])
    if len(values) > shown:
        return rf"\begin{{bmatrix}} {head} & \cdots \end{{bmatrix}}_{{{len(values)}}}"
    return rf"\begin{{bmatrix}} {head} \end{{bmatrix}}"


def sample_math(rows: list[Row], net: nn.Module, x: torch.Tensor, digits: int = 3,
                shown: int = 4) -> list[dict[str, Any]]:
    """One sample x (*input_shape) through every layer: per layer its input and output (a few
    values each, as LaTeX vectors), and for dense and conv layers one output worked out from
    its weights ("worked", None for other layers) with the unit it picked ("unit", from 0).

    >>> import torch
    >>> from layerlab.engine.build import build_network
    >>> from layerlab.layers.stack import infer_stack
    >>> layers = [{"type": "dense", "units": 1, "activation": "relu"}]
    >>> net = build_network(layers, (2,), seed=0)
    >>> with torch.no_grad(): _ = net.layers[0].core.weight.copy_(torch.tensor([[0.5, -2.0]]))
    >>> with torch.no_grad(): _ = net.layers[0].core.bias.fill_(1.0)
    >>> sample_math(infer_stack(layers, (2,)), net, torch.tensor([4.0, 0.5]))[0]["worked"]
    'y_{1} = \\\\mathrm{relu}(0.5 \\\\cdot 4 + (-2) \\\\cdot 0.5 + 1) = \\\\mathrm{relu}(2) = 2'
    """
    modules = layers_of(net)
    with eval_mode(net), torch.no_grad():
        outs = trace(net, x[None])
    out = []
    h = x
    for row, module, o in zip(rows, modules, outs):
        y = o[0].detach().float()
        h_in = h.detach().float()
        worked = None
        try:
            with torch.no_grad():
                worked = get_layer(row.type).worked_math(row.resolved or {}, module, h_in, y, digits, shown)
        except Exception:  # noqa: BLE001 - a worked example is a bonus: the input and output still show
            worked = None
        out.append({"index": row.index, "type": row.type, "in_shape": list(h_in.shape), "out_shape": list(y.shape),
                    "input": rf"x = {vector(h_in.flatten().tolist(), digits, shown)}",
                    "output": rf"y = {vector(y.flatten().tolist(), digits, shown)}",
                    "worked": worked[0] if worked else None, "unit": worked[1] if worked else None})
        h = o[0]
    return out
