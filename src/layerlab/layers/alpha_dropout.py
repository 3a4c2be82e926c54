"""alpha_dropout: dropout for selu networks: keeps mean and variance unchanged.

>>> k = get_layer("alpha_dropout"); p = k.resolve({"rate": 0.2}, "l")
>>> k.infer_shape(p, (6,), "l"), k.code(p, (6,))
((6,), 'nn.AlphaDropout(p=0.2)')
"""
from __future__ import annotations

from .base import Case, get_layer, register
from .noise_base import NoiseKind, rate_param


@register
class AlphaDropout(NoiseKind):
    name = "alpha_dropout"
    cases = (
        Case((6,), {}, (6,)),
        Case((2, 4, 4), {"rate": 0.3}, (2, 4, 4)),
    )
    params = (rate_param(0.1, "Share of values dropped in each training step."),)
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


__all__ = ["AlphaDropout", "get_layer"]
