"""max_pool1d: keeps the largest value of each window of the signal.

>>> k = get_layer("max_pool1d"); p = k.resolve({"pool_size": 2}, "l")
>>> k.infer_shape(p, (2, 9), "l"), k.code(p, (2, 9))
((2, 4), 'nn.MaxPool1d(kernel_size=(2,), stride=(2,))')
"""
from __future__ import annotations

from .base import get_layer, register
from .pool_base import CASES, Pool


@register
class MaxPool1D(Pool):
    name = "max_pool1d"
    dims, mode = 1, "max"
    params = Pool.params_for(1)
    cases = CASES[1]
    reads_channels = True
    summary = "Keeps the largest value of each window of the signal."
    explain = ("Keeps the largest value of each window of the signal: it halves the size with pool_size 2 and "
               "keeps the strongest responses, so small shifts matter less.")
    latex = r"y = \max_{\text{window}} x"


__all__ = ["MaxPool1D", "get_layer"]
