"""flatten: turn a block of values (e.g. feature maps) into one flat list."""
from __future__ import annotations

import math

from torch import nn

from .base import Case, LayerKind, register
from .base import LAYERS
from . import tfjs_support as T


@register
class Flatten(LayerKind):
    name = "flatten"
    cases = (
        Case((2, 3, 4), {}, (24,)),
        Case((5,), {}, (5,)),
    )
    family = "reshape"
    transparent = True
    keeps_layout = True
    params = ()
    summary = "Lays all values out in one long list."
    explain = "Feature maps are 3-D blocks; dense layers want a flat list. Flatten reads the block row by row."
    latex = r"y = \mathrm{vec}(x)"

    def infer_shape(self, p, in_shape, path):
        return (math.prod(in_shape),)

    def param_count(self, p, in_shape):
        return 0

    def flops(self, p, in_shape, out_shape):
        return 0  # a view of the same numbers

    def activation_size(self, p, in_shape, out_shape):
        return 0

    def build(self, p, in_shape):
        return nn.Flatten()

    def code(self, p, in_shape):
        return "nn.Flatten()"

    def activation_of(self, p):
        return None

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("Flatten",)
    tfjs_own_layout = True  # a dense layer after it takes TF.js' order into its kernel; others get a Permute

    def tfjs_export(self, row, module, ctx):
        rank, shape = len(row.in_shape), tuple(row.in_shape)
        if ctx.cl and rank >= 2:
            nxt = next((r for r in ctx.rest if not LAYERS[r.type].tfjs_elementwise), None)
            if nxt is not None and LAYERS[nxt.type].tfjs_takes_flat_order:
                ctx.flat_perm = T.flatten_order(shape)  # the dense after it reads TF.js' order
            else:
                ctx.b.add("Permute", {"dims": T.permute_dims(rank, to_last=False)})
            ctx.cl = False
        ctx.b.add("Flatten", {})

    def tfjs_import_layout(self, cls, c, rank, nxt):
        return None if nxt in _flat_order_readers() else False  # a dense layer after it reorders its kernel instead

    def tfjs_import(self, layer, ctx):
        if ctx.cl and len(layer.cur) >= 2:  # (a dense layer follows: others got a permute above)
            ctx.flat_perm = T.flatten_order(layer.cur)
        ctx.cl = False
        return {"type": "flatten"}, {}

    def tfjs_reference(self, cls, c, w, xs):
        return xs[0].reshape(xs[0].shape[0], -1)


def _flat_order_readers() -> set[str]:
    """Keras classes of the kinds whose kernel takes a flatten's order in (dense)."""
    return {c for k in LAYERS.values() if k.tfjs_takes_flat_order for c in k.keras_classes}
