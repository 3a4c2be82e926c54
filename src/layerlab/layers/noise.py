"""dropout, alpha_dropout, gaussian_dropout, gaussian_noise: randomness while training, none after.

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
from .base import Case, LayerKind, from_code, get_layer, register
from . import tfjs_support as T


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


def _rate(default: float, en: str) -> Param:
    # 1.0 would drop everything (and divide by zero in gaussian_dropout)
    return Param("rate", "float", default, en, min=0.0, max=0.95,
                 suggested=(0.1, 0.2, 0.3, 0.5))


class _Noise(LayerKind):
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


@register
class Dropout(_Noise):
    name = "dropout"
    cases = (
        Case((6,), {}, (6,)),
        Case((2, 4, 4), {"rate": 0.3}, (2, 4, 4)),
    )
    params = (_rate(0.5, "Share of values set to zero in each training step."),)
    summary = "Randomly switches off some values while training, against overfitting."
    explain = ("In every training step a random share of the values is set to zero and the rest scaled up, so "
               "the network cannot rely on any single neuron. After training nothing is dropped.")
    latex = r"y = \frac{m \odot x}{1 - p},\ m_i \sim \mathrm{Bernoulli}(1 - p)"

    def code(self, p, in_shape):
        return f"nn.Dropout(p={p['rate']})"

    def math(self, p, in_shape=None):
        return rf"y = \frac{{m \odot x}}{{1 - {p['rate']}}},\ m_i \sim \mathrm{{Bernoulli}}({1 - p['rate']:g})"

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("Dropout",)


@register
class AlphaDropout(_Noise):
    name = "alpha_dropout"
    cases = (
        Case((6,), {}, (6,)),
        Case((2, 4, 4), {"rate": 0.3}, (2, 4, 4)),
    )
    params = (_rate(0.1, "Share of values dropped in each training step."),)
    summary = "Dropout for selu networks: keeps mean and variance unchanged."
    explain = ("Like dropout, but dropped values are set to selu's lowest value and the result is shifted and "
               "scaled so that the self-normalising property of selu networks survives.")
    latex = r"y = a\,(m \odot x + (1 - m)\,\alpha') + b"

    def code(self, p, in_shape):
        return f"nn.AlphaDropout(p={p['rate']})"

    def math(self, p, in_shape=None):
        return (rf"y = a\,(m \odot x + (1 - m)\,\alpha') + b,\ m_i \sim \mathrm{{Bernoulli}}({1 - p['rate']:g}),"
                r"\ \alpha' = -1.7581")

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("AlphaDropout",)
    keras_written = ("Dropout",)  # exported as a plain Dropout (both are identity at inference)


@register
class GaussianDropoutLayer(_Noise):
    name = "gaussian_dropout"
    cases = (
        Case((6,), {}, (6,)),
        Case((2, 4, 4), {"rate": 0.3}, (2, 4, 4)),
    )
    params = (_rate(0.1, "Strength of the multiplicative noise: std = sqrt(rate / (1 - rate))."),)
    summary = "Multiplies values by random noise around 1 while training."
    explain = ("Instead of switching values off, each one is multiplied by a random number near 1 in every "
               "training step. It regularises like dropout but more smoothly.")
    latex = r"y = x \odot \epsilon,\ \epsilon \sim \mathcal{N}\!\left(1, \tfrac{p}{1-p}\right)"

    def code(self, p, in_shape):
        return f"GaussianDropout({p['rate']})"

    def math(self, p, in_shape=None):
        var = p["rate"] / (1 - p["rate"])
        return rf"y = x \odot \epsilon,\ \epsilon \sim \mathcal{{N}}(1, {var:.4g})"

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("GaussianDropout",)


@register
class GaussianNoiseLayer(_Noise):
    name = "gaussian_noise"
    cases = (
        Case((6,), {}, (6,)),
        Case((2, 4, 4), {"stddev": 0.5}, (2, 4, 4)),
    )
    params = (Param("stddev", "float", 0.1, "Standard deviation of the noise added while training.",
                    min=0.0, max=100.0,
                    suggested=(0.01, 0.05, 0.1, 0.3)),)
    summary = "Adds random noise to the values while training."
    explain = ("Every training step sees slightly jittered values, so the network learns to ignore small "
               "disturbances. After training the values pass unchanged.")
    latex = r"y = x + \epsilon,\ \epsilon \sim \mathcal{N}(0, \sigma^2)"

    def code(self, p, in_shape):
        return f"GaussianNoise({p['stddev']})"

    def math(self, p, in_shape=None):
        return rf"y = x + \epsilon,\ \epsilon \sim \mathcal{{N}}(0, {p['stddev']}^2)"

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("GaussianNoise",)
    keras_setting = "stddev"


__all__ = ["AlphaDropout", "Dropout", "GaussianDropoutLayer", "GaussianNoiseLayer", "get_layer"]
