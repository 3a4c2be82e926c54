"""gru: gated recurrent unit, a lighter lstm with an update and a reset gate.

>>> g = get_layer("gru"); p = g.resolve({"units": 4, "reset_after": False}, "l")
>>> g.infer_shape(p, (5, 3), "l"), g.param_count(p, (5, 3))
((4,), 108)
"""
from __future__ import annotations

from ..spec.params import Param
from .base import Case, get_layer, register
from .recurrent_base import GATE_PARAM, GRU_RESET_AFTER, SEQUENCE_CASES, RecurrentKind


@register
class GRU(RecurrentKind):
    name = "gru"
    cases = (
        *SEQUENCE_CASES,
        Case((5, 3), {"units": 4, "reset_after": False, "return_sequences": True}, (5, 4)),
        Case((4, 2),
             {"units": 3, "recurrent_activation": "hard_sigmoid", "reset_after": False, "bidirectional": True},
             (6,)),
    )
    gates = 3
    torch_cls = "nn.GRU"
    params = (*RecurrentKind.params, GATE_PARAM,
              Param("reset_after", "bool", True,
                    "Apply the reset gate after the recurrent weights (PyTorch's GRU) or before them "
                    "(TF.js's and Keras' reset_after=false).", expert=True))
    summary = "Gated recurrent unit: a lighter lstm with two gates."
    explain = ("An update gate decides how much of the old state to keep and a reset gate how much of it to use "
               "for the new candidate. It remembers nearly as well as lstm with fewer weights.")
    latex = r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}"

    def math(self, p, in_shape=None):
        return (r"\begin{aligned} z_t, r_t &= \sigma(W x_t + U h_{t-1} + b) \\ "
                r"n_t &= \tanh(W_n x_t + r_t \odot (U_n h_{t-1} + b_n)) \\ "
                rf"h_t &= (1 - z_t) \odot n_t + z_t \odot h_{{t-1}},\ h_t \in \mathbb{{R}}^{{{p['units']}}}"
                r" \end{aligned}")

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("GRU",)

    def tfjs_refusal(self, layer, refusal):
        return GRU_RESET_AFTER if layer.get("reset_after", True) else None


__all__ = ["GRU", "get_layer"]
