"""activation: applies an activation function (of the catalogue in activations.py) to every value.

>>> a = get_layer("activation"); p = a.resolve({"activation": "prelu"}, "l")
>>> a.infer_shape(p, (5,), "l"), a.param_count(p, (5,)), a.code(p, (5,))
((5,), 1, 'Activated(nn.Identity(), nn.PReLU())')
"""
from __future__ import annotations

import torch
from torch import nn

from ..i18n import msg
from ..spec.errors import SpecError
from . import modules as M
from .activations import ACTIVATIONS, activation_param, build_activation
from .base import Case, LayerKind, Shape, get_layer, register
from . import tfjs_support as T


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


__all__ = ["ActivationLayer", "get_layer"]
