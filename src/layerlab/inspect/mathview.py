"""Math view: each layer's formula in LaTeX, with the actual numbers of one sample.

A dense layer with at most `max_weights` weights (e.g. 4x4) is written out as
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

from ..layers.activations import ACTIVATIONS
from ..layers.base import get_layer
from ..layers.stack import Row
from .trace import eval_mode, layers_of, trace
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


def _signed(v: float, digits: int) -> str:
    s = num(v, digits)
    return f"({s})" if s.startswith("-") else s


def _activated(activation: str | None, unit: str, inner: str, z: float, y: float, digits: int) -> str:
    """unit = f(inner) = f(z) = y with the activation's name (softmax, which mixes all outputs, as
    z then softmax(z)), or unit = inner = y for a linear layer."""
    if activation in (None, "linear"):
        return rf"{unit} = {inner} = {num(y, digits)}"
    if activation == "softmax":
        return (rf"z_{unit[2:]} = {inner} = {num(z, digits)},\quad {unit} = \mathrm{{softmax}}(z)_{unit[2:]}"
                rf" = {num(y, digits)}")
    # plain brackets, not \left( \right): KaTeX can break a long sum at + and = only outside such a pair
    return rf"{unit} = \mathrm{{{activation}}}({inner}) = \mathrm{{{activation}}}({num(z, digits)}) = {num(y, digits)}"


def _weighted_sum(weights: list[float], inputs: list[float], bias: float | None, shown: int, digits: int) -> str:
    """w·x terms with numbers: the `shown` largest contributions in their order, the others
    folded into one \\cdots with their sum, then the bias."""
    products = [w * x for w, x in zip(weights, inputs)]
    keep = sorted(sorted(range(len(products)), key=lambda i: -abs(products[i]))[:shown])
    terms = [rf"{_signed(weights[i], digits)} \cdot {_signed(inputs[i], digits)}" for i in keep]
    if len(products) > len(keep):
        rest = sum(p for i, p in enumerate(products) if i not in set(keep))
        terms.append(rf"\underbrace{{\cdots}}_{{{len(products) - len(keep)}\ \text{{more}}:\ {num(rest, digits)}}}")
    if bias is not None:
        terms.append(_signed(bias, digits))
    return " + ".join(terms)


def _dense_sample(module: nn.Module, act: str | None, x_in: torch.Tensor, y: torch.Tensor, digits: int,
                  shown: int) -> tuple[str, int] | None:
    lin = module.core if hasattr(module, "core") else module
    if not isinstance(lin, nn.Linear) or x_in.dim() != 1:
        return None
    j = int(y.abs().argmax())                                   # the output that says most
    with torch.no_grad():
        z = float(lin(x_in[None])[0, j])
    w = lin.weight[j].detach().tolist()
    b = float(lin.bias[j].detach()) if lin.bias is not None else None
    inner = _weighted_sum(w, x_in.tolist(), b, shown, digits)
    return _activated(act, f"y_{{{j + 1}}}", inner, z, float(y[j]), digits), j


def _conv_sample(module: nn.Module, act: str | None, x_in: torch.Tensor, y: torch.Tensor, digits: int,
                 shown: int) -> tuple[str, int] | None:
    conv = _conv_of(module)
    if not isinstance(conv, nn.Conv2d) or x_in.dim() != 3 or y.dim() != 3 or conv.groups != 1:
        return None
    c = int(y.abs().amax(dim=(1, 2)).argmax())                  # the busiest feature map
    r, q = divmod(int(y[c].abs().argmax()), y.shape[2])         # and its strongest position
    kh, kw = conv.kernel_size
    (sh, sw), (dh, dw) = conv.stride, conv.dilation
    xp = x_in[None]
    core = module.core if hasattr(module, "core") else module
    if isinstance(core, nn.Sequential):                         # explicit zero padding before the conv
        for m in core:
            if m is conv:
                break
            xp = m(xp)
    if conv.padding == "same":
        th, tw = dh * (kh - 1), dw * (kw - 1)
        xp = torch.nn.functional.pad(xp, (tw // 2, tw - tw // 2, th // 2, th - th // 2))
    elif isinstance(conv.padding, tuple) and any(conv.padding):
        xp = torch.nn.functional.pad(xp, (conv.padding[1], conv.padding[1], conv.padding[0], conv.padding[0]))
    patch = xp[0, :, r * sh: r * sh + (kh - 1) * dh + 1: dh, q * sw: q * sw + (kw - 1) * dw + 1: dw]
    w = conv.weight[c].detach()
    if patch.shape != w.shape:
        return None
    b = float(conv.bias[c].detach()) if conv.bias is not None else None
    z = float((patch * w).sum()) + (b or 0.0)
    with torch.no_grad():
        pre = core(x_in[None])[0, c, r, q]                      # the layer's own sum, before its activation
    if not torch.isclose(torch.tensor(z), pre, rtol=1e-3, atol=1e-4):
        return None                                             # a layout this sketch does not know
    inner = _weighted_sum(w.flatten().tolist(), patch.flatten().tolist(), b, shown, digits)
    return _activated(act, f"y_{{{c + 1}}}[{r + 1},{q + 1}]", inner, z, float(y[c, r, q]), digits), c


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
        act = row.resolved.get("activation") if row.resolved else None
        worked = None
        try:
            if row.type == "dense":
                worked = _dense_sample(module, act, h_in, y, digits, shown)
            elif row.type == "conv2d":
                worked = _conv_sample(module, act, h_in, y, digits, shown)
        except Exception:  # noqa: BLE001 - a worked example is a bonus: the input and output still show
            worked = None
        out.append({"index": row.index, "type": row.type, "in_shape": list(h_in.shape), "out_shape": list(y.shape),
                    "input": rf"x = {vector(h_in.flatten().tolist(), digits, shown)}",
                    "output": rf"y = {vector(y.flatten().tolist(), digits, shown)}",
                    "worked": worked[0] if worked else None, "unit": worked[1] if worked else None})
        h = o[0]
    return out
