"""global_max_pool: keeps each channel's largest value over all positions ('was this pattern anywhere?').

>>> g = get_layer("global_max_pool"); p = g.resolve({"keep": "last"}, "l")
>>> g.infer_shape(p, (6, 3), "l"), g.code(p, (6, 3))
((3,), "GlobalPool('max', keep='last')")
"""
from __future__ import annotations

from .base import Case, get_layer, register
from .global_pool_base import GlobalPoolKind


@register
class GlobalMaxPool(GlobalPoolKind):
    name = "global_max_pool"
    cases = (
        Case((4, 5, 5), {}, (4,)),
        Case((6, 3), {"keep": "last"}, (3,)),
        Case((3, 4, 4, 4), {}, (3,)),
        Case((2, 7), {}, (2,)),
    )
    mode = "max"
    summary = "Keeps each channel's largest value: 'was this pattern anywhere?'."
    explain = ("For each channel it reports the strongest response anywhere in the input, so the position of a "
               "pattern no longer matters.")
    latex = r"y_c = \max_i x_{c,i}"


__all__ = ["GlobalMaxPool", "get_layer"]
