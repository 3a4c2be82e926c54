"""Run a network layer by layer and keep what each spec layer produced.

Every view starts here: a LayerLab Network holds one module per spec layer in `.layers`,
so walking that list gives exactly one output per layer (the shapes `summary` infers).
The walk itself (trace, logits_of, predict, eval_mode) is engine/measure.py's, shared with the
training loop's per-epoch records; this module adds what the views ask of it.

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 3}, {"type": "dense", "units": 2,
...                      "activation": "softmax"}], (4,), seed=0)
>>> [tuple(o.shape) for o in trace(net, torch.zeros(5, 4))]
[(5, 3), (5, 2)]
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..engine.measure import eval_mode, layers_of, logits_of, predict, trace, types_of  # noqa: F401 - the views' names
from ..i18n import msg
from ..spec.errors import SpecError


def layer_index(net: nn.Module, layer: Any, path: str = "layer") -> int:
    """A layer position from an int (negative counts from the end) or a type name (its last one)."""
    n = len(layers_of(net))
    if isinstance(layer, str) and not layer.lstrip("-").isdigit():
        names = types_of(net)
        hits = [i for i, t in enumerate(names) if t == layer]
        if not hits:
            raise SpecError(path, msg("names no layer of this network"), layer,
                            msg("give a layer number 0..{last} or one of: {listing}", last=n - 1,
                                listing=", ".join(dict.fromkeys(names))))
        return hits[-1]
    try:
        i = int(layer)
    except (TypeError, ValueError):
        raise SpecError(path, msg("must be a layer number"), layer, msg("give a number from 0 to {last}", last=n - 1)) from None
    if not -n <= i < n:
        raise SpecError(path, msg("is not a layer of this network"), layer,
                        msg("give a number from 0 to {last} (or -1 for the last)", last=n - 1))
    return i % n


def activations(net: nn.Module, x: torch.Tensor, layer: int, batch_size: int = 256,
                logits: bool = False) -> torch.Tensor:
    """One layer's outputs for many samples, computed in batches without gradients."""
    chunks = []
    with torch.no_grad():
        for i in range(0, x.shape[0], batch_size):
            chunks.append(trace(net, x[i:i + batch_size], logits=logits, upto=layer)[layer])
    return torch.cat(chunks) if chunks else torch.empty(0)


def as_batch(x: torch.Tensor, input_shape: tuple[int, ...] | None, path: str = "input") -> torch.Tensor:
    """A float batch (B, *input_shape) from one sample or a batch; a SpecError when the shape is wrong."""
    x = torch.as_tensor(x)
    if x.dtype in (torch.float64, torch.float16, torch.bfloat16):
        x = x.float()  # integer inputs stay integers: they are token ids for an embedding layer
    if input_shape is None:
        return x if x.dim() > 1 else x.unsqueeze(0)
    shape = tuple(input_shape)
    if tuple(x.shape) == shape:
        return x.unsqueeze(0)
    if tuple(x.shape[1:]) == shape:
        return x
    raise SpecError(path, msg("does not fit the network's input of shape {shape}", shape=shape), tuple(x.shape),
                    msg("give one sample of that shape, or a batch (N, ...) of them"))


def need_numbers(x: torch.Tensor, what: str) -> None:
    """A SpecError when x holds token ids: there is no gradient with respect to a whole number.

    what names the method in words, as a msg(...) so that it reads German in German.
    """
    if not x.is_floating_point():
        raise SpecError("input", msg("{what} needs numeric inputs, and these are token ids", what=what), str(x.dtype),
                        msg("use the data flow, errors, embeddings or CKA views for token models"))


def input_shape_of(net: nn.Module) -> tuple[int, ...] | None:
    """The network's input shape without the batch, when it knows it."""
    s = getattr(net, "input_shape", None)
    return tuple(s) if s is not None else None
