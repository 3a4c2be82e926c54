"""layer_norm: normalises each sample on its own, over all its values or over its last axis, then learns a
scale and shift per value.

>>> ln = get_layer("layer_norm"); p = ln.resolve({"over": "last"}, "l")
>>> ln.param_count(p, (5, 6)), ln.code(p, (5, 6))
(12, 'nn.LayerNorm([6], eps=0.001, elementwise_affine=True)')
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec.params import Param
from .base import Case, get_layer, register
from .norm_base import EPS, SCALE, Norm
from . import tfjs_support as T


@register
class LayerNorm(Norm):
    name = "layer_norm"
    cases = (
        Case((3, 4, 4), {}, (3, 4, 4)),
        Case((5, 6), {"over": "last"}, (5, 6)),
        Case((6,), {"scale": False}, (6,)),
    )
    keeps_layout = True
    params = (
        Param("over", "choice", "all", "'all': normalise over every value of a sample; 'last': over the last "
              "axis only (the features of each step of a sequence).", choices=("all", "last"), expert=True),
        EPS, SCALE,
    )
    summary = "Normalises each sample on its own; common in transformers and recurrent nets."
    explain = ("It subtracts the mean of a sample's values and divides by their spread, then applies a learned "
               "scale and shift per value. Unlike batch_norm it does not depend on the other samples of a batch.")
    latex = r"y = \gamma \odot \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}} + \beta"

    def _normalized(self, p, in_shape):
        return tuple(in_shape) if p["over"] == "all" else (in_shape[-1],)

    def infer_shape(self, p, in_shape, path):
        if len(in_shape) == 0:
            raise SpecError(path, msg("layer_norm needs at least one value per sample"), in_shape,
                            msg("use it after a layer that gives values, e.g. dense"))
        return tuple(in_shape)

    def param_count(self, p, in_shape):
        return 2 * math.prod(self._normalized(p, in_shape)) if p["scale"] else 0

    def code(self, p, in_shape):
        return f"nn.LayerNorm({list(self._normalized(p, in_shape))}, eps={p['epsilon']}, elementwise_affine={p['scale']})"

    def math(self, p, in_shape=None):
        over = "all values" if p["over"] == "all" else "the last axis"
        return (rf"y = \gamma \odot \frac{{x - \mu}}{{\sqrt{{\sigma^2 + {p['epsilon']:g}}}}} + \beta,"
                rf"\ \mu, \sigma \text{{ over {over}}}")

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("LayerNormalization",)

    def tfjs_channels_last(self, row, prefers):
        return None if row.resolved.get("over", "all") == "all" else False

    def tfjs_agnostic(self, cls, c):
        axis = c.get("axis")
        return isinstance(axis, list) and len(axis) > 1  # over all values (or several axes)

    def tfjs_import_layout(self, cls, c, rank, nxt):
        return None if _ln_axes(c, rank) == list(range(1, rank + 1)) else False  # over all: gamma is laid out to match

    def tfjs_export(self, row, module, ctx):
        """LayerNormalization over every axis but the batch ('all') or the last one, with gamma laid out to match."""
        p, rank = row.resolved, len(row.in_shape)
        ln = next(mod for mod in module.modules() if isinstance(mod, torch.nn.LayerNorm))
        over_all = p.get("over", "all") == "all" and rank >= 2
        wts = {}
        if ln.elementwise_affine:
            gamma, beta = ln.weight.detach().numpy(), ln.bias.detach().numpy()
            if over_all and ctx.cl:  # (C, *spatial) -> (*spatial, C), the order TF.js holds the values in
                gamma, beta = np.moveaxis(gamma, 0, -1), np.moveaxis(beta, 0, -1)
            wts = {"gamma": gamma, "beta": beta}
        ctx.b.add("LayerNormalization", {"axis": list(range(1, rank + 1)) if over_all else -1, "epsilon": float(ln.eps),
                                         "center": ln.elementwise_affine, "scale": ln.elementwise_affine}, wts)

    def tfjs_import(self, layer, ctx):
        """layer_norm over all values or the last axis; LayerLab has one switch (scale) for both gamma and beta;
        gamma and beta of channels-last maps are moved to channels-first."""
        c, w, where, rank = layer.config, layer.weights, layer.where, len(layer.cur)
        axes = _ln_axes(c, rank)
        over_all = axes == list(range(1, rank + 1))
        if not over_all and axes != [rank]:
            raise SpecError(where, msg("normalises over the axes {axes}; LayerLab's layer_norm normalises over all "
                                       "values of a sample or over its last axis", axes=axes), c.get("axis"),
                            msg("use axis -1, or every axis but the batch: {axes}", axes=list(range(1, rank + 1))))
        center, scale = bool(c.get("center", True)), bool(c.get("scale", True))
        spec = {"type": "layer_norm", "over": "all" if over_all else "last", "epsilon": float(c.get("epsilon", 1e-3)),
                "scale": center or scale}
        if not (center or scale):
            return spec, {}
        like = w["gamma"] if scale else w["beta"]
        gamma, beta = (w["gamma"] if scale else np.ones_like(like)), (w["beta"] if center else np.zeros_like(like))
        if over_all and ctx.cl and rank >= 2:  # TF.js holds the values channels-last: (*spatial, C) -> (C, *spatial)
            gamma, beta = np.moveaxis(gamma, -1, 0), np.moveaxis(beta, -1, 0)
        return spec, {"weight": np.ascontiguousarray(gamma), "bias": np.ascontiguousarray(beta)}

    def tfjs_reference(self, cls, c, w, xs):
        x = xs[0]
        axes = sorted(a % x.dim() for a in T.ints(c.get("axis", -1), 1))
        mean = x.mean(dim=axes, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=axes, keepdim=True)
        y = (x - mean) / torch.sqrt(var + float(c.get("epsilon", 1e-3)))
        shape = [x.shape[a] if a in axes else 1 for a in range(x.dim())]
        if "gamma" in w:
            y = y * w["gamma"].reshape(shape)
        if "beta" in w:
            y = y + w["beta"].reshape(shape)
        return y


__all__ = ["LayerNorm", "get_layer"]


def _ln_axes(c: dict, rank: int) -> list[int]:
    """The axes a Keras LayerNormalization normalises over (1-based, the batch excluded)."""
    return sorted({a % (rank + 1) for a in T.ints(c.get("axis", -1), 1)})
