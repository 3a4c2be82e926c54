"""A residual block's shortcut branch from TF.js, held to the shortcut LayerLab's residual layer builds.

LayerLab does not store a shortcut: its residual block adds the input unchanged when the body
keeps the shape, and otherwise projects it - a linear map on the last axis for features and
sequences, a 1x1 convolution whose strides follow the body's shrinking for feature maps
(layers/residual.py). A TF.js shortcut is imported when it computes exactly that: its
Permute layers only move the channel axis, and its one Dense or 1x1 Conv layer (if any) works
on the axis LayerLab's projection works on, with the same strides. Its weights become the
projection's; a projection without a bias gets a zero one.

>>> plan([], cl=False, rank=1, where=str)
Shortcut(op=None, cl_at_op=False, cl_end=False)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch

from ..i18n import msg
from ..layers.base import from_code
from ..layers.residual import projection
from ..spec.errors import SpecError
from ..layers.tfjs_support import ints, permute_dims


@dataclass
class Shortcut:
    """The projection layer of a shortcut branch (None: the input itself) and the layout around it."""

    op: dict[str, Any] | None
    cl_at_op: bool     # whether TF.js holds LayerLab's tensor channels-last where the projection reads it
    cl_end: bool       # ... and where the branch reaches the Add


def plan(items: list[dict[str, Any]], cl: bool, rank: int, where: Callable[[dict[str, Any]], str]) -> Shortcut:
    """Follow the layout through a shortcut branch that leaves the block's input held as `cl` says."""
    op, cl_at_op = None, cl
    for layer in items:
        if layer["class_name"] != "Permute":
            op, cl_at_op = layer, cl
            continue
        dims = [int(d) for d in layer["config"].get("dims", [])]
        if rank < 2 or dims != permute_dims(rank, to_last=not cl):
            raise SpecError(where(layer), msg("a shortcut's Permute may only move the channel axis last or first"),
                            dims, msg("use dims {dims}, or no Permute in the shortcut",
                                      dims=permute_dims(rank, to_last=not cl) if rank >= 2 else []))
        cl = not cl
    return Shortcut(op, cl_at_op, cl)


def tensors(sc: Shortcut, in_shape: tuple[int, ...], out_shape: tuple[int, ...], weights: dict[str, np.ndarray],
            where: Callable[[dict[str, Any]], str], block_where: str) -> dict[str, np.ndarray]:
    """The weights of LayerLab's projection for a block from in_shape to out_shape, taken from sc."""
    try:
        code = projection(in_shape, out_shape, block_where)
    except SpecError as e:
        raise SpecError(block_where, msg("does not fit LayerLab's rules: {reason}", reason=e.message), e.received,
                        e.hint) from None
    op = sc.op
    if code is None:
        if op is not None:
            raise SpecError(where(op), msg("the shortcut has a {cls} layer although the block keeps the shape; "
                                           "LayerLab's residual block then adds its input unchanged",
                                           cls=op["class_name"]), op["class_name"],
                            msg("remove the shortcut's {cls} layer", cls=op["class_name"]))
        return {}
    module = from_code(code)
    rank, mat, strides = len(in_shape), None, [1] * (len(in_shape) - 1)
    if op is not None:
        kernel = weights["kernel"]                                   # Dense: (in, out); Conv: (*k, in, out)
        if op["class_name"] == "Dense" or set(kernel.shape[:-2]) == {1}:
            mat = kernel.reshape(kernel.shape[-2:])
        if op["class_name"] != "Dense":
            strides = ints(op["config"].get("strides", 1), rank - 1)
    sizes = (module.in_features, module.out_features) if isinstance(module, torch.nn.Linear) else \
        (module.in_channels, module.out_channels)
    fits = mat is not None and mat.shape == sizes
    if isinstance(module, torch.nn.Linear):   # LayerLab's last axis: TF.js must hold the tensor as LayerLab does
        fits = fits and (rank == 1 or not sc.cl_at_op) and set(strides) <= {1}
    else:                                     # LayerLab's first axis as channels: TF.js' last one
        fits = fits and sc.cl_at_op and all(s == mine or m == 1 for s, mine, m in zip(strides, module.stride,
                                                                                      out_shape[1:]))
    if op is None or not fits:
        raise SpecError(where(op) if op else block_where,
                        msg("the shortcut does not compute what LayerLab's shortcut for this block computes ({code})",
                            code=code), op["class_name"] if op else msg("the input itself"),
                        msg("LayerLab projects a shortcut with a linear map on the last axis for features and "
                            "sequences, and with a 1x1 convolution (strides as the body shrinks the size) for "
                            "feature maps"))
    weight = mat.T.reshape(module.weight.shape)
    bias = weights.get("bias", np.zeros(weight.shape[0], np.float32))
    return {"weight": np.ascontiguousarray(weight), "bias": bias}
