"""global_avg_pool: averages each channel over all positions, one number per channel.

>>> g = get_layer("global_avg_pool"); p = g.resolve({}, "l")
>>> g.infer_shape(p, (32, 7, 7), "l"), g.code(p, (32, 7, 7))
((32,), "GlobalPool('avg', keep='first')")
"""
from __future__ import annotations

from .base import Case, get_layer, register
from .global_pool_base import GlobalPoolKind


@register
class GlobalAvgPool(GlobalPoolKind):
    name = "global_avg_pool"
    cases = (
        Case((4, 5, 5), {}, (4,)),
        Case((6, 3), {"keep": "last"}, (3,)),
        Case((3, 4, 4, 4), {}, (3,)),
        Case((2, 7), {}, (2,)),
    )
    mode = "avg"
    summary = "Averages each channel over all positions: one number per channel."
    explain = ("Instead of flattening a feature map into thousands of values, it keeps one average per channel. "
               "That needs no weights and works for any image size.")
    latex = r"y_c = \frac{1}{N} \sum_i x_{c,i}"


__all__ = ["GlobalAvgPool", "get_layer"]
