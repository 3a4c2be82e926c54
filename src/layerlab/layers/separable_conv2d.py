"""separable_conv2d: a cheaper conv2d: filter each channel, then mix the channels with 1x1 filters.

It shrinks the image as conv2d does; as in Keras, only the pointwise step has a bias.

>>> s = get_layer("separable_conv2d"); p = s.resolve({"filters": 5, "kernel_size": 3, "padding": "same"}, "l")
>>> s.infer_shape(p, (3, 8, 8), "l"), s.param_count(p, (3, 8, 8))
((5, 8, 8), 47)
"""
from __future__ import annotations

import math

from .activations import activation_param
from .base import Case, get_layer, numel, register, weight_flops
from .conv_base import as_tuple
from .image_conv_base import BIAS, DILATION, FILTERS, KERNEL, MULT, PADDING, STRIDES, Depthwise
from .initializers import INIT_PARAMS, REGULARIZER_PARAMS


@register
class SeparableConv2D(Depthwise):
    name = "separable_conv2d"
    cases = (
        Case((3, 8, 8), {"filters": 5, "kernel_size": 3, "padding": "same"}, (5, 8, 8)),
        Case((2, 9, 9),
             {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2},
             (4, 5, 5)),
    )
    params = (FILTERS, KERNEL, STRIDES, PADDING, MULT, DILATION, activation_param("relu"), BIAS,
              *INIT_PARAMS, *REGULARIZER_PARAMS)
    summary = "A cheaper conv2d: filter each channel, then mix channels with 1x1 filters."
    explain = ("First a depthwise step filters every channel separately, then a pointwise step (1x1 filters) "
               "mixes the channels. It finds similar patterns as conv2d with a fraction of the weights "
               "(MobileNet, Xception).")
    latex = r"y = f(W_{1\times1} (w * x) + b)"

    def infer_shape(self, p, in_shape, path):
        return (p["filters"], *self._spatial(p, in_shape, path))

    def param_count(self, p, in_shape):
        mid = in_shape[0] * p["depth_multiplier"]
        return (mid * math.prod(as_tuple(p["kernel_size"], 2)) + mid * p["filters"]
                + (p["filters"] if p["use_bias"] else 0) + self._prelu(p))

    def flops(self, p, in_shape, out_shape):
        mid, k = in_shape[0] * p["depth_multiplier"], math.prod(as_tuple(p["kernel_size"], 2))
        return weight_flops(mid * k + mid * p["filters"], numel(out_shape[1:]), out_shape, p)

    def activation_size(self, p, in_shape, out_shape):
        mid = in_shape[0] * p["depth_multiplier"] * numel(out_shape[1:])  # the depthwise step's output
        return mid + super().activation_size(p, in_shape, out_shape)

    def _core_code(self, p, in_shape):
        mid = in_shape[0] * p["depth_multiplier"]
        # as in Keras, only the pointwise step has a bias
        return (f"nn.Sequential({self._depthwise_code(p, in_shape, False)}, "
                f"nn.Conv2d({mid}, {p['filters']}, kernel_size=1, bias={p['use_bias']}))")

    def math(self, p, in_shape=None):
        k = as_tuple(p["kernel_size"], 2)
        return (rf"y_o = f\left(b_o + \sum_{{c}} v_{{o,c}}\,(w_c * x_c)\right),\ w_c \in "
                rf"\mathbb{{R}}^{{{k[0]} \times {k[1]}}},\ o = 1..{p['filters']}")

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("SeparableConv2D",)
    separable = True


__all__ = ["SeparableConv2D", "get_layer"]
