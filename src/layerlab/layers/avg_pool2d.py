"""avg_pool2d: averages each window of the image.

>>> k = get_layer("avg_pool2d"); p = k.resolve({"pool_size": 2}, "l")
>>> k.infer_shape(p, (16, 8, 8), "l"), k.code(p, (16, 8, 8))
((16, 4, 4), 'nn.AvgPool2d(kernel_size=(2, 2), stride=(2, 2))')
"""
from __future__ import annotations

from .base import get_layer, register
from .pool_base import CASES, Pool


@register
class AvgPool2D(Pool):
    name = "avg_pool2d"
    dims, mode = 2, "avg"
    params = Pool.params_for(2)
    cases = CASES[2]
    summary = "Averages each window of the image."
    explain = ("Replaces each window of the image by the average of its values: it shrinks the size and smooths "
               "the feature maps.")
    latex = r"y = \frac{1}{|W|} \sum_{\text{window}} x"


__all__ = ["AvgPool2D", "get_layer"]
