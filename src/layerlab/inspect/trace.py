"""Run a network layer by layer and keep what each spec layer produced.

Every view starts here: a LayerLab Network holds one module per spec layer in `.layers`,
so walking that list gives exactly one output per layer (the shapes `summary` infers).

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 3}, {"type": "dense", "units": 2,
...                      "activation": "softmax"}], (4,), seed=0)
>>> [tuple(o.shape) for o in trace(net, torch.zeros(5, 4))]
[(5, 3), (5, 2)]
"""
from __future__ import annotations

import contextlib
from typing import Any

import torch
from torch import nn

from ..i18n import msg
from ..layers.modules import Activated
from ..spec.errors import SpecError


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


def activations(net: nn.Module, x: torch.Tensor, layer: int, batch_size: int = 256,
                logits: bool = False) -> torch.Tensor:
    """One layer's outputs for many samples, computed in batches without gradients."""
    chunks = []
    with torch.no_grad():
        for i in range(0, x.shape[0], batch_size):
            chunks.append(trace(net, x[i:i + batch_size], logits=logits, upto=layer)[layer])
    return torch.cat(chunks) if chunks else torch.empty(0)


def predict(net: nn.Module, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """Logits of many samples in batches, without gradients: (N, outputs)."""
    with torch.no_grad():
        parts = [logits_of(net, x[i:i + batch_size]) for i in range(0, x.shape[0], batch_size)]
    return torch.cat(parts) if parts else torch.empty(0)


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
