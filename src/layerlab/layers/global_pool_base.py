"""What global_avg_pool and global_max_pool (one module each) share: one number per channel, from a whole
feature map or sequence; the GlobalPool helper and the GlobalPoolKind base (shape rule, code, math, TF.js).

Feature maps are channels first, (C, L), (C, H, W) or (C, D, H, W): keep='first' gives (C,).
Sequences from embedding and recurrent layers are (T, F): keep='last' gives (F,), as Keras'
GlobalAveragePooling1D does for text.

>>> g = get_layer("global_avg_pool"); p = g.resolve({}, "l")
>>> g.infer_shape(p, (32, 7, 7), "l")
(32,)
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec.params import Param
from .base import LayerKind, from_code, get_layer
from . import tfjs_support as T


class GlobalPool(nn.Module):
    """Average or max over all positions, keeping one axis.

    keep='first': (B, C, ...) -> (B, C), for feature maps; keep='last': (B, ..., F) -> (B, F),
    for sequences of feature vectors (T, F).
    """

    def __init__(self, mode: str = "avg", keep: str = "first"):
        super().__init__()
        self.mode = mode
        self.keep = keep

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        flat = x.flatten(2) if self.keep == "first" else x.flatten(1, -2).transpose(1, 2)  # (B, C, positions)
        return flat.mean(dim=2) if self.mode == "avg" else flat.amax(dim=2)


class GlobalPoolKind(LayerKind):
    family = "pooling"
    mode = "avg"
    reads_channels = True
    params = (
        Param("keep", "choice", "first", "Axis that stays: 'first' for channels of feature maps (C, H, W), "
              "'last' for the features of a sequence (T, F).", choices=("first", "last"), expert=True),
    )

    def infer_shape(self, p, in_shape, path):
        if len(in_shape) < 2:
            raise SpecError(path, msg("{name} needs positions to pool over, e.g. an image (C, H, W) or a "
                                      "sequence (T, F)", name=self.name),
                            msg("input of shape {shape}", shape=tuple(in_shape)),
                            msg("remove it: the input is already one value per feature"),
                            [Fix(msg("remove this layer"), [{"op": "remove", "path": path}])])
        return (in_shape[0],) if p["keep"] == "first" else (in_shape[-1],)

    def param_count(self, p, in_shape):
        return 0

    def code(self, p, in_shape):
        return f"GlobalPool({self.mode!r}, keep={p['keep']!r})"

    def build(self, p, in_shape):
        return from_code(self.code(p, in_shape))

    def activation_of(self, p):
        return None

    def math(self, p, in_shape=None):
        op = r"\max" if self.mode == "max" else r"\frac{1}{N}\sum"
        return rf"y_c = {op}_{{\text{{positions }} i}} x_{{c,i}}"

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    @property
    def keras_classes(self):
        mode = "Max" if self.mode == "max" else "Average"
        return (f"Global{mode}Pooling1D", f"Global{mode}Pooling2D")

    def tfjs_channels_last(self, row, prefers):
        return row.resolved.get("keep", "first") == "first"

    def tfjs_keras_channels_last(self, cls):
        return not cls.endswith("1D")

    def tfjs_import_layout(self, cls, c, rank, nxt):
        return None if cls.endswith("1D") else True  # pooling over positions: right in either layout

    def tfjs_export(self, row, module, ctx):
        p, shape, rank = row.resolved, tuple(row.in_shape), len(row.in_shape)
        mode = "Max" if self.mode == "max" else "Average"
        if p.get("keep", "first") == "last" or rank == 2:
            if rank != 2:
                raise SpecError(row.path, msg("TF.js pools sequences only: keep='last' needs a (T, F) input"), shape,
                                msg("flatten the positions into one axis with a reshape first"))
            ctx.b.add(f"Global{mode}Pooling1D", {})  # over T of (T, F) (or L of a channels-last (L, C))
        elif rank >= 4:  # TF.js has no GlobalXPooling3D: the positions of (D, H, W, C) go into one axis first
            ctx.b.add("Reshape", {"target_shape": [math.prod(shape[1:]), shape[0]]})  # (D*H*W, C), channels kept
            ctx.b.add(f"Global{mode}Pooling1D", {})
        else:
            ctx.b.add(f"Global{mode}Pooling{rank - 1}D", {"data_format": "channels_last"})

    def tfjs_import(self, layer, ctx):
        return {"type": self.name, "keep": "first" if ctx.cl else "last"}, {}

    def tfjs_reference(self, cls, c, w, xs):
        x = xs[0]
        axes = list(range(1, x.dim() - 1))
        return x.amax(dim=axes) if self.mode == "max" else x.mean(dim=axes)


__all__ = ["GlobalPool", "GlobalPoolKind", "get_layer"]
