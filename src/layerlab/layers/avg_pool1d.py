"""avg_pool1d: averages each window of the signal.

>>> k = get_layer("avg_pool1d"); p = k.resolve({"pool_size": 2}, "l")
>>> k.infer_shape(p, (2, 9), "l"), k.code(p, (2, 9))
((2, 4), 'nn.AvgPool1d(kernel_size=(2,), stride=(2,))')
"""
from __future__ import annotations

from .base import get_layer, register
from .pool_base import CASES, Pool


@register
class AvgPool1D(Pool):
    name = "avg_pool1d"
    dims, mode = 1, "avg"
    params = Pool.params_for(1)
    cases = CASES[1]
    reads_channels = True
    summary = "Averages each window of the signal."
    explain = ("Replaces each window of the signal by the average of its values: it shrinks the size and smooths "
               "the feature maps.")
    latex = r"y = \frac{1}{|W|} \sum_{\text{window}} x"


__all__ = ["AvgPool1D", "get_layer"]
