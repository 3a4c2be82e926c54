"""Measuring a network without changing it: its walk layer by layer, its logits, each sample's loss,
histograms of weights and gradients, and dead ReLU units.

The training loop records these after an epoch (engine/recording.py), and the inspect views
build on them (inspect/trace.py, inspect/weights.py), so they live here, below both.
A LayerLab Network holds one module per spec layer in `.layers`; walking that list gives
exactly one output per layer.

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 4}], (2,), seed=0)
>>> with torch.no_grad(): _ = net.layers[0].core.bias.copy_(torch.tensor([-9., -9., 1., 1.]))
>>> with torch.no_grad(): _ = net.layers[0].core.weight.zero_()
>>> dead_relu(net, torch.randn(10, 2))[0].dead_units
[0, 1]
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..i18n import msg
from ..layers.modules import Activated
from ..spec.errors import SpecError


RELUS = (nn.ReLU, nn.ReLU6)


class eval_mode:
    """Context manager: the network in eval mode (no dropout noise), restored afterwards."""

    def __init__(self, net: nn.Module):
        self.net = net

    def __enter__(self) -> nn.Module:
        self.was = self.net.training
        self.net.eval()
        return self.net

    def __exit__(self, *exc) -> None:
        self.net.train(self.was)


def layers_of(net: nn.Module) -> list[nn.Module]:
    """The per-spec-layer modules of a network, or a SpecError for a module without them."""
    layers = getattr(net, "layers", None)
    if not isinstance(layers, (nn.ModuleList, list)):
        raise SpecError("model", msg("inspection needs a LayerLab network (one module per spec layer)"),
                        type(net).__name__, msg("build it with project.build() or load a run with project.load_run()"))
    return list(layers)


def types_of(net: nn.Module) -> list[str]:
    """The spec type name of each layer ('layer' where the network does not say)."""
    types = getattr(net, "types", None)
    return list(types) if types else ["layer"] * len(layers_of(net))


def _is_final_squash(net: nn.Module, i: int, n: int, layer: nn.Module) -> bool:
    """Whether layer i is the last one and ends in the softmax/sigmoid that `logits` skips."""
    return i == n - 1 and getattr(net, "output_activation", None) is not None and isinstance(layer, Activated)


def trace(net: nn.Module, x: torch.Tensor, logits: bool = False, keep_graph: bool = False,
          upto: int | None = None) -> list[torch.Tensor]:
    """Each layer's output for a batch x (B, *input_shape); the last is logits when asked.

    With keep_graph the outputs stay in the autograd graph (and retain their gradients), so
    a caller can backpropagate to any layer; otherwise nothing is tracked.
    """
    layers = layers_of(net)
    n = len(layers)
    last = n - 1 if upto is None else upto
    outs: list[torch.Tensor] = []
    with torch.enable_grad() if keep_graph else contextlib.nullcontext():
        h = x
        for i, layer in enumerate(layers[: last + 1]):
            if logits and _is_final_squash(net, i, n, layer):
                h = layer(h, apply_activation=False)
            else:
                h = layer(h)
            if keep_graph and h.requires_grad:
                h.retain_grad()
            outs.append(h)
    return outs


def logits_of(net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Scores before a final softmax/sigmoid: (B, *output_shape)."""
    if hasattr(net, "logits"):
        return net.logits(x)
    return net(x)


def predict(net: nn.Module, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """Logits of many samples in batches, without gradients: (N, outputs)."""
    with torch.no_grad():
        parts = [logits_of(net, x[i:i + batch_size]) for i in range(0, x.shape[0], batch_size)]
    return torch.cat(parts) if parts else torch.empty(0)


def loss_per_example(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Loss of each sample (B,): cross-entropy for class indices, squared error for targets."""
    z = logits_of(net, x)                                        # (B, outputs)
    if y.dtype in (torch.int64, torch.int32, torch.int16, torch.uint8):
        if getattr(net, "output_activation", None) == "sigmoid" and z.shape[-1] == 1:
            return F.binary_cross_entropy_with_logits(z[:, 0], y.float(), reduction="none")
        return F.cross_entropy(z, y.long(), reduction="none")
    return ((z - y.reshape(z.shape)) ** 2).reshape(z.shape[0], -1).mean(dim=1)


def losses(net: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """Each sample's loss (N,), in batches, without gradients."""
    with eval_mode(net), torch.no_grad():
        parts = [loss_per_example(net, x[s:s + batch_size], y[s:s + batch_size]) for s in range(0, x.shape[0], batch_size)]
    return torch.cat(parts) if parts else torch.empty(0)


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
