"""Weights: conv kernels as images, weight and gradient histograms, and dead ReLU units.

A ReLU unit is dead on a dataset when it outputs zero for every sample (for a conv layer:
a channel that is zero at every position of every sample); it then gets no gradient and
cannot recover. The fraction is measured exactly on the samples given.

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 4}], (2,), seed=0)
>>> with torch.no_grad(): _ = net.layers[0].core.bias.copy_(torch.tensor([-9., -9., 1., 1.]))
>>> with torch.no_grad(): _ = net.layers[0].core.weight.zero_()
>>> dead_relu(net, torch.randn(10, 2))[0].dead_units
[0, 1]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..i18n import msg
from ..layers.modules import Activated
from ..spec.errors import SpecError
from .trace import eval_mode, layers_of, logits_of, trace, types_of

RELUS = (nn.ReLU, nn.ReLU6)


def _conv_of(module: nn.Module) -> nn.Module | None:
    """The convolution inside a spec layer's module (it may sit behind padding)."""
    return next((m for m in module.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d))), None)


def conv_kernels(net: nn.Module) -> dict[int, torch.Tensor]:
    """Each conv layer's kernels as images: {layer index: (filters, in_channels, *kernel)}."""
    out = {}
    for i, layer in enumerate(layers_of(net)):
        conv = _conv_of(layer)
        if conv is not None:
            out[i] = conv.weight.detach().clone()
    if not out:
        raise SpecError("model.layers", msg("this network has no convolution layers, so there are no kernels to show"),
                        ", ".join(types_of(net)), msg("look at the weight histograms instead (view 'weights')"))
    return out


@dataclass
class Histogram:
    """Counts of values in equal bins between edges[0] and edges[-1]."""

    counts: list[int]
    edges: list[float]
    mean: float
    std: float

    def to_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "edges": self.edges, "mean": self.mean, "std": self.std}


def histogram(t: torch.Tensor, bins: int = 30) -> Histogram:
    """A histogram of every value of t."""
    v = t.detach().flatten().double()
    lo, hi = (float(v.min()), float(v.max())) if v.numel() else (0.0, 0.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5  # one value: a bin around it
    counts = torch.histc(v, bins=bins, min=lo, max=hi)
    edges = torch.linspace(lo, hi, bins + 1)
    std = float(v.std()) if v.numel() > 1 else 0.0
    return Histogram([int(c) for c in counts.tolist()], [round(float(e), 6) for e in edges],
                     float(v.mean()) if v.numel() else 0.0, std)


def weight_histograms(net: nn.Module, bins: int = 30) -> dict[str, Histogram]:
    """A histogram per parameter tensor, keyed 'layer index/type/name' (e.g. '0/dense/weight')."""
    types = types_of(net)
    out = {}
    for i, layer in enumerate(layers_of(net)):
        for name, p in layer.named_parameters():
            out[f"{i}/{types[i]}/{name.split('.')[-1]}"] = histogram(p, bins)
    return out


def loss_per_example(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Loss of each sample (B,): cross-entropy for class indices, squared error for targets."""
    z = logits_of(net, x)                                        # (B, outputs)
    if y.dtype in (torch.int64, torch.int32, torch.int16, torch.uint8):
        if getattr(net, "output_activation", None) == "sigmoid" and z.shape[-1] == 1:
            return F.binary_cross_entropy_with_logits(z[:, 0], y.float(), reduction="none")
        return F.cross_entropy(z, y.long(), reduction="none")
    return ((z - y.reshape(z.shape)) ** 2).reshape(z.shape[0], -1).mean(dim=1)


def gradient_histograms(net: nn.Module, x: torch.Tensor, y: torch.Tensor, bins: int = 30) -> dict[str, Histogram]:
    """Histograms of the loss gradient of every parameter on one batch (the network is not changed)."""
    params = [p for p in net.parameters() if p.requires_grad]
    with eval_mode(net):
        loss = loss_per_example(net, x, y).mean()
        grads = torch.autograd.grad(loss, params, allow_unused=True)
    by_id = {id(p): g for p, g in zip(params, grads)}
    types = types_of(net)
    out = {}
    for i, layer in enumerate(layers_of(net)):
        for name, p in layer.named_parameters():
            g = by_id.get(id(p))
            out[f"{i}/{types[i]}/{name.split('.')[-1]}"] = histogram(g if g is not None else torch.zeros_like(p), bins)
    return out


@dataclass
class DeadUnits:
    """Dead ReLU units of one layer."""

    index: int
    type: str
    units: int
    dead_units: list[int] = field(default_factory=list)

    @property
    def fraction(self) -> float:
        return len(self.dead_units) / self.units if self.units else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "type": self.type, "units": self.units,
                "dead": len(self.dead_units), "fraction": self.fraction, "dead_units": self.dead_units}


def dead_relu(net: nn.Module, x: torch.Tensor, batch_size: int = 256) -> list[DeadUnits]:
    """For every layer ending in ReLU: which units (channels) output zero for all samples of x."""
    layers = layers_of(net)
    relu_layers = [i for i, m in enumerate(layers) if isinstance(m, Activated) and isinstance(m.activation, RELUS)]
    if not relu_layers:
        return []
    alive: dict[int, torch.Tensor] = {}
    with eval_mode(net), torch.no_grad():
        for s in range(0, x.shape[0], batch_size):
            outs = trace(net, x[s:s + batch_size], upto=relu_layers[-1])
            for i in relu_layers:
                o = outs[i]                                      # (B, units, ...)
                fired = (o > 0).reshape(o.shape[0], o.shape[1], -1).any(dim=2).any(dim=0)  # (units,)
                alive[i] = fired if i not in alive else alive[i] | fired
    types = types_of(net)
    return [DeadUnits(i, types[i], int(alive[i].numel()), torch.nonzero(~alive[i]).flatten().tolist())
            for i in relu_layers]
