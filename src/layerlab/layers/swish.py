"""swish: y = x · sigmoid(β x), with β fixed or learned (Ramachandran et al. 2017).

β = 1 is SiLU; a large β approaches ReLU, β = 0 gives x / 2. With trainable_beta the layer learns
one β of its own. The whole kind lives in this file: its torch module, shape rule, costs, math,
generated code, layout flag and conformance cases; its German is in the catalogue
(i18n/locale/de/LC_MESSAGES/descriptions.po).

>>> s = get_layer("swish"); p = s.resolve({"beta": 2.0}, "l")
>>> s.infer_shape(p, (3, 8, 8), "l"), s.param_count(p, (3, 8, 8)), s.code(p, (3, 8, 8))
((3, 8, 8), 0, 'Swish(2.0, trainable=False)')
"""
from __future__ import annotations

import torch
from torch import nn

from ..i18n import current_lang, msg
from ..spec.params import Param
from .base import Case, LayerKind, get_layer, numel, register
from .latex import num
from .tfjs_support import Refused


class Swish(nn.Module):
    """x · sigmoid(β x); β a learned scalar when trainable, else a constant."""

    def __init__(self, beta: float = 1.0, trainable: bool = False):
        super().__init__()
        self.trainable = trainable
        if trainable:
            self.beta = nn.Parameter(torch.tensor(float(beta)))
        else:
            self.beta = float(beta)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(self.beta * x)


@register
class SwishLayer(LayerKind):
    name = "swish"
    family = "core"
    keeps_layout = True  # value by value: a sequence stays (steps, features)
    params = (
        Param("beta", "float", 1.0, "β in x · sigmoid(β x): 1 is SiLU, larger is closer to ReLU.", min=0.0, max=20.0,
              suggested=(0.5, 1.0, 2.0)),
        Param("trainable_beta", "bool", False, "Learn β while training, starting from the value above."),
    )
    summary = "Swish: each value times its sigmoid, with a tunable or learned sharpness β."
    explain = ("Lets positive values through almost unchanged and damps negative ones smoothly; β sets how "
               "sharp the bend is, and the network can learn it.")
    latex = r"y = x \cdot \sigma(\beta x)"
    tfjs_refused = Refused(msg("TF.js has no swish layer with a chosen or learned beta; use the activation "
                               "layer with 'silu', or export to ONNX"))
    cases = (
        Case((5,), {}, (5,)),
        Case((3, 4, 4), {"beta": 2.0}, (3, 4, 4)),
        Case((6, 3), {"beta": 0.5, "trainable_beta": True}, (6, 3)),
    )

    def infer_shape(self, p, in_shape, path):
        return tuple(in_shape)

    def param_count(self, p, in_shape):
        return 1 if p["trainable_beta"] else 0

    def flops(self, p, in_shape, out_shape):
        return 4 * numel(out_shape)  # β x, the sigmoid (counted as 2), the product

    def activation_size(self, p, in_shape, out_shape):
        return 2 * numel(out_shape)  # its input and output are kept for the backward pass

    def build(self, p, in_shape):
        return Swish(p["beta"], trainable=p["trainable_beta"])

    def code(self, p, in_shape):
        return f"Swish({float(p['beta'])!r}, trainable={bool(p['trainable_beta'])})"

    def activation_of(self, p):
        return "swish"  # what the network ends with when swish is its last layer (checks look at it)

    def math(self, p, in_shape=None):
        if p["trainable_beta"]:
            words = msg("learned, starting at").to(current_lang.get())
            return rf"y = x \cdot \sigma(\beta x),\quad \beta \text{{ {words} }} {p['beta']}"
        return rf"y = x \cdot \sigma({p['beta']}\, x)"

    def numeric_math(self, p, module, max_weights=16, digits=4):
        beta = module.beta.detach() if isinstance(module.beta, torch.Tensor) else module.beta
        return rf"y = x \cdot \sigma({num(float(beta), digits)}\, x)"


__all__ = ["Swish", "SwishLayer", "get_layer"]
