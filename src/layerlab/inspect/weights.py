"""Weights: conv kernels as images, weight and gradient histograms, and dead ReLU units.

The histograms, each sample's loss and the dead units are measured by engine/measure.py (the
training loop records them per epoch too); this module adds the kernels and names them for the views.

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

import torch
from torch import nn

from ..engine.measure import (dead_relu, gradient_histograms, histogram, loss_per_example,  # noqa: F401 - the views' names
                              weight_histograms)
from ..i18n import msg
from ..spec.errors import SpecError
from .trace import layers_of, types_of


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
