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
    """A torch RNN/LSTM/GRU (batch_first) that returns what Keras returns.

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
