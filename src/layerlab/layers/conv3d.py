"""conv3d: slides learned filters through a volume (channels, depth, height, width), e.g. video or scans.

>>> k = get_layer("conv3d"); p = k.resolve({"filters": 2, "kernel_size": 3}, "l")
>>> k.infer_shape(p, (1, 5, 6, 6), "l"), k.param_count(p, (1, 5, 6, 6))
((2, 3, 4, 4), 56)
"""
from __future__ import annotations

from .base import Case, get_layer, register
from .conv_base import Conv


@register
class Conv3D(Conv):
    name = "conv3d"
    cases = (
        Case((1, 5, 6, 6), {"filters": 2, "kernel_size": 3}, (2, 3, 4, 4)),
        Case((2, 4, 5, 5), {"filters": 3, "kernel_size": 2, "strides": 2, "padding": "same"}, (3, 2, 3, 3)),
    )
    dims = 3
    params = Conv._params(3)
    summary = "Slides filters through a volume (e.g. video or scans)."
    explain = "Like conv2d, with filters that also reach along depth."
    latex = r"y = f(W * x + b)"


__all__ = ["Conv3D", "get_layer"]
