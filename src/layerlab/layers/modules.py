"""torch modules that several layer kinds share (Activated); each kind keeps its own helpers in its file.

Generated scripts copy the source of the classes they use (see `base.module_classes`), so each
helper class, here or in a kind's module, must be self-contained (torch and math only) and readable.
"""
from __future__ import annotations

import importlib
from typing import Any

import torch
from torch import nn

# helpers that lived here before each moved next to its layer kind: old imports keep working
_MOVED = {"Snake": "activations", "ThresholdedReLU": "activations", "Exponential": "activations",
          "HardSigmoid": "activations", "Reshape": "reshape", "Permute": "permute", "GaussianNoise": "noise_base",
          "GaussianDropout": "noise_base", "GlobalPool": "global_pool_base", "SamePool": "pool_base",
          "Recurrent": "recurrent_base", "GatedRNN": "recurrent_base", "Residual": "residual"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        return getattr(importlib.import_module(f"{__package__}.{_MOVED[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
