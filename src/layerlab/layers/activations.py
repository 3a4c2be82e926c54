"""Activation functions by name: the catalogue that every kind with an `activation` setting (dense, the
convolutions, recurrent layers, residual blocks) and the `activation` layer (activation.py) share, with
the helper modules of the functions torch lacks (generated scripts copy them, see base.module_classes).

>>> build_activation("relu")
ReLU()
>>> sorted(ACTIVATIONS)[:3]
['celu', 'elu', 'exponential']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from ..spec.params import Param


class Snake(nn.Module):
    """Snake activation: x + sin^2(a x) / a, periodic yet monotone-ish (Ziyin et al. 2020)."""

    def __init__(self, alpha: float = 1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + torch.sin(self.alpha * x) ** 2 / self.alpha


class ThresholdedReLU(nn.Module):
    """x where x > theta, else 0."""

    def __init__(self, theta: float = 1.0):
        super().__init__()
        self.theta = theta

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.where(x > self.theta, x, torch.zeros_like(x))


class Exponential(nn.Module):
    """e^x."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.exp(x)


class HardSigmoid(nn.Module):
    """Keras' hard sigmoid: clip(0.2 x + 0.5, 0, 1)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


@dataclass(frozen=True)
class Activation:
    """A named activation: how to build it, its code in a script, its formula and meaning."""

    name: str
    factory: Callable[[], nn.Module]
    code: str
    latex: str
    explain: str
    output: bool = False  # turns scores into probabilities (softmax, sigmoid, log_softmax)


def _a(name, factory, code, latex, en, output=False) -> Activation:
    return Activation(name, factory, code, latex, en, output)


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in [
    _a("linear", nn.Identity, "nn.Identity()", r"f(x) = x", "Passes values through unchanged."),
    _a("relu", nn.ReLU, "nn.ReLU()", r"f(x) = \max(0, x)", "Keeps positive values, sets negative ones to zero."),
    _a("leaky_relu", lambda: nn.LeakyReLU(0.01), "nn.LeakyReLU(0.01)", r"f(x) = \max(0.01x, x)",
       "Like ReLU, but lets a small slope through for negative values."),
    _a("elu", nn.ELU, "nn.ELU()", r"f(x) = x \text{ if } x>0 \text{ else } e^x - 1",
       "Smooth for negative values, saturating at -1."),
    _a("selu", nn.SELU, "nn.SELU()", r"f(x) = \lambda (x \text{ if } x>0 \text{ else } \alpha(e^x-1))",
       "Scaled ELU that keeps activations normalised."),
    _a("celu", nn.CELU, "nn.CELU()", r"f(x) = \max(0,x) + \min(0, e^{x}-1)",
       "Continuously differentiable ELU."),
    _a("gelu", nn.GELU, "nn.GELU()", r"f(x) = x \Phi(x)",
       "Weights each value by how likely it is to be positive; used in transformers."),
    _a("silu", nn.SiLU, "nn.SiLU()", r"f(x) = x \sigma(x)", "x times its sigmoid (also called swish)."),
    _a("mish", nn.Mish, "nn.Mish()", r"f(x) = x \tanh(\ln(1+e^x))", "A smooth, self-gated activation."),
    _a("softplus", nn.Softplus, "nn.Softplus()", r"f(x) = \ln(1 + e^x)", "A smooth version of ReLU."),
    _a("softsign", nn.Softsign, "nn.Softsign()", r"f(x) = \frac{x}{1 + |x|}", "Squashes values into (-1, 1), gently."),
    _a("sigmoid", nn.Sigmoid, "nn.Sigmoid()", r"f(x) = \frac{1}{1 + e^{-x}}",
       "Squashes values into (0, 1): a probability for yes/no.",
       output=True),
    _a("hard_sigmoid", HardSigmoid, "HardSigmoid()", r"f(x) = \min(1, \max(0, 0.2x + 0.5))",
       "A cheap, piecewise-linear sigmoid."),
    _a("tanh", nn.Tanh, "nn.Tanh()", r"f(x) = \tanh(x)", "Squashes values into (-1, 1)."),
    _a("hard_tanh", nn.Hardtanh, "nn.Hardtanh()", r"f(x) = \min(1, \max(-1, x))", "Clips values to [-1, 1]."),
    _a("relu6", nn.ReLU6, "nn.ReLU6()", r"f(x) = \min(6, \max(0, x))", "ReLU capped at 6."),
    _a("prelu", nn.PReLU, "nn.PReLU()", r"f(x) = \max(0,x) + a \min(0,x)",
       "Leaky ReLU whose negative slope a is learned."),
    _a("thresholded_relu", ThresholdedReLU, "ThresholdedReLU(1.0)", r"f(x) = x \text{ if } x > 1 \text{ else } 0",
       "Keeps values above 1, zero otherwise."),
    _a("snake", Snake, "Snake(1.0)", r"f(x) = x + \sin^2(x)", "Adds a periodic wiggle; good for periodic data."),
    _a("softmax", lambda: nn.Softmax(dim=1), "nn.Softmax(dim=1)", r"f(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
       "Turns scores into probabilities that sum to 1.",
       output=True),
    _a("log_softmax", lambda: nn.LogSoftmax(dim=1), "nn.LogSoftmax(dim=1)",
       r"f(x)_i = x_i - \ln \sum_j e^{x_j}", "The logarithm of softmax probabilities.",
       output=True),
    _a("exponential", Exponential, "Exponential()", r"f(x) = e^x", "e to the power of x."),
]}

ACTIVATION_NAMES = tuple(ACTIVATIONS)


def build_activation(name: str | None) -> nn.Module:
    """A fresh module for a named activation (identity for None or 'linear')."""
    if name is None:
        return nn.Identity()
    return ACTIVATIONS[name].factory()


def activation_param(default: str = "linear") -> Param:
    """The shared `activation` parameter of layers that end in one."""
    return Param("activation", "choice", default, "Function applied to each output value.",
                 choices=ACTIVATION_NAMES)
