"""avg_pool3d: averages each window of the volume.

>>> k = get_layer("avg_pool3d"); p = k.resolve({"pool_size": 2}, "l")
>>> k.infer_shape(p, (2, 4, 6, 6), "l"), k.code(p, (2, 4, 6, 6))
((2, 2, 3, 3), 'nn.AvgPool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2))')
"""
from __future__ import annotations

from .base import get_layer, register
from .pool_base import CASES, Pool


@register
class AvgPool3D(Pool):
    name = "avg_pool3d"
    dims, mode = 3, "avg"
    params = Pool.params_for(3)
    cases = CASES[3]
    summary = "Averages each window of the volume."
    explain = ("Replaces each window of the volume by the average of its values: it shrinks the size and smooths "
               "the feature maps.")
    latex = r"y = \frac{1}{|W|} \sum_{\text{window}} x"


__all__ = ["AvgPool3D", "get_layer"]
