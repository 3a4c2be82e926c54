"""simple_rnn, lstm, gru: read a sequence step by step, carrying a memory from step to step.

Input is a sequence (T, F): T steps of F features. As in Keras, the output is the last step's
state (units,) unless return_sequences gives every step (T, units); bidirectional reads the
sequence both ways and concatenates (2 * units).

>>> l = get_layer("lstm"); p = l.resolve({"units": 8}, "l")
>>> l.infer_shape(p, (20, 3), "l"), l.param_count(p, (20, 3))
((8,), 416)
"""
from __future__ import annotations

import math

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec.params import Param
from .base import LayerKind, from_code, get_layer, register
from .initializers import INIT_PARAMS, init_module


class _Recurrent(LayerKind):
    family = "recurrent"
    gates = 1
    torch_cls = "nn.RNN"
    params = (
        Param("units", "int", 32, "Size of the memory (the state) carried from step to step.", min=1, max=8192,
              description_de="Größe des Gedächtnisses (Zustand), das von Schritt zu Schritt getragen wird.",
              suggested=(16, 32, 64, 128)),
        Param("return_sequences", "bool", False, "Output every step (T, units) instead of only the last (units,).",
              description_de="Jeden Schritt ausgeben (T, units) statt nur den letzten (units,)."),
        Param("bidirectional", "bool", False, "Also read the sequence backwards; the output doubles in size.",
              expert=True, description_de="Die Folge auch rückwärts lesen; die Ausgabe wird doppelt so groß."),
        *INIT_PARAMS,
    )

    def infer_shape(self, p, in_shape, path):
        if len(in_shape) != 2:
            fixes = []
            if len(in_shape) == 1:
                fixes.append(Fix(msg("insert a reshape to ({steps}, 1) before it: one feature per step",
                                     steps=in_shape[0]),
                                 [{"op": "insert", "path": path,
                                   "value": {"type": "reshape", "target_shape": [in_shape[0], 1]}}]))
            elif len(in_shape) > 2:  # an image or volume: read it row by row
                rows = math.prod(in_shape[:-1])
                fixes.append(Fix(msg("insert a reshape to ({rows}, {features}) before it: one row per step",
                                     rows=rows, features=in_shape[-1]),
                                 [{"op": "insert", "path": path,
                                   "value": {"type": "reshape", "target_shape": [-1, in_shape[-1]]}}]))
            raise SpecError(path, msg("{name} needs a sequence of shape (steps, features)", name=self.name),
                            msg("input of shape {shape}", shape=tuple(in_shape)),
                            msg("reshape the input into (steps, features), or use an embedding layer on token ids"),
                            fixes)
        out = p["units"] * (2 if p["bidirectional"] else 1)
        return (in_shape[0], out) if p["return_sequences"] else (out,)

    def param_count(self, p, in_shape):
        h, f = p["units"], in_shape[-1]
        per_direction = self.gates * (h * f + h * h + 2 * h)  # torch keeps two biases (input and hidden)
        return per_direction * (2 if p["bidirectional"] else 1)

    def flops(self, p, in_shape, out_shape):
        # every step multiplies the input and the state into each gate, then ~8 element-wise ops per gate value
        h, f, steps = p["units"], in_shape[-1], in_shape[0]
        per_step = self.gates * (2 * (h * f + h * h) + 8 * h)
        return per_step * steps * (2 if p["bidirectional"] else 1)

    def activation_size(self, p, in_shape, out_shape):
        # the gates and the state of every step are kept for backpropagation through time
        return (self.gates + 1) * p["units"] * in_shape[0] * (2 if p["bidirectional"] else 1)

    def code(self, p, in_shape):
        gate, reset_after = p.get("recurrent_activation", "sigmoid"), p.get("reset_after", True)
        if gate != "sigmoid" or not reset_after:  # PyTorch's own RNNs have neither: the step-by-step version
            return (f"Recurrent(GatedRNN({self.name!r}, {in_shape[-1]}, {p['units']}, "
                    f"bidirectional={p['bidirectional']}, gate={gate!r}, reset_after={reset_after}), "
                    f"return_sequences={p['return_sequences']})")
        return (f"Recurrent({self.torch_cls}({in_shape[-1]}, {p['units']}, batch_first=True, "
                f"bidirectional={p['bidirectional']}), return_sequences={p['return_sequences']})")

    def build(self, p, in_shape):
        m = from_code(self.code(p, in_shape))
        init_module(m, p["kernel_initializer"], p["bias_initializer"])
        return m

    def activation_of(self, p):
        return None


