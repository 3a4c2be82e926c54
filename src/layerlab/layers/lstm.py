"""lstm: long short-term memory, gates decide what to remember and what to forget.

Input is a sequence (T, F): T steps of F features. As in Keras, the output is the last step's
state (units,) unless return_sequences gives every step (T, units); bidirectional reads the
sequence both ways and concatenates (2 * units).

>>> l = get_layer("lstm"); p = l.resolve({"units": 8}, "l")
>>> l.infer_shape(p, (20, 3), "l"), l.param_count(p, (20, 3))
((8,), 416)
"""
from __future__ import annotations

from .base import Case, get_layer, register
from .recurrent_base import GATE_PARAM, SEQUENCE_CASES, RecurrentKind


@register
class LSTM(RecurrentKind):
    name = "lstm"
    cases = (
        *SEQUENCE_CASES,
        Case((5, 3), {"units": 4, "recurrent_activation": "hard_sigmoid", "bidirectional": True}, (8,)),
        Case((4, 2), {"units": 3, "recurrent_activation": "tanh", "return_sequences": True}, (4, 3)),
    )
    gates = 4
    torch_cls = "nn.LSTM"
    params = (*RecurrentKind.params, GATE_PARAM)
    summary = "Long short-term memory: gates decide what to remember and what to forget."
    explain = ("Besides its output it keeps a cell memory. Learned gates decide at every step what to forget, "
               "what to write and what to show, so it can carry information across long sequences.")
    latex = (r"c_t = f_t \odot c_{t-1} + i_t \odot \tanh(W_c x_t + U_c h_{t-1} + b_c),\ "
             r"h_t = o_t \odot \tanh(c_t)")

    def math(self, p, in_shape=None):
        return (r"\begin{aligned} i_t, f_t, o_t &= \sigma(W x_t + U h_{t-1} + b) \\ "
                r"c_t &= f_t \odot c_{t-1} + i_t \odot \tanh(W_c x_t + U_c h_{t-1} + b_c) \\ "
                rf"h_t &= o_t \odot \tanh(c_t),\ h_t \in \mathbb{{R}}^{{{p['units']}}} \end{{aligned}}")

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("LSTM",)


__all__ = ["LSTM", "get_layer"]
