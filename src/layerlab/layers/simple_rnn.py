"""simple_rnn: a plain recurrent layer, new state = tanh(input and old state), step by step over a sequence.

>>> k = get_layer("simple_rnn"); p = k.resolve({"units": 4}, "l")
>>> k.infer_shape(p, (6, 3), "l"), k.code(p, (6, 3))
((4,), 'Recurrent(nn.RNN(3, 4, batch_first=True, bidirectional=False), return_sequences=False)')
"""
from __future__ import annotations

from .base import get_layer, register
from .recurrent_base import SEQUENCE_CASES, RecurrentKind


@register
class SimpleRNN(RecurrentKind):
    name = "simple_rnn"
    cases = SEQUENCE_CASES
    gates = 1
    torch_cls = "nn.RNN"
    summary = "A plain recurrent layer: new state = tanh(input and old state)."
    explain = ("At each step it mixes the new input with its memory of the steps before. Simple, but it forgets "
               "quickly: long sequences need lstm or gru.")
    latex = r"h_t = \tanh(W x_t + U h_{t-1} + b)"

    def math(self, p, in_shape=None):
        return rf"h_t = \tanh(W x_t + U h_{{t-1}} + b),\ h_t \in \mathbb{{R}}^{{{p['units']}}}"

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("SimpleRNN",)


__all__ = ["SimpleRNN", "get_layer"]