@register
class SimpleRNN(_Recurrent):
    name = "simple_rnn"
    gates = 1
    torch_cls = "nn.RNN"
    summary = "A plain recurrent layer: new state = tanh(input and old state)."
    summary_de = "Eine einfache rekurrente Schicht: neuer Zustand = tanh(Eingabe und alter Zustand)."
    explain = ("At each step it mixes the new input with its memory of the steps before. Simple, but it forgets "
               "quickly: long sequences need lstm or gru.")
    explain_de = ("Bei jedem Schritt mischt sie die neue Eingabe mit ihrer Erinnerung an die vorigen Schritte. "
                  "Einfach, aber sie vergisst schnell: lange Folgen brauchen lstm oder gru.")
    latex = r"h_t = \tanh(W x_t + U h_{t-1} + b)"

    def math(self, p, in_shape=None):
        return rf"h_t = \tanh(W x_t + U h_{{t-1}} + b),\ h_t \in \mathbb{{R}}^{{{p['units']}}}"


GATE_PARAM = Param(
    "recurrent_activation", "choice", "sigmoid",
    "Function of the gates. sigmoid is PyTorch's (fastest); hard_sigmoid, min(1, max(0, 0.2x + 0.5)), is "
    "TF.js's default, for models from asanAI or TF.js.",
    choices=("sigmoid", "hard_sigmoid", "tanh", "relu", "linear"), expert=True,
    description_de="Funktion der Tore. sigmoid ist die von PyTorch (am schnellsten); hard_sigmoid, "
                   "min(1, max(0, 0,2x + 0,5)), ist die Vorgabe von TF.js, für Modelle aus asanAI oder TF.js.")


@register
class LSTM(_Recurrent):
    name = "lstm"
    gates = 4
    torch_cls = "nn.LSTM"
    params = (*_Recurrent.params, GATE_PARAM)
    summary = "Long short-term memory: gates decide what to remember and what to forget."
    summary_de = "Long Short-Term Memory: Tore entscheiden, was gemerkt und was vergessen wird."
    explain = ("Besides its output it keeps a cell memory. Learned gates decide at every step what to forget, "
               "what to write and what to show, so it can carry information across long sequences.")
    explain_de = ("Neben ihrer Ausgabe führt sie einen Zellspeicher. Gelernte Tore entscheiden bei jedem Schritt, "
                  "was vergessen, was geschrieben und was gezeigt wird, so trägt sie Information über lange Folgen.")
    latex = (r"c_t = f_t \odot c_{t-1} + i_t \odot \tanh(W_c x_t + U_c h_{t-1} + b_c),\ "
             r"h_t = o_t \odot \tanh(c_t)")

    def math(self, p, in_shape=None):
        return (r"\begin{aligned} i_t, f_t, o_t &= \sigma(W x_t + U h_{t-1} + b) \\ "
                r"c_t &= f_t \odot c_{t-1} + i_t \odot \tanh(W_c x_t + U_c h_{t-1} + b_c) \\ "
                rf"h_t &= o_t \odot \tanh(c_t),\ h_t \in \mathbb{{R}}^{{{p['units']}}} \end{{aligned}}")


@register
class GRU(_Recurrent):
    name = "gru"
    gates = 3
    torch_cls = "nn.GRU"
    params = (*_Recurrent.params, GATE_PARAM,
              Param("reset_after", "bool", True,
                    "Apply the reset gate after the recurrent weights (PyTorch's GRU) or before them "
                    "(TF.js's and Keras' reset_after=false).", expert=True,
                    description_de="Das Reset-Tor nach den rekurrenten Gewichten anwenden (GRU von PyTorch) "
                                   "oder davor (reset_after=false von TF.js und Keras)."))
    summary = "Gated recurrent unit: a lighter lstm with two gates."
    summary_de = "Gated Recurrent Unit: ein leichteres lstm mit zwei Toren."
    explain = ("An update gate decides how much of the old state to keep and a reset gate how much of it to use "
               "for the new candidate. It remembers nearly as well as lstm with fewer weights.")
    explain_de = ("Ein Update-Tor entscheidet, wie viel vom alten Zustand bleibt, ein Reset-Tor, wie viel davon "
                  "in den neuen Kandidaten eingeht. Sie merkt sich fast so gut wie lstm mit weniger Gewichten.")
    latex = r"h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}"

    def math(self, p, in_shape=None):
        return (r"\begin{aligned} z_t, r_t &= \sigma(W x_t + U h_{t-1} + b) \\ "
                r"n_t &= \tanh(W_n x_t + r_t \odot (U_n h_{t-1} + b_n)) \\ "
                rf"h_t &= (1 - z_t) \odot n_t + z_t \odot h_{{t-1}},\ h_t \in \mathbb{{R}}^{{{p['units']}}}"
                r" \end{aligned}")


__all__ = ["GRU", "LSTM", "SimpleRNN", "get_layer"]
