"""Small torch modules that PyTorch lacks under the names LayerLab uses.

Generated scripts copy the source of the classes they use, so each class here must be
self-contained (torch and math only) and readable.
"""
from __future__ import annotations

import math

import torch
from torch import nn


class Snake(nn.Module):
    """Snake activation: x + sin^2(a x) / a, periodic yet monotone-ish (Ziyin et al. 2020)."""

    def __init__(self, alpha: float = 1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + torch.sin(self.alpha * x) ** 2 / self.alpha


class ThresholdedReLU(nn.Module):
    """x where x > theta, else 0."""

    def __init__(self, theta: float = 1.0):
        super().__init__()
        self.theta = theta

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.where(x > self.theta, x, torch.zeros_like(x))


class Exponential(nn.Module):
    """e^x."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.exp(x)


class HardSigmoid(nn.Module):
    """Keras' hard sigmoid: clip(0.2 x + 0.5, 0, 1)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


class Reshape(nn.Module):
    """Reshape each sample (the batch axis stays)."""

    def __init__(self, shape: tuple[int, ...]):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape((x.shape[0],) + self.shape)


class Permute(nn.Module):
    """Reorder the axes of each sample (1-based, the batch axis stays): Permute((2, 1)) swaps (T, F) to (F, T)."""

    def __init__(self, dims: tuple[int, ...]):
        super().__init__()
        self.dims = tuple(dims)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(0, *self.dims)


class GaussianNoise(nn.Module):
    """Adds N(0, stddev^2) noise while training; identity at inference."""

    def __init__(self, stddev: float):
        super().__init__()
        self.stddev = stddev

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and self.stddev > 0:
            return x + torch.randn_like(x) * self.stddev
        return x


class GaussianDropout(nn.Module):
    """Multiplies by N(1, rate/(1-rate)) noise while training; identity at inference."""

    def __init__(self, rate: float):
        super().__init__()
        self.rate = rate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and self.rate > 0:
            std = math.sqrt(self.rate / (1.0 - self.rate))
            return x * (1.0 + torch.randn_like(x) * std)
        return x


class GlobalPool(nn.Module):
    """Average or max over all positions, keeping one axis.

    keep='first': (B, C, ...) -> (B, C), for feature maps; keep='last': (B, ..., F) -> (B, F),
    for sequences of feature vectors (T, F).
    """

    def __init__(self, mode: str = "avg", keep: str = "first"):
        super().__init__()
        self.mode = mode
        self.keep = keep

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flat = x.flatten(2) if self.keep == "first" else x.flatten(1, -2).transpose(1, 2)  # (B, C, positions)
        return flat.mean(dim=2) if self.mode == "avg" else flat.amax(dim=2)


class SamePool(nn.Module):
    """Max or average pooling with Keras' 'same' padding: padded cells never count.

    Max pads with -inf; average divides by the number of real cells in each window.
    pads lists (left, right) per axis, last axis first, as torch.nn.functional.pad wants.
    """

    def __init__(self, mode: str, kernel_size: tuple[int, ...], stride: tuple[int, ...], pads: tuple[int, ...]):
        super().__init__()
        self.mode, self.kernel_size, self.stride, self.pads = mode, tuple(kernel_size), tuple(stride), tuple(pads)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dims = len(self.kernel_size)
        pool = getattr(nn.functional, f"{self.mode}_pool{dims}d")
        if self.mode == "max":
            return pool(nn.functional.pad(x, self.pads, value=float("-inf")), self.kernel_size, self.stride)
        ones = torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device)
        total = pool(nn.functional.pad(x, self.pads), self.kernel_size, self.stride)
        share = pool(nn.functional.pad(ones, self.pads), self.kernel_size, self.stride)  # real cells / window
        return total / share


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


class Residual(nn.Module):
    """y = f(x) + shortcut(x), shortcut an identity or a 1x1 projection when shapes differ."""

    def __init__(self, body: nn.Module, shortcut: nn.Module | None = None, activation: nn.Module | None = None):
        super().__init__()
        self.body = body
        self.shortcut = shortcut if shortcut is not None else nn.Identity()
        self.activation = activation if activation is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(self.body(x) + self.shortcut(x))


class Activated(nn.Module):
    """One spec layer: its core operation followed by its activation (identity if none).

    Keeping the pair in one module lets the engine train on logits (skip a final softmax),
    lets inspection record one output per spec layer, and carries regularisation weights.
    """

    def __init__(self, core: nn.Module, activation: nn.Module | None = None,
                 kernel_l1: float = 0.0, kernel_l2: float = 0.0, bias_l1: float = 0.0,
                 bias_l2: float = 0.0, activity_l1: float = 0.0, activity_l2: float = 0.0):
        super().__init__()
        self.core = core
        self.activation = activation if activation is not None else nn.Identity()
        self.reg = (kernel_l1, kernel_l2, bias_l1, bias_l2, activity_l1, activity_l2)
        self.activity_loss: torch.Tensor | None = None

    def forward(self, x: torch.Tensor, apply_activation: bool = True) -> torch.Tensor:
        y = self.core(x)
        if apply_activation:
            y = self.activation(y)
        a1, a2 = self.reg[4], self.reg[5]
        if self.training and (a1 or a2):
            self.activity_loss = a1 * y.abs().sum() / y.shape[0] + a2 * (y ** 2).sum() / y.shape[0]
        return y

    def penalty(self) -> torch.Tensor:
        """L1/L2 penalties on weights (names ending in 'weight' or 'bias') plus activity."""
        k1, k2, b1, b2, _, _ = self.reg
        total = torch.zeros(())
        for name, t in self.core.named_parameters():
            # 'bias', 'bias_ih_l0' (recurrent layers) are biases; everything else is a kernel
            l1, l2 = (b1, b2) if name.rsplit(".", 1)[-1].startswith("bias") else (k1, k2)
            if l1:
                total = total + l1 * t.abs().sum()
            if l2:
                total = total + l2 * (t ** 2).sum()
        if self.activity_loss is not None:
            total = total + self.activity_loss
        return total
