"""What the six pooling kinds (max/avg_pool1d/2d/3d, one module each) share: SamePool (Keras' 'same'
padding, where padded cells never count), their parameters per rank, their conformance cases per rank
(the same for max and avg) and the Pool base class: shape rule, costs, code, math and TF.js adapters.

strides default to pool_size (windows side by side). 'same' padding follows Keras: the output
is ceil(size / stride) long and padded cells never count (max ignores them, average divides
by the real cells only).
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..i18n import msg
from ..spec.errors import Fix
from ..spec.params import Param
from .base import Case, LayerKind, from_code
from .conv_base import as_tuple, rank_error, spatial_check, strided_same_padding
from . import tfjs_support as T


class SamePool(nn.Module):
    """Max or average pooling with Keras' 'same' padding: padded cells never count.

    Max pads with -inf; average divides by the number of real cells in each window.
    pads lists (left, right) per axis, last axis first, as torch.nn.functional.pad wants.
    """

    def __init__(self, mode: str, kernel_size: tuple[int, ...], stride: tuple[int, ...], pads: tuple[int, ...]):
        super().__init__()
        self.mode, self.kernel_size, self.stride, self.pads = mode, tuple(kernel_size), tuple(stride), tuple(pads)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dims = len(self.kernel_size)
        pool = getattr(nn.functional, f"{self.mode}_pool{dims}d")
        if self.mode == "max":
            return pool(nn.functional.pad(x, self.pads, value=float("-inf")), self.kernel_size, self.stride)
        ones = torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device)
        total = pool(nn.functional.pad(x, self.pads), self.kernel_size, self.stride)
        share = pool(nn.functional.pad(ones, self.pads), self.kernel_size, self.stride)  # real cells / window
        return total / share


CASES = {  # conformance cases per rank, the same for max and avg
    1: (
        Case((2, 9), {}, (2, 4)),
        Case((2, 9), {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 5)),
        Case((3, 4), {"pool_size": 4}, (3, 1)),
    ),
    2: (
        Case((3, 8, 8), {}, (3, 4, 4)),
        Case((2, 7, 5), {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 4, 3)),
        Case((2, 7, 7), {"pool_size": [2, 3], "strides": 1}, (2, 6, 5)),
        Case((1, 2, 2), {"pool_size": 3, "padding": "same"}, (1, 1, 1)),
    ),
    3: (
        Case((2, 4, 6, 6), {}, (2, 2, 3, 3)),
        Case((1, 5, 5, 5), {"pool_size": 2, "padding": "same"}, (1, 3, 3, 3)),
    ),
}


class Pool(LayerKind):
    family = "pooling"
    dims = 2
    mode = "max"

    @classmethod
    def params_for(cls, dims: int):
        return (
            Param("pool_size", "int_or_ints", 2, "Size of each window that is summarised.", min=1, length=dims,
                  suggested=(2, 3)),
            Param("strides", "int_or_ints", None, "Step between windows (empty: the pool size).", min=1,
                  length=dims, nullable=True, expert=True),
            Param("padding", "choice", "valid", "'valid' drops what does not fill a window, 'same' keeps "
                  "ceil(size / stride).", choices=("valid", "same"), expert=True),
        )

    def _ks(self, p):
        k = as_tuple(p["pool_size"], self.dims)
        s = as_tuple(p["strides"], self.dims) if p["strides"] is not None else k
        return k, s

    def infer_shape(self, p, in_shape, path):
        if len(in_shape) != self.dims + 1:
            remove = Fix(msg("remove this pooling layer"), [{"op": "remove", "path": path}])
            raise rank_error(self, self.dims, in_shape, path, alternative=remove)
        k, s = self._ks(p)
        return (in_shape[0], *spatial_check(self, in_shape, k, s, p["padding"], (1,) * self.dims, path,
                                            key="pool_size", raw=p["pool_size"]))

    def param_count(self, p, in_shape):
        return 0

    def flops(self, p, in_shape, out_shape):
        return math.prod(out_shape) * math.prod(self._ks(p)[0])  # one comparison or addition per window value

    def code(self, p, in_shape):
        k, s = self._ks(p)
        if p["padding"] == "valid":
            return f"nn.{self.mode.capitalize()}Pool{self.dims}d(kernel_size={k}, stride={s})"
        pads: list[int] = []
        for size, ki, si in reversed(list(zip(in_shape[1:], k, s))):
            pads.extend(strided_same_padding(size, ki, si))
        return f"SamePool({self.mode!r}, {k}, {s}, {tuple(pads)})"

    def build(self, p, in_shape):
        return from_code(self.code(p, in_shape))

    def activation_of(self, p):
        return None

    def math(self, p, in_shape=None):
        k, s = self._ks(p)
        op = r"\max" if self.mode == "max" else r"\operatorname{mean}"
        window = r" \times ".join(map(str, k))
        return rf"y_{{c,\,i}} = {op}_{{{window} \text{{ window at }} {s[0]} i}} x_c"

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_channels_last = True

    @property
    def keras_classes(self):
        return (f"{'Max' if self.mode == 'max' else 'Average'}Pooling{self.dims}D",)

    def tfjs_export(self, row, module, ctx):
        p, nd = row.resolved, self.dims
        size = T.ints(p.get("pool_size", 2), nd)
        ctx.b.add(self.keras_classes[0], {"pool_size": size, "strides": T.ints(p.get("strides") or size, nd),
                                          "padding": p.get("padding", "valid"), "data_format": "channels_last"})

    def tfjs_import(self, layer, ctx):
        c, nd = layer.config, self.dims
        size = T.ints(c.get("pool_size", 2), nd)
        return {"type": self.name, "pool_size": size, "strides": T.ints(c.get("strides") or size, nd),
                "padding": c.get("padding", "valid")}, {}

    def tfjs_reference(self, cls, c, w, xs):
        F = torch.nn.functional
        x, mode = xs[0], self.mode
        nd = x.dim() - 2
        size = T.ints(c.get("pool_size", 2), nd)
        strides = T.ints(c.get("strides") or size, nd)
        pool = getattr(F, f"{mode}_pool{nd}d")
        xt = T.first(x)
        if c.get("padding", "valid") != "same":
            return T.last(pool(xt, size, strides))
        pads = T.same_pads(xt.shape[2:], size, strides, [1] * nd)
        if mode == "max":
            return T.last(pool(F.pad(xt, pads, value=float("-inf")), size, strides))
        ones = torch.ones((1, 1, *xt.shape[2:]), dtype=xt.dtype)
        return T.last(pool(F.pad(xt, pads), size, strides) / pool(F.pad(ones, pads), size, strides))  # real cells only
