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
    """Average or max over every axis after the channel axis: (B, C, ...) -> (B, C)."""

    def __init__(self, mode: str = "avg"):
        super().__init__()
        self.mode = mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flat = x.flatten(2)
        return flat.mean(dim=2) if self.mode == "avg" else flat.amax(dim=2)


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
            l1, l2 = (b1, b2) if name.endswith("bias") else (k1, k2)
            if l1:
                total = total + l1 * t.abs().sum()
            if l2:
                total = total + l2 * (t ** 2).sum()
        if self.activity_loss is not None:
            total = total + self.activity_loss
        return total
