"""Activation functions by name, and the `activation` layer that applies one on its own.

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

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec.params import Param
from . import modules as M
from .base import Case, LayerKind, Shape, register
from . import tfjs_support as T


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


@register
class ActivationLayer(LayerKind):
    name = "activation"
    cases = (
        Case((5,), {"activation": "prelu"}, (5,)),
        Case((3, 4, 4), {"activation": "gelu"}, (3, 4, 4)),
        Case((5,), {"activation": "softmax"}, (5,)),
    )
    family = "core"
    keeps_layout = True
    params = (activation_param("relu"),)
    summary = "Applies an activation function to every value."
    explain = "Bends the signal so that the network can learn curves, not only straight lines."
    latex = r"y = f(x)"

    def infer_shape(self, p, in_shape: Shape, path: str) -> Shape:
        if ACTIVATIONS[p["activation"]].name in ("softmax", "log_softmax") and len(in_shape) < 1:
            raise SpecError(path, msg("softmax needs at least one axis"), in_shape,
                            msg("use it on a list of scores, e.g. after dense"))
        return tuple(in_shape)

    def build(self, p, in_shape):
        return M.Activated(nn.Identity(), build_activation(p["activation"]))

    def param_count(self, p, in_shape) -> int:
        return 1 if p["activation"] == "prelu" else 0

    def code(self, p, in_shape) -> str:
        # wrapped like build() so weights (prelu) load by the same names and logits can skip it
        return f"Activated(nn.Identity(), {ACTIVATIONS[p['activation']].code})"

    def math(self, p, in_shape=None) -> str:
        return ACTIVATIONS[p["activation"]].latex.replace("f(x)", "y")

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("Activation", "ReLU", "ELU", "Softmax", "LeakyReLU", "ThresholdedReLU")
    tfjs_elementwise = True

    def tfjs_export(self, row, module, ctx):
        ctx.b.activation(row.resolved["activation"], len(row.out_shape), ctx.cl, row.path)

    def tfjs_import(self, layer, ctx):
        cls, c, where = layer.cls, layer.config, layer.where
        name_act = {"ReLU": "relu", "ELU": "elu", "Softmax": "softmax", "LeakyReLU": "leaky_relu",
                    "ThresholdedReLU": "thresholded_relu"}.get(cls) or T.keras_act(c.get("activation"), where)
        # (LayerLab's value, TF.js' default when the file leaves it out; Keras 3 calls LeakyReLU's alpha negative_slope)
        fixed = {"LeakyReLU": ("alpha", 0.01, c.get("negative_slope", 0.3)), "ThresholdedReLU": ("theta", 1.0, 1.0),
                 "ELU": ("alpha", 1.0, 1.0)}
        if cls in fixed and abs(float(c.get(fixed[cls][0], fixed[cls][2])) - fixed[cls][1]) > 1e-7:
            param, default, value = fixed[cls][0], fixed[cls][1], c.get(fixed[cls][0], fixed[cls][2])
            raise SpecError(where, msg("{cls} with {param}={value} has no LayerLab equivalent", cls=cls, param=param,
                                       value=value), value, msg("use {param}={value}", param=param, value=default))
        if cls == "ReLU" and c.get("max_value") not in (None, 6):
            raise SpecError(where, msg("ReLU with this max_value has no LayerLab equivalent"), c.get("max_value"),
                            msg("use no max_value, or 6 (relu6)"))
        if cls == "ReLU" and c.get("max_value") == 6:
            name_act = "relu6"
        return {"type": "activation", "activation": name_act}, {}

    def tfjs_reference(self, cls, c, w, xs):
        x = xs[0]
        if cls == "Activation":
            return T.ref_act(c)(x)
        if cls == "Softmax":
            return x.softmax(int(c.get("axis", -1)))
        if cls == "LeakyReLU":
            return torch.nn.functional.leaky_relu(x, float(c.get("alpha", 0.3)))
        if cls == "ThresholdedReLU":
            return torch.where(x > float(c.get("theta", 1.0)), x, torch.zeros_like(x))
        return None  # ReLU, ELU: imported by their names, not computed by the check
