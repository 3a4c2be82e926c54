"""depthwise_conv2d: filters each channel of an image on its own (no mixing between channels).

It shrinks the image as conv2d does; depth_multiplier filters per channel give that many output channels each.

>>> d = get_layer("depthwise_conv2d"); p = d.resolve({"kernel_size": 3, "depth_multiplier": 2}, "l")
>>> d.infer_shape(p, (3, 8, 8), "l"), d.param_count(p, (3, 8, 8))
((6, 6, 6), 60)
"""
from __future__ import annotations

import math

from .activations import activation_param
from .base import Case, get_layer, numel, register, weight_flops
from .conv_base import as_tuple
from .image_conv_base import BIAS, DILATION, KERNEL, MULT, PADDING, STRIDES, Depthwise
from .initializers import INIT_PARAMS, REGULARIZER_PARAMS


@register
class DepthwiseConv2D(Depthwise):
    name = "depthwise_conv2d"
    cases = (
        Case((3, 8, 8), {"kernel_size": 3, "depth_multiplier": 2}, (6, 6, 6)),
        Case((2, 7, 7), {"kernel_size": 3, "strides": 2, "padding": "same", "use_bias": False}, (2, 4, 4)),
    )
    params = (KERNEL, STRIDES, PADDING, MULT, DILATION, activation_param("relu"), BIAS, *INIT_PARAMS,
              *REGULARIZER_PARAMS)
    summary = "Filters each channel on its own (no mixing between channels)."
    explain = ("Every input channel gets its own small filter(s); channels are not combined. It needs far fewer "
               "weights than conv2d and is the first half of a separable convolution.")
    latex = r"y_c = f(w_c * x_c + b_c)"

    def infer_shape(self, p, in_shape, path):
        return (in_shape[0] * p["depth_multiplier"], *self._spatial(p, in_shape, path))

    def param_count(self, p, in_shape):
        out = in_shape[0] * p["depth_multiplier"]
        return out * math.prod(as_tuple(p["kernel_size"], 2)) + (out if p["use_bias"] else 0) + self._prelu(p)

    def flops(self, p, in_shape, out_shape):
        k = math.prod(as_tuple(p["kernel_size"], 2))
        return weight_flops(out_shape[0] * k, numel(out_shape[1:]), out_shape, p)

    def _core_code(self, p, in_shape):
        return self._depthwise_code(p, in_shape, p["use_bias"])

    def math(self, p, in_shape=None):
        k = as_tuple(p["kernel_size"], 2)
        return (rf"y_{{c,m}} = f(w_{{c,m}} * x_c + b_{{c,m}}),\ w_{{c,m}} \in \mathbb{{R}}^{{{k[0]} \times {k[1]}}},"
                rf"\ m = 1..{p['depth_multiplier']}")

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("DepthwiseConv2D",)
    separable = False


__all__ = ["DepthwiseConv2D", "get_layer"]
