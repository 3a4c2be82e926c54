"""Saliency: which input values the prediction depends on.

- vanilla gradients: |d score / d input|, the largest over channels per pixel;
- SmoothGrad: the same averaged over noisy copies of the input (less speckle);
- Grad-CAM: the last conv layer's maps weighted by their gradient, summed over channels,
  ReLU, upsampled to the input size; it needs a conv net.

Grad-CAM's classic form (Selvaraju et al. 2017, `weighting="mean"`) weights each channel by
its gradient averaged over positions. LayerLab's conv nets mostly end in flatten + dense,
where a class's weights differ by position and that average cancels out (a net that
classifies by where something is gets an empty map). The default `weighting="element"`
multiplies gradient and activation position by position (HiResCAM, Draelos & Carin 2020):
identical to the classic form up to scale for nets that end in global average pooling, and
exactly each position's share of the class score for nets that end in flatten + dense.

Each returns a map of the input's spatial shape, scaled so that its values sum to 1 per
sample (a distribution of "attention" one can overlay on the input).

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 2}], (3,), seed=0)
>>> vanilla(net, torch.ones(1, 3)).sum().item()
1.0
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..i18n import msg
from ..spec.errors import SpecError
from .trace import eval_mode, layer_index, logits_of, need_numbers, trace, types_of


def _targets(z: torch.Tensor, target: int | torch.Tensor | None) -> torch.Tensor:
    """Class index per sample: the predicted class unless given."""
    if target is None:
        return z.argmax(dim=1)
    t = torch.as_tensor(target, dtype=torch.long)
    return t.expand(z.shape[0]) if t.dim() == 0 else t


def _normalise(m: torch.Tensor) -> torch.Tensor:
    """Scale each sample's map to sum 1 (uniform where the map is all zero)."""
    flat = m.reshape(m.shape[0], -1)
    total = flat.sum(dim=1, keepdim=True)
    uniform = torch.full_like(flat, 1.0 / flat.shape[1])
    out = torch.where(total > 0, flat / total.clamp_min(1e-30), uniform)
    return out.reshape(m.shape)


def _spatial(g: torch.Tensor) -> torch.Tensor:
    """Collapse a gradient (B, *input_shape) to a map: max |g| over channels for images, |g| otherwise."""
    a = g.abs()
    return a.amax(dim=1) if a.dim() >= 4 else a                 # (B, H, W) for (B, C, H, W)


def input_gradient(net: nn.Module, x: torch.Tensor, target=None) -> torch.Tensor:
    """d score[target] / d x for a batch: (B, *input_shape)."""
    need_numbers(x, msg("saliency"))
    with eval_mode(net):
        xg = x.detach().clone().requires_grad_(True)
        z = logits_of(net, xg)                                   # (B, classes)
        t = _targets(z.detach(), target)
        score = z.gather(1, t[:, None]).sum()
        (g,) = torch.autograd.grad(score, xg)
    return g


def vanilla(net: nn.Module, x: torch.Tensor, target=None) -> torch.Tensor:
    """Vanilla-gradient saliency, normalised per sample: (B, H, W) for images, (B, *input_shape) else."""
    return _normalise(_spatial(input_gradient(net, x, target)))


def smoothgrad(net: nn.Module, x: torch.Tensor, target=None, samples: int = 25, noise: float = 0.15,
               seed: int = 0) -> torch.Tensor:
    """SmoothGrad: mean |gradient| over copies of x with Gaussian noise of std noise*(max-min)."""
    gen = torch.Generator().manual_seed(seed)
    if target is None:
        with eval_mode(net), torch.no_grad():
            target = logits_of(net, x).argmax(dim=1)            # the class of the clean input
    span = (x.amax() - x.amin()).clamp_min(1e-8)
    total = torch.zeros_like(x)
    for _ in range(samples):
        noisy = x + torch.randn(x.shape, generator=gen) * noise * span
        total += input_gradient(net, noisy, target).abs()
    return _normalise(_spatial(total / samples))


def cam_layer(net: nn.Module, layer=None) -> int:
    """The layer Grad-CAM explains: the given one, else the last with (C, H, W) output after a conv."""
    types = types_of(net)
    shapes = getattr(net, "shapes", None)
    convs = [i for i, t in enumerate(types) if t.startswith("conv") or "conv" in t]
    if layer is not None:
        i = layer_index(net, layer)
        if shapes is not None and len(shapes[i]) != 3:
            raise SpecError("layer", msg("Grad-CAM needs a layer whose output is feature maps (channels, height, width)"),
                            msg("layer {i} ({type}) with output {shape}", i=i, type=types[i], shape=tuple(shapes[i])),
                            msg("choose a conv or pooling layer"))
        return i
    if not convs:
        raise SpecError("model.layers", msg("Grad-CAM needs a convolutional network, and this one has no conv2d layer"),
                        ", ".join(types),
                        msg("use vanilla gradients or SmoothGrad (method 'vanilla' or 'smoothgrad') instead"))
    last = convs[0]
    for i in range(convs[0], len(types)):
        if shapes is None or len(shapes[i]) == 3:
            last = i
        else:
            break
    return last


def grad_cam(net: nn.Module, x: torch.Tensor, target=None, layer=None, weighting: str = "element") -> torch.Tensor:
    """Grad-CAM map at the input's size, normalised per sample: (B, H, W)."""
    if weighting not in ("element", "mean"):
        raise SpecError("weighting", msg("is not a Grad-CAM weighting"), weighting,
                        msg("use 'element' (position by position) or 'mean' (the classic channel average)"))
    if x.dim() != 4:
        raise SpecError("input", msg("Grad-CAM works on images (channels, height, width)"), tuple(x.shape[1:]),
                        msg("use vanilla gradients or SmoothGrad instead"))
    i = cam_layer(net, layer)
    with eval_mode(net):
        outs = trace(net, x.detach(), logits=True, keep_graph=True)
        maps, z = outs[i], outs[-1]                             # (B, C, h, w), (B, classes)
        t = _targets(z.detach(), target)
        score = z.gather(1, t[:, None]).sum()
        (g,) = torch.autograd.grad(score, maps)
    weights = g.mean(dim=(2, 3), keepdim=True) if weighting == "mean" else g  # (B, C, 1, 1) or (B, C, h, w)
    cam = F.relu((weights * maps.detach()).sum(dim=1, keepdim=True))  # (B, 1, h, w)
    cam = F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)[:, 0]  # (B, H, W)
    return _normalise(cam)


METHODS = {"vanilla": vanilla, "smoothgrad": smoothgrad, "grad_cam": grad_cam}


def saliency(net: nn.Module, x: torch.Tensor, method: str = "vanilla", target=None, **options) -> torch.Tensor:
    """One of the saliency methods by name."""
    if method not in METHODS:
        raise SpecError("method", msg("is not a saliency method"), method, msg("use one of: {listing}", listing=", ".join(METHODS)))
    return METHODS[method](net, x, target, **options)
