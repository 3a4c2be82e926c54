"""gaussian_noise: adds random noise to the values while training.

>>> k = get_layer("gaussian_noise"); p = k.resolve({"stddev": 0.5}, "l")
>>> k.infer_shape(p, (6,), "l"), k.code(p, (6,))
((6,), 'GaussianNoise(0.5)')
"""
from __future__ import annotations

from ..spec.params import Param
from .base import Case, get_layer, register
from .noise_base import NoiseKind


@register
class GaussianNoiseLayer(NoiseKind):
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


__all__ = ["GaussianNoiseLayer", "get_layer"]
