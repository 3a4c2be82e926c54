"""What simple_rnn, lstm and gru (one module each) share: they read a sequence step by step, carrying a memory
from step to step. The Recurrent and GatedRNN helpers, the RecurrentKind base (parameters, shape rule, costs,
code, TF.js adapters), the gate parameter of lstm and gru and the cases all three have.

Input is a sequence (T, F): T steps of F features. As in Keras, the output is the last step's
state (units,) unless return_sequences gives every step (T, units); bidirectional reads the
sequence both ways and concatenates (2 * units).

>>> l = get_layer("lstm"); p = l.resolve({"units": 8}, "l")
>>> l.infer_shape(p, (20, 3), "l"), l.param_count(p, (20, 3))
((8,), 416)
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec.params import Param
from .base import Case, LayerKind, from_code, get_layer
from .initializers import INIT_PARAMS, init_module
import numpy as np
from . import tfjs_support as T


class Recurrent(nn.Module):
    """A torch RNN/LSTM/GRU or GatedRNN (batch_first) that returns what Keras returns.

    return_sequences: every step's output (B, T, H*dirs); otherwise the final state of each
    direction, concatenated (B, H*dirs): the forward pass's last step and the backward pass's first.
    """

    def __init__(self, rnn: nn.Module, return_sequences: bool = False):
        super().__init__()
        self.rnn = rnn
        self.return_sequences = return_sequences

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, state = self.rnn(x)
        if self.return_sequences:
            return out
        h = state[0] if isinstance(state, tuple) else state  # LSTM state is (h, c)
        dirs = 2 if self.rnn.bidirectional else 1
        return torch.cat(list(h[-dirs:]), dim=1)


class GatedRNN(nn.Module):
    """An LSTM or GRU with a choice of gate function and, for GRU, of where the reset gate acts.

    PyTorch's nn.LSTM/nn.GRU fix both (sigmoid gates; GRU resets after the recurrent weights).
    TF.js and Keras models often use hard_sigmoid gates, min(1, max(0, 0.2 x + 0.5)), and TF.js's
    GRU resets before the recurrent weights (Keras' reset_after=False):
    n = tanh(W_n x + b_in + U_n (r * h) + b_hn). Weights and state follow nn.LSTM/nn.GRU
    (weight_ih_l0 with gates stacked as i, f, g, o or r, z, n; suffix _reverse backwards),
    so both read and write the same files. One step at a time in Python: slower than PyTorch's.
    """

    def __init__(self, kind: str, input_size: int, hidden_size: int, bidirectional: bool = False,
                 gate: str = "hard_sigmoid", reset_after: bool = True):
        super().__init__()
        self.kind, self.gate, self.reset_after = kind, gate, reset_after
        self.input_size, self.hidden_size, self.bidirectional = input_size, hidden_size, bidirectional
        self.num_layers, self.bias, self.batch_first = 1, True, True
        gates = 4 if kind == "lstm" else 3
        k = 1.0 / math.sqrt(hidden_size)
        for suffix in ("_l0", "_l0_reverse")[: 2 if bidirectional else 1]:
            for name, shape in (("weight_ih", (gates * hidden_size, input_size)),
                                ("weight_hh", (gates * hidden_size, hidden_size)),
                                ("bias_ih", (gates * hidden_size,)), ("bias_hh", (gates * hidden_size,))):
                self.register_parameter(name + suffix, nn.Parameter(torch.empty(shape).uniform_(-k, k)))

    def _gate(self, x: torch.Tensor) -> torch.Tensor:
        if self.gate == "hard_sigmoid":
            return (0.2 * x + 0.5).clamp(0.0, 1.0)
        if self.gate == "tanh":
            return torch.tanh(x)
        if self.gate == "relu":
            return torch.relu(x)
        if self.gate == "linear":
            return x
        return torch.sigmoid(x)

    def _direction(self, x: torch.Tensor, suffix: str) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        w_ih, w_hh = getattr(self, "weight_ih" + suffix), getattr(self, "weight_hh" + suffix)
        b_ih, b_hh = getattr(self, "bias_ih" + suffix), getattr(self, "bias_hh" + suffix)
        steps = range(x.shape[1] - 1, -1, -1) if suffix.endswith("reverse") else range(x.shape[1])
        h = x.new_zeros(x.shape[0], self.hidden_size)      # (B, H)
        c = x.new_zeros(x.shape[0], self.hidden_size)
        xw = x @ w_ih.T + b_ih                              # (B, T, gates * H), all steps at once
        outs = []
        for t in steps:
            if self.kind == "lstm":
                i, f, g, o = (xw[:, t] + h @ w_hh.T + b_hh).chunk(4, dim=1)
                c = self._gate(f) * c + self._gate(i) * torch.tanh(g)
                h = self._gate(o) * torch.tanh(c)
            else:
                x_r, x_z, x_n = xw[:, t].chunk(3, dim=1)
                u_r, u_z, u_n = w_hh.chunk(3, dim=0)
                b_r, b_z, b_n = b_hh.chunk(3, dim=0)
                r = self._gate(x_r + h @ u_r.T + b_r)
                z = self._gate(x_z + h @ u_z.T + b_z)
                if self.reset_after:
                    n = torch.tanh(x_n + r * (h @ u_n.T + b_n))
                else:
                    n = torch.tanh(x_n + (r * h) @ u_n.T + b_n)
                h = (1 - z) * n + z * h
            outs.append(h)
        if suffix.endswith("reverse"):
            outs.reverse()
        return torch.stack(outs, dim=1), (h, c)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        runs = [self._direction(x, "_l0")] + ([self._direction(x, "_l0_reverse")] if self.bidirectional else [])
        out = torch.cat([r[0] for r in runs], dim=2)        # (B, T, H * dirs)
        h = torch.stack([r[1][0] for r in runs])            # (dirs, B, H), like nn.GRU's final state
        return out, h


class RecurrentKind(LayerKind):
    family = "recurrent"
    gates = 1
    makes_sequence = True
    torch_cls = "nn.RNN"
    params = (
        Param("units", "int", 32, "Size of the memory (the state) carried from step to step.", min=1, max=8192,
              suggested=(16, 32, 64, 128)),
        Param("return_sequences", "bool", False, "Output every step (T, units) instead of only the last (units,)."),
        Param("bidirectional", "bool", False, "Also read the sequence backwards; the output doubles in size.",
              expert=True),
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

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    def tfjs_export(self, row, module, ctx):
        st, kind = T.state(module), self.name
        rnn = next(mod for mod in module.modules() if hasattr(mod, "hidden_size") and hasattr(mod, "num_layers"))
        if rnn.bidirectional or rnn.num_layers != 1:
            raise SpecError(row.path, msg("only single-layer, one-directional recurrent layers can be exported "
                                          "to TF.js"), kind,
                            msg("set bidirectional off and use one layer per spec entry"))
        gate = getattr(rnn, "gate", "sigmoid")
        if self.gates == 3 and getattr(rnn, "reset_after", True):
            raise SpecError(row.path, msg("layer kind {kind!r} cannot be exported to TF.js", kind=kind), kind,
                            GRU_RESET_AFTER)
        kernel, rec = T.find(st, "weight_ih_l0"), T.find(st, "weight_hh_l0")          # (gates * units, features)
        bias = (T.find(st, "bias_ih_l0") + T.find(st, "bias_hh_l0")) if rnn.bias else None
        if self.gates == 3:  # torch's gate order r, z, n -> Keras' z, r, h; reset before: one bias per gate suffices
            kernel, rec = _rzn_to_zrh(kernel), _rzn_to_zrh(rec)
            bias = None if bias is None else _rzn_to_zrh(bias)
        cfg = {"units": rnn.hidden_size, "return_sequences": bool(getattr(module, "return_sequences", False)),
               "use_bias": rnn.bias, "activation": "tanh"}
        if self.gates > 1:
            cfg["recurrent_activation"] = T.ACT_TO_TFJS[gate]  # always written: TF.js' default would be hard_sigmoid
        elif getattr(rnn, "nonlinearity", "tanh") == "relu":
            cfg["activation"] = "relu"
        ctx.b.add(self.keras_classes[0], cfg, T.with_bias({"kernel": kernel.T, "recurrent_kernel": rec.T}, bias))

    def tfjs_import(self, layer, ctx):
        """SimpleRNN, LSTM or GRU; TF.js' default gates (hard_sigmoid) and its GRU (reset before) included."""
        cls, c, w, where = layer.cls, layer.config, layer.weights, layer.where
        if c.get("go_backwards") or c.get("stateful") or c.get("return_state"):
            raise SpecError(where, msg("go_backwards, stateful or return_state recurrent layers cannot be imported"),
                            cls, msg("save the model without those options"))
        a = T.keras_act(c.get("activation"), where)
        if a != "tanh":
            raise SpecError(where, msg("{cls} with activation {act!r} has no LayerLab equivalent (it uses tanh)",
                                       cls=cls, act=a), a, msg("use activation 'tanh'"))
        spec = {"type": self.name, "units": int(c["units"]), "return_sequences": bool(c.get("return_sequences", False))}
        if self.gates > 1:
            raw = c.get("recurrent_activation", "hard_sigmoid")   # absent: TF.js' default
            gate = T.ACT_FROM_TFJS.get(raw, raw)
            if gate not in GATES:
                raise SpecError(where, msg("{cls} gates use recurrent_activation {act!r}, which LayerLab's {kind} has "
                                           "not", cls=cls, act=raw, kind=spec["type"]), raw,
                                msg("use one of: {listing}", listing=", ".join(GATES)))
            spec["recurrent_activation"] = gate
        kernel, rec = w["kernel"].T, w["recurrent_kernel"].T             # (gates * units, features), Keras' gate order
        bias = w.get("bias")
        zero = np.zeros(kernel.shape[0], np.float32)
        b_ih, b_hh = (zero, zero) if bias is None else (bias, zero)
        if self.gates == 3:
            reset_after = bool(c.get("reset_after", False))          # TF.js' GRU resets before (it has no such key)
            spec["reset_after"] = reset_after
            if bias is not None and bias.ndim == 2:                   # Keras' reset_after: input and recurrent bias
                b_ih, b_hh = bias[0], bias[1]
            kernel, rec, b_ih, b_hh = (_zrh_to_rzn(v) for v in (kernel, rec, b_ih, b_hh))  # Keras z, r, h -> r, z, n
        return spec, {"weight_ih_l0": kernel, "weight_hh_l0": rec, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh}

    def tfjs_reference(self, cls, c, w, xs):
        x = xs[0]
        units = int(c["units"])
        act = T.ref_act({"activation": c.get("activation", "tanh")})
        gate = T.ACTIVATIONS[c.get("recurrent_activation") or "hard_sigmoid"]  # TF.js' default
        h = torch.zeros(x.shape[0], units)
        cell = torch.zeros_like(h)
        steps = []
        for t in range(x.shape[1]):
            z = x[:, t] @ w["kernel"] + h @ w["recurrent_kernel"] + (w["bias"] if "bias" in w else 0.0)
            if self.gates == 4:                                      # Keras' gates: input, forget, cell, output
                i, f, g, o = z.split(units, dim=1)
                cell = gate(f) * cell + gate(i) * act(g)
                h = gate(o) * act(cell)
            elif self.gates == 3:                                    # TF.js: update, reset, then the reset state
                x_z, x_r, x_h = (x[:, t] @ w["kernel"] + (w["bias"] if "bias" in w else 0.0)).split(units, dim=1)
                u_z, u_r, u_h = w["recurrent_kernel"].split(units, dim=1)
                zg, r = gate(x_z + h @ u_z), gate(x_r + h @ u_r)
                h = zg * h + (1 - zg) * act(x_h + (r * h) @ u_h)
            else:
                h = act(z)
            steps.append(h)
        return torch.stack(steps, dim=1) if c.get("return_sequences") else h


# the conformance cases every recurrent kind has (lstm and gru add their own gate cases)
SEQUENCE_CASES = (
    Case((6, 3), {"units": 4}, (4,)),
    Case((5, 2), {"units": 3, "return_sequences": True}, (5, 3)),
    Case((4, 3), {"units": 2, "bidirectional": True}, (4,)),
    Case((4, 3),
         {"units": 2, "bidirectional": True, "return_sequences": True, "bias_initializer": "ones"},
         (4, 4)),
)

GATE_PARAM = Param(
    "recurrent_activation", "choice", "sigmoid",
    "Function of the gates. sigmoid is PyTorch's (fastest); hard_sigmoid, min(1, max(0, 0.2x + 0.5)), is "
    "TF.js's default, for models from asanAI or TF.js.",
    choices=("sigmoid", "hard_sigmoid", "tanh", "relu", "linear"), expert=True)

GATES = ("sigmoid", "hard_sigmoid", "tanh", "relu", "linear")  # the choices of lstm/gru's recurrent_activation
GRU_RESET_AFTER = msg("TF.js 4.22 only has a GRU that applies the reset gate before the recurrent weights; this "
                      "gru applies it after them (PyTorch's way), so the outputs would differ: set its reset_after "
                      "to false and train again, or export to ONNX")


def _rzn_to_zrh(v: np.ndarray) -> np.ndarray:
    r, z, n = np.split(v, 3, axis=0)
    return np.ascontiguousarray(np.concatenate([z, r, n], axis=0))


def _zrh_to_rzn(v: np.ndarray) -> np.ndarray:
    z, r, h = np.split(v, 3, axis=0)
    return np.ascontiguousarray(np.concatenate([r, z, h], axis=0))


__all__ = ["GATES", "GATE_PARAM", "GRU_RESET_AFTER", "SEQUENCE_CASES", "GatedRNN", "Recurrent", "RecurrentKind",
           "get_layer"]
