"""Embeddings: any layer's activations placed in 2-D by PCA, coloured by class.

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 5}, {"type": "dense", "units": 2}], (3,), seed=0)
>>> embedding(net, torch.randn(10, 3), layer=0).coords.shape
(10, 2)
"""
from __future__ import annotations

import torch
from torch import nn

from .surface import Projection, _classes_of, pca2
from .trace import activations, eval_mode, layer_index, predict


def embedding(net: nn.Module, x: torch.Tensor, layer=-2, y: torch.Tensor | None = None) -> Projection:
    """PCA of one layer's outputs for the samples x, with labels and predicted classes."""
    i = layer_index(net, layer)
    with eval_mode(net):
        acts = activations(net, x, i)                           # (N, *layer_shape)
        pred = _classes_of(predict(net, x).reshape(x.shape[0], -1))
    coords, explained = pca2(acts)
    labels = y.tolist() if y is not None and y.dtype == torch.int64 else None
    return Projection(coords, pred.tolist(), labels, explained)
