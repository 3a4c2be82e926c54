"""conv1d: slides learned filters along a signal or sequence (channels, length).

>>> k = get_layer("conv1d"); p = k.resolve({"filters": 4, "kernel_size": 3}, "l")
>>> k.infer_shape(p, (2, 10), "l"), k.param_count(p, (2, 10))
((4, 8), 28)
"""
from __future__ import annotations

from .base import Case, get_layer, register
from .conv_base import Conv


@register
class Conv1D(Conv):
    name = "conv1d"
    cases = (
        Case((2, 10), {"filters": 4, "kernel_size": 3}, (4, 8)),
        Case((3, 9), {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same"}, (2, 5)),
        Case((1, 12), {"filters": 2, "kernel_size": 3, "dilation": 2, "activation": "tanh"}, (2, 8)),
    )
    dims = 1
    reads_channels = True
    params = Conv._params(1)
    summary = "Slides filters along a sequence or signal."
    explain = "Each filter looks at a short stretch of the signal at a time and reports how well it matches."
    latex = r"y = f(W * x + b)"


__all__ = ["Conv1D", "get_layer"]
