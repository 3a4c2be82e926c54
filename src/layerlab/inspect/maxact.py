"""Maximum activation: the samples that excite one unit most, and an input made for it.

A unit is one value of a flat layer or one channel of a conv layer (its mean over
positions, or the max with reduce='max'). The synthesised input starts from faint noise
and climbs the unit's activation by gradient ascent; L2 decay, a small random jitter
(shift) and a periodic blur keep it from turning into high-frequency noise. For the last
layer the unit is a class score before the final softmax/sigmoid: a probability saturates
at 1 and stops the climb, and it also rises by pushing the other classes down.

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 2, "activation": "softmax"}], (3,), seed=0)
>>> x = torch.randn(20, 3)
>>> top = top_samples(net, x, layer=0, unit=1, k=3)
>>> top.indices == torch.argsort(net.logits(x)[:, 1].detach(), descending=True)[:3].tolist()
True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..i18n import msg
from ..spec.errors import SpecError
from .trace import activations, eval_mode, input_shape_of, layer_index, trace, types_of


def unit_scores(acts: torch.Tensor, unit: int, reduce: str = "mean") -> torch.Tensor:
    """One unit's activation per sample (N,) from a layer's outputs (N, units, ...)."""
    if not 0 <= unit < acts.shape[1]:
        raise SpecError("unit", msg("this layer has {n} units", n=acts.shape[1]), unit,
                        msg("give a unit from 0 to {last}", last=acts.shape[1] - 1))
    a = acts[:, unit].reshape(acts.shape[0], -1)                # (N, positions)
    if reduce == "mean":
        return a.mean(dim=1)
    if reduce == "max":
        return a.amax(dim=1)
    raise SpecError("reduce", msg("is not a way to reduce a channel"), reduce, msg("use 'mean' or 'max'"))


@dataclass
class TopSamples:
    """The k samples (indices into the given x) with the highest activation, best first."""

    layer: int
    unit: int
    indices: list[int]
    scores: list[float]
    all_scores: torch.Tensor = field(repr=False)  # (N,) the recorded activations

    def to_dict(self) -> dict[str, Any]:
        return {"layer": self.layer, "unit": self.unit, "indices": self.indices, "scores": self.scores}


def top_samples(net: nn.Module, x: torch.Tensor, layer=-1, unit: int = 0, k: int = 9,
                reduce: str = "mean") -> TopSamples:
    """The samples of x that activate a unit most: the arg-max of its recorded activations."""
    i = layer_index(net, layer)
    with eval_mode(net):
        scores = unit_scores(activations(net, x, i, logits=True), unit, reduce)  # (N,)
    order = torch.argsort(scores, descending=True, stable=True)[:k]
    return TopSamples(i, unit, order.tolist(), scores[order].tolist(), scores)


# layers whose units are features the network learned (not copies, masks or the output)
FEATURE_LAYERS = ("dense", "conv1d", "conv2d", "conv3d", "separable_conv2d", "depthwise_conv2d", "conv2d_transpose",
                  "lstm", "gru", "simple_rnn", "embedding")


def default_layer(net: nn.Module) -> int:
    """The layer a learner looks at first: the last conv layer of a conv net, else the last
    hidden layer that learns features (dense, recurrent), else the output layer.

    >>> from layerlab.engine.build import build_network
    >>> net = build_network([{"type": "dense", "units": 8}, {"type": "dropout", "rate": 0.2},
    ...                      {"type": "dense", "units": 2, "activation": "softmax"}], (3,), seed=0)
    >>> default_layer(net)
    0
    """
    types = types_of(net)
    hidden = list(range(len(types) - 1))
    convs = [i for i in hidden if "conv" in types[i]]
    if convs:
        return convs[-1]
    learned = [i for i in hidden if types[i] in FEATURE_LAYERS]
    return learned[-1] if learned else len(types) - 1


def alive_unit(net: nn.Module, x: torch.Tensor, layer: int, reduce: str = "mean") -> int:
    """The unit of a layer that varies most over the samples x (a dead ReLU unit never does)."""
    with eval_mode(net):
        acts = activations(net, x, layer, logits=True)          # (N, units, ...)
    if acts.dim() < 2 or acts.shape[0] == 0:
        return 0
    per_unit = acts.reshape(acts.shape[0], acts.shape[1], -1)
    scores = per_unit.mean(dim=2) if reduce == "mean" else per_unit.amax(dim=2)  # (N, units)
    spread = scores.std(dim=0) if scores.shape[0] > 1 else scores.abs()[0]
    return int(torch.nan_to_num(spread, nan=0.0).argmax())


def _blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur over the spatial axes of (1, C, H, W); other ranks are returned unchanged."""
    if x.dim() != 4 or sigma <= 0:
        return x
    r = max(1, int(round(2 * sigma)))
    t = torch.arange(-r, r + 1, dtype=x.dtype)
    k = torch.exp(-(t ** 2) / (2 * sigma ** 2))
    k = k / k.sum()
    c = x.shape[1]
    x = F.conv2d(F.pad(x, (r, r, 0, 0), mode="replicate"), k.view(1, 1, 1, -1).repeat(c, 1, 1, 1), groups=c)
    return F.conv2d(F.pad(x, (0, 0, r, r), mode="replicate"), k.view(1, 1, -1, 1).repeat(c, 1, 1, 1), groups=c)


