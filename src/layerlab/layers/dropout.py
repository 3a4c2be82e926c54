"""dropout: randomly switches off some values while training, against overfitting.

>>> k = get_layer("dropout"); p = k.resolve({"rate": 0.3}, "l")
>>> k.infer_shape(p, (8, 4), "l"), k.code(p, (8, 4))
((8, 4), 'nn.Dropout(p=0.3)')
"""
from __future__ import annotations

from .base import Case, get_layer, register
from .noise_base import NoiseKind, rate_param


@register
class Dropout(NoiseKind):
    name = "dropout"
    cases = (
        Case((6,), {}, (6,)),
        Case((2, 4, 4), {"rate": 0.3}, (2, 4, 4)),
    )
    params = (rate_param(0.5, "Share of values set to zero in each training step."),)
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


__all__ = ["Dropout", "get_layer"]
