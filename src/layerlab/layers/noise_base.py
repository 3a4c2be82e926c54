"""What dropout, alpha_dropout, gaussian_dropout and gaussian_noise (one module each) share: randomness while
training, none after. The GaussianNoise and GaussianDropout helpers live here, in the order generated scripts
copy them, and the NoiseKind base (shape, no weights, TF.js adapters).

Each keeps the shape and has no weights; at inference (eval mode) each passes values through.

>>> d = get_layer("dropout"); p = d.resolve({"rate": 0.3}, "l")
>>> d.infer_shape(p, (8, 4), "l"), d.code(p, (8, 4))
((8, 4), 'nn.Dropout(p=0.3)')
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..spec.params import Param
from .base import LayerKind, from_code, get_layer


class GaussianNoise(nn.Module):
    """Adds N(0, stddev^2) noise while training; identity at inference."""

    def __init__(self, stddev: float):
        super().__init__()
        self.stddev = stddev

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and self.stddev > 0:
            return x + torch.randn_like(x) * self.stddev
        return x


class GaussianDropout(nn.Module):
    """Multiplies by N(1, rate/(1-rate)) noise while training; identity at inference."""

    def __init__(self, rate: float):
        super().__init__()
        self.rate = rate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and self.rate > 0:
            std = math.sqrt(self.rate / (1.0 - self.rate))
            return x * (1.0 + torch.randn_like(x) * std)
        return x


def rate_param(default: float, en: str) -> Param:
    # 1.0 would drop everything (and divide by zero in gaussian_dropout)
    return Param("rate", "float", default, en, min=0.0, max=0.95,
                 suggested=(0.1, 0.2, 0.3, 0.5))


class NoiseKind(LayerKind):
    family = "regularization"
    transparent = True
    keeps_layout = True

    def infer_shape(self, p, in_shape, path):
        return tuple(in_shape)

    def param_count(self, p, in_shape):
        return 0

    def build(self, p, in_shape):
        return from_code(self.code(p, in_shape))

    def activation_of(self, p):
        return None

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    tfjs_elementwise = True
    keras_setting = "rate"   # the one setting Keras keeps (TF.js computes noise layers as identity at inference)

    def tfjs_export(self, row, module, ctx):
        key = self.keras_setting
        ctx.b.add(self.keras_written[0] if self.keras_written else self.keras_classes[0],
                  {key: float(row.resolved.get(key, 0.0))})

    def tfjs_import(self, layer, ctx):
        key = self.keras_setting
        return {"type": self.name, key: float(layer.config.get(key, 0.0))}, {}

    def tfjs_reference(self, cls, c, w, xs):
        return xs[0]


__all__ = ["GaussianDropout", "GaussianNoise", "NoiseKind", "get_layer", "rate_param"]
