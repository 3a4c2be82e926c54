"""gaussian_dropout: multiplies values by random noise around 1 while training.

>>> k = get_layer("gaussian_dropout"); p = k.resolve({"rate": 0.3}, "l")
>>> k.infer_shape(p, (2, 4, 4), "l"), k.code(p, (2, 4, 4))
((2, 4, 4), 'GaussianDropout(0.3)')
"""
from __future__ import annotations

from .base import Case, get_layer, register
from .noise_base import NoiseKind, rate_param


@register
class GaussianDropoutLayer(NoiseKind):
    name = "gaussian_dropout"
    cases = (
        Case((6,), {}, (6,)),
        Case((2, 4, 4), {"rate": 0.3}, (2, 4, 4)),
    )
    params = (rate_param(0.1, "Strength of the multiplicative noise: std = sqrt(rate / (1 - rate))."),)
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


__all__ = ["GaussianDropoutLayer", "get_layer"]