@dataclass
class Synthesis:
    """An input made by gradient ascent, and the unit's activation along the way."""

    layer: int
    unit: int
    input: torch.Tensor          # (*input_shape)
    trajectory: list[float]      # the unit's activation every step

    def to_dict(self) -> dict[str, Any]:
        return {"layer": self.layer, "unit": self.unit, "start": self.trajectory[0], "end": self.trajectory[-1],
                "trajectory": self.trajectory, "input": torch.round(self.input, decimals=4).tolist()}


def synthesize(net: nn.Module, layer=-1, unit: int = 0, steps: int = 128, lr: float = 0.05,
               l2: float = 1e-3, blur: float = 0.5, blur_every: int = 4, jitter: int = 1,
               seed: int = 0, reduce: str = "mean") -> Synthesis:
    """Gradient ascent on the input for one unit, regularised by L2 decay, jitter and blur."""
    shape = input_shape_of(net)
    if shape is None:
        raise SpecError("model", msg("the network does not say its input shape"), None,
                        msg("build it with project.build()"))
    i = layer_index(net, layer)
    if getattr(net, "types", None) and net.types[0] == "embedding":
        raise SpecError("model", msg("an input cannot be synthesised for a token model (its inputs are whole numbers)"),
                        net.types[0], msg("look at the top samples of the unit instead (max_activation with steps=0)"))
    gen = torch.Generator().manual_seed(seed)
    x = (torch.randn((1, *shape), generator=gen) * 0.01).requires_grad_(True)  # (1, *input_shape)
    opt = torch.optim.Adam([x], lr=lr)
    spatial = x.dim() >= 4
    trajectory = []
    with eval_mode(net):
        for step in range(steps + 1):
            xin = x
            if spatial and jitter > 0:
                dy, dx = torch.randint(-jitter, jitter + 1, (2,), generator=gen).tolist()
                xin = torch.roll(x, shifts=(dy, dx), dims=(2, 3))  # robustness to small shifts
            act = unit_scores(trace(net, xin, logits=True, keep_graph=True, upto=i)[i], unit, reduce)[0]
            trajectory.append(float(act.detach()))
            if step == steps:
                break
            opt.zero_grad()
            (-(act) + l2 * (x ** 2).sum()).backward()
            opt.step()
            if spatial and blur_every and (step + 1) % blur_every == 0:
                with torch.no_grad():
                    x.copy_(_blur(x, blur))
    with eval_mode(net), torch.no_grad():
        final = float(unit_scores(trace(net, x.detach(), logits=True, upto=i)[i], unit, reduce)[0])
    trajectory[-1] = final  # the activation of the returned input itself (no jitter)
    return Synthesis(i, unit, x.detach()[0], trajectory)
