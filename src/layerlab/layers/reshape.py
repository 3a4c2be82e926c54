"""reshape: lay the same values out in a new shape (e.g. 64 values as a 1x8x8 image).

One entry of target_shape may be -1: it takes whatever size makes the count of values match.

>>> r = ReshapeLayer()
>>> r.infer_shape(r.resolve({"target_shape": [1, -1, 8]}, "l"), (64,), "l")
(1, 8, 8)
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec.params import Param
from .base import Case, LayerKind, from_code, register
from . import tfjs_support as T


class Reshape(nn.Module):
    """Reshape each sample (the batch axis stays)."""

    def __init__(self, shape: tuple[int, ...]):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape((x.shape[0],) + self.shape)


def _fmt(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def suggest_shapes(n: int, rank: int) -> list[list[int]]:
    """Target shapes with n values in total that users often want: flat, (1, n), (1, s, s)."""
    out = [[n]]
    if rank >= 2:
        out.append([1, n])
    side = math.isqrt(n)
    if side * side == n:
        out.append([1, side, side])
    return out


@register
class ReshapeLayer(LayerKind):
    name = "reshape"
    cases = (
        Case((12,), {"target_shape": [3, 4]}, (3, 4)),
        Case((2, 3, 4), {"target_shape": [-1, 4]}, (6, 4)),
        Case((16,), {"target_shape": [1, -1, 4]}, (1, 4, 4)),
    )
    family = "reshape"
    transparent = True
    params = (
        Param("target_shape", "ints", (1, -1), "New shape of each sample (without the batch); one entry may be -1.",
              min=-1),
    )
    summary = "Lays the same values out in a new shape."
    explain = ("Nothing is computed: the values are read in order and poured into the new shape, e.g. "
               "a list of 64 pixels becomes an 8 by 8 image with one channel. The number of values must stay "
               "the same; -1 means 'whatever fits'.")
    latex = r"y = \mathrm{reshape}(x)"

    def infer_shape(self, p, in_shape, path):
        target = list(p["target_shape"])
        where = f"{path}.target_shape"
        n = math.prod(in_shape)
        if not target:
            raise SpecError(where, msg("needs at least one size"), [], msg("use e.g. {example}", example=[n]),
                            [Fix(msg("set target_shape to [{n}]", n=n), [{"op": "set", "path": where, "value": [n]}])])
        if 0 in target:
            raise SpecError(where, msg("sizes must be positive (or one -1)"), target,
                            msg("replace the 0 by a size or by -1"))
        if target.count(-1) > 1:
            raise SpecError(where, msg("only one size may be -1 (the one that is worked out)"), target,
                            msg("replace all but one -1 by a size"))
        known = math.prod(d for d in target if d != -1)
        if -1 in target:
            if n % known == 0:
                return tuple(n // known if d == -1 else d for d in target)
            problem = msg("{n} values cannot be split into groups of {known}", n=n, known=known)
        elif known == n:
            return tuple(target)
        else:
            problem = msg("the new shape holds {known} values, but the input has {n}", known=known, n=n)
        # shapes of the rank the user asked for first
        shapes = sorted(suggest_shapes(n, len(target)), key=lambda s: abs(len(s) - len(target)))
        fixes = [Fix(msg("reshape to {shape}", shape=_fmt(s)), [{"op": "set", "path": where, "value": s}])
                 for s in shapes]
        if -1 not in target and len(target) > 1:
            guess = [*target[:1], -1, *target[2:]] if len(target) > 2 else [target[0], -1]
            if n % math.prod(d for d in guess if d != -1) == 0:
                fixes.insert(0, Fix(msg("let the second size follow from the input: {guess}", guess=guess),
                                    [{"op": "set", "path": where, "value": guess}]))
        raise SpecError(where, msg("does not fit the input of shape {shape}: {problem}", shape=_fmt(in_shape),
                                   problem=problem), target,
                        msg("choose sizes that multiply to {n}, or put -1 in one place", n=n), fixes)

    def param_count(self, p, in_shape):
        return 0

    def flops(self, p, in_shape, out_shape):
        return 0  # a view of the same numbers

    def activation_size(self, p, in_shape, out_shape):
        return 0

    def build(self, p, in_shape):
        return from_code(self.code(p, in_shape))

    def code(self, p, in_shape):
        return f"Reshape({self.infer_shape(p, in_shape, 'reshape')})"

    def math(self, p, in_shape=None):
        src = _fmt(in_shape) if in_shape else "x"
        return rf"y = \mathrm{{reshape}}_{{{src} \to {_fmt(p['target_shape'])}}}(x)"

    def activation_of(self, p):
        return None

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("Reshape",)

    def tfjs_export(self, row, module, ctx):
        ctx.b.add("Reshape", {"target_shape": list(row.out_shape)})

    def tfjs_import(self, layer, ctx):
        target, rank = tuple(int(d) for d in layer.config["target_shape"]), len(layer.cur)
        if rank == 1 and len(target) >= 2 and target[-1] == 1:
            # flat -> (..., 1): with one channel, channels-first holds the values in the same order
            spec = {"type": "reshape", "target_shape": [1, *target[:-1]]}
            nxt = next((b for b in layer.rest if not ctx.agnostic(b)), None)
            ctx.cl = nxt is not None and ctx.channels_last(nxt["class_name"])
            if not ctx.cl:
                spec["target_shape"] = list(target)
        elif ctx.cl:
            raise SpecError(layer.where, msg("reshapes channels-last feature maps, which LayerLab cannot map"), target,
                            msg("use a flatten instead"))
        else:
            spec = {"type": "reshape", "target_shape": list(target)}
        return spec, {}

    def tfjs_reference(self, cls, c, w, xs):
        return xs[0].reshape(xs[0].shape[0], *[int(d) for d in c["target_shape"]])
