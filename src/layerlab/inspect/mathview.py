"""Math view: each layer's formula in LaTeX and, for small layers, with its actual numbers.

A dense layer with at most `max_weights` weights (e.g. 4x4) is written out as
y = f(W x + b) with the matrix and bias filled in; a small conv2d layer shows each kernel.

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

from ..layers.activations import ACTIVATIONS
from ..layers.base import get_layer
from ..layers.stack import Row
from .trace import layers_of
from .weights import _conv_of


def num(v: float, digits: int = 4) -> str:
    """A number as LaTeX: rounded to `digits` decimals, without trailing zeros."""
    s = f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def bmatrix(rows: list[list[float]], digits: int = 4) -> str:
    """A LaTeX bmatrix of numbers."""
    body = r" \\ ".join(" & ".join(num(v, digits) for v in r) for r in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def _wrap(activation: str | None, inner: str) -> str:
    """y = f(inner) with the activation's own formula, or y = inner when it is linear."""
    if activation in (None, "linear"):
        return f"y = {inner}"
    f = ACTIVATIONS[activation].latex.split("=", 1)[1].strip()
    return rf"y = f\left({inner}\right),\quad f(x) = {f}"


def _dense_numbers(module: nn.Module, p: dict[str, Any], digits: int) -> str:
    lin = module.core if hasattr(module, "core") else module
    inner = f"{bmatrix(lin.weight.detach().tolist(), digits)} x"
    if lin.bias is not None:
        inner += f" + {bmatrix([[b] for b in lin.bias.detach().tolist()], digits)}"
    return _wrap(p.get("activation"), inner)


def _conv_numbers(module: nn.Module, p: dict[str, Any], digits: int) -> str:
    conv = _conv_of(module)
    w = conv.weight.detach()                                    # (filters, in_channels, kh, kw)
    parts = []
    for c in range(w.shape[0]):
        terms = " + ".join(rf"{bmatrix(w[c, k].tolist(), digits)} \star x_{{{k + 1}}}" for k in range(w.shape[1]))
        bias = f" + {num(float(conv.bias[c]), digits)}" if conv.bias is not None else ""
        parts.append(_wrap(p.get("activation"), f"{terms}{bias}").replace("y =", f"y_{{{c + 1}}} =", 1))
    return r" \\ ".join(parts)


def numeric(row: Row, module: nn.Module, max_weights: int = 16, digits: int = 4) -> str | None:
    """The layer's formula with its numbers, or None when the layer is too big or has no such form."""
    if row.type == "dense":
        lin = module.core if hasattr(module, "core") else module
        if isinstance(lin, nn.Linear) and lin.weight.numel() <= max_weights:
            return _dense_numbers(module, row.resolved, digits)
    if row.type == "conv2d":
        conv = _conv_of(module)
        if conv is not None and conv.weight.numel() <= max_weights:
            return _conv_numbers(module, row.resolved, digits)
    return None


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
