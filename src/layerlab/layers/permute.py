"""permute: reorder the axes of each sample, e.g. a sequence (steps, features) into (features, steps).

Axes count from 1 as in Keras (the batch is axis 0 and stays). Sequences from embedding and
recurrent layers are (T, F), while conv1d and the 1-D pools read channels first (C, L):
permute [2, 1] turns one into the other.

>>> p = get_layer("permute"); prm = p.resolve({"dims": [2, 1]}, "l")
>>> p.infer_shape(prm, (10, 16), "l")
(16, 10)
"""
from __future__ import annotations

import torch
from torch import nn

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec.params import Param
from .base import Case, LayerKind, from_code, get_layer, register
from . import tfjs_support as T


class Permute(nn.Module):
    """Reorder the axes of each sample (1-based, the batch axis stays): Permute((2, 1)) swaps (T, F) to (F, T)."""

    def __init__(self, dims: tuple[int, ...]):
        super().__init__()
        self.dims = tuple(dims)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(0, *self.dims)


@register
class PermuteLayer(LayerKind):
    name = "permute"
    cases = (
        Case((4, 6), {}, (6, 4)),
        Case((2, 3, 4), {"dims": [3, 1, 2]}, (4, 2, 3)),
        Case((5,), {"dims": [1]}, (5,)),
    )
    family = "reshape"
    transparent = True
    params = (
        Param("dims", "ints", (2, 1), "New order of the axes, counted from 1 (the batch stays first).", min=1),
    )
    summary = "Reorders the axes, e.g. (steps, features) into (features, steps)."
    explain = ("The values stay the same; only the order of the axes changes, like turning a table on its side. "
               "conv1d wants channels first, recurrent layers give steps first: permute connects them.")
    latex = r"y_{i_{\pi(1)}, \dots} = x_{i_1, \dots}"

    def infer_shape(self, p, in_shape, path):
        dims = list(p["dims"])
        rank = len(in_shape)
        if sorted(dims) != list(range(1, rank + 1)):
            default = list(range(rank, 0, -1))
            raise SpecError(f"{path}.dims", msg("must list each axis 1..{rank} exactly once for an input of shape "
                                                "{shape}", rank=rank, shape=tuple(in_shape)),
                            dims, msg("use e.g. {example} (reversed)", example=default),
                            [Fix(msg("use {value!r}", value=default),
                                 [{"op": "set", "path": f"{path}.dims", "value": default}])])
        return tuple(in_shape[d - 1] for d in dims)

    def param_count(self, p, in_shape):
        return 0

    def code(self, p, in_shape):
        return f"Permute({tuple(p['dims'])})"

    def build(self, p, in_shape):
        return from_code(self.code(p, in_shape))

    def activation_of(self, p):
        return None

    def math(self, p, in_shape=None):
        order = ", ".join(f"i_{{{d}}}" for d in p["dims"])
        plain = ", ".join(f"i_{{{d}}}" for d in range(1, len(p["dims"]) + 1))
        return rf"y_{{{order}}} = x_{{{plain}}}"

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("Permute",)

    def tfjs_export(self, row, module, ctx):
        ctx.b.add("Permute", {"dims": [int(d) for d in row.resolved["dims"]]})

    def tfjs_import_layout_only(self, layer, ctx, nxt):
        rank, dims = len(layer.cur), [int(d) for d in layer.config.get("dims", [])]
        if ctx.cl and rank >= 2 and dims == T.permute_dims(rank, to_last=False):
            ctx.cl = False  # TF.js moves channels back first: that is LayerLab's layout already
            return True
        if not ctx.cl and rank >= 2 and dims == T.permute_dims(rank, to_last=True) and nxt and ctx.channels_last(nxt):
            ctx.cl = True  # channels last for the convolutions after it: LayerLab's layout stays
            return True
        return False

    def tfjs_import(self, layer, ctx):
        return {"type": "permute", "dims": [int(d) for d in layer.config.get("dims", [])]}, {}

    def tfjs_reference(self, cls, c, w, xs):
        return xs[0].permute(0, *[int(d) for d in c["dims"]])


__all__ = ["PermuteLayer", "get_layer"]
