"""max_pool3d: keeps the largest value of each window of the volume.

>>> k = get_layer("max_pool3d"); p = k.resolve({"pool_size": 2}, "l")
>>> k.infer_shape(p, (2, 4, 6, 6), "l"), k.code(p, (2, 4, 6, 6))
((2, 2, 3, 3), 'nn.MaxPool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2))')
"""
from __future__ import annotations

from .base import get_layer, register
from .pool_base import CASES, Pool


@register
class MaxPool3D(Pool):
    name = "max_pool3d"
    dims, mode = 3, "max"
    params = Pool.params_for(3)
    cases = CASES[3]
    summary = "Keeps the largest value of each window of the volume."
    explain = ("Keeps the largest value of each window of the volume: it halves the size with pool_size 2 and "
               "keeps the strongest responses, so small shifts matter less.")
    latex = r"y = \max_{\text{window}} x"


__all__ = ["MaxPool3D", "get_layer"]
