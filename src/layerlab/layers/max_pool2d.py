"""max_pool2d: keeps the largest value of each window of the image.

>>> k = get_layer("max_pool2d"); p = k.resolve({"pool_size": 2}, "l")
>>> k.infer_shape(p, (16, 8, 8), "l"), k.code(p, (16, 8, 8))
((16, 4, 4), 'nn.MaxPool2d(kernel_size=(2, 2), stride=(2, 2))')
"""
from __future__ import annotations

from .base import get_layer, register
from .pool_base import CASES, Pool


@register
class MaxPool2D(Pool):
    name = "max_pool2d"
    dims, mode = 2, "max"
    params = Pool.params_for(2)
    cases = CASES[2]
    summary = "Keeps the largest value of each window of the image."
    explain = ("Keeps the largest value of each window of the image: it halves the size with pool_size 2 and "
               "keeps the strongest responses, so small shifts matter less.")
    latex = r"y = \max_{\text{window}} x"


__all__ = ["MaxPool2D", "get_layer"]
