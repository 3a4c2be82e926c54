"""conv2d_transpose, depthwise_conv2d, separable_conv2d: the other convolutions of images.

Sizes follow Keras: a transposed convolution makes an image `strides` times larger ('same') or
(size - 1) * strides + max(kernel, strides) ('valid'); depthwise and separable ones shrink it
as conv2d does.

>>> t = get_layer("conv2d_transpose"); p = t.resolve({"filters": 8, "kernel_size": 3, "strides": 2,
...     "padding": "same"}, "l")
>>> t.infer_shape(p, (16, 7, 7), "l")
(8, 14, 14)
"""
from __future__ import annotations

import math

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec.params import Param
from . import modules as M
from .activations import ACTIVATIONS, activation_param
from .base import LayerKind, from_code, get_layer, numel, register, weight_flops
from .conv import as_tuple, conv_code, rank_error, spatial_check
from .initializers import INIT_PARAMS, REGULARIZER_PARAMS, init_module, reg_kwargs


def _p(name, kind, default, en, de, **kw) -> Param:
    return Param(name, kind, default, en, description_de=de, **kw)


_FILTERS = _p("filters", "int", 16, "Number of filters (output channels).", "Anzahl der Filter (Ausgabekanäle).",
              min=1, max=4096, suggested=(8, 16, 32, 64))
_KERNEL = _p("kernel_size", "int_or_ints", 3, "Size of each filter window.", "Größe jedes Filterfensters.",
             min=1, length=2)
_STRIDES = _p("strides", "int_or_ints", 1, "Step between windows.", "Schrittweite zwischen Fenstern.",
              min=1, length=2, expert=True)
_PADDING = _p("padding", "choice", "valid", "'valid' shrinks the output, 'same' keeps its size (divided by the "
              "strides).", "'valid' verkleinert die Ausgabe, 'same' behält die Größe (geteilt durch die Schritte).",
              choices=("valid", "same"))
_DILATION = _p("dilation", "int_or_ints", 1, "Gaps inside the window (atrous convolution).",
               "Lücken im Fenster (atrous).", min=1, length=2, expert=True)
_MULT = _p("depth_multiplier", "int", 1, "Filters per input channel.", "Filter pro Eingabekanal.",
           min=1, max=64, expert=True)
_BIAS = _p("use_bias", "bool", True, "Add a learned offset per output channel.",
           "Pro Ausgabekanal einen gelernten Versatz addieren.", expert=True)


class _ImageConv(LayerKind):
    family = "convolution"

    def _check_rank(self, in_shape, path):
        if len(in_shape) != 3:
            raise rank_error(self, 2, in_shape, path)

    def build(self, p, in_shape):
        core = from_code(self._core_code(p, in_shape))  # the same text generated scripts use
        init_module(core, p["kernel_initializer"], p["bias_initializer"])
        return M.Activated(core, from_code(ACTIVATIONS[p["activation"]].code), **reg_kwargs(p))

    def code(self, p, in_shape):
        return f"Activated({self._core_code(p, in_shape)}, {ACTIVATIONS[p['activation']].code})"

    def _prelu(self, p) -> int:
        return 1 if p["activation"] == "prelu" else 0


@register
class Conv2DTranspose(_ImageConv):
    name = "conv2d_transpose"
    params = (_FILTERS, _KERNEL, _STRIDES, _PADDING, activation_param("relu"), _BIAS, *INIT_PARAMS,
              *REGULARIZER_PARAMS)
    summary = "Makes an image larger with learned filters (the reverse of a strided conv2d)."
    summary_de = "Vergrößert ein Bild mit gelernten Filtern (die Umkehrung eines conv2d mit Schritten)."
    explain = ("Each input pixel stamps a small learned pattern onto a larger output, `strides` pixels apart; "
               "overlapping stamps add up. Decoders and generators use it to paint images from compact codes.")
    explain_de = ("Jedes Eingabepixel stempelt ein kleines gelerntes Muster in eine größere Ausgabe, im Abstand "
                  "von `strides` Pixeln; überlappende Stempel addieren sich. Decoder und Generatoren malen so "
                  "Bilder aus kompakten Codes.")
    latex = r"y = f(W^\top \star x + b)"

    def _geometry(self, p, path="") -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """kernel, strides, torch padding and output_padding that give Keras' output size."""
        k, s = as_tuple(p["kernel_size"], 2), as_tuple(p["strides"], 2)
        pad, extra = [], []
        for ki, si in zip(k, s):
            if ki < si:  # Keras' output is size * strides; torch would stop k short of it
                pad.append(0)
                extra.append(si - ki)
            elif p["padding"] == "valid":
                pad.append(0)
                extra.append(0)
            else:
                pi = math.ceil((ki - si) / 2)
                pad.append(pi)
                extra.append(2 * pi - (ki - si))
                if extra[-1] >= si:  # torch needs output_padding < stride: an even kernel at stride 1
                    even = p["kernel_size"]
                    fix_v = [x + 1 if x % 2 == 0 else x for x in even] if isinstance(even, (list, tuple)) else even + 1
                    raise SpecError(f"{path}.kernel_size", msg("with padding 'same' and strides 1 a transposed "
                                                               "convolution needs an odd kernel_size"),
                                    p["kernel_size"], msg("use kernel_size {value}, or padding 'valid'", value=fix_v),
                                    [Fix(msg("use kernel_size {value}", value=fix_v),
                                         [{"op": "set", "path": f"{path}.kernel_size", "value": fix_v}])])
        return k, s, tuple(pad), tuple(extra)

    def infer_shape(self, p, in_shape, path):
        self._check_rank(in_shape, path)
        k, s, pad, extra = self._geometry(p, path)
        sizes = tuple((n - 1) * si - 2 * pi + ki + ei for n, ki, si, pi, ei in zip(in_shape[1:], k, s, pad, extra))
        return (p["filters"], *sizes)

    def param_count(self, p, in_shape):
        k = as_tuple(p["kernel_size"], 2)
        return in_shape[0] * p["filters"] * math.prod(k) + (p["filters"] if p["use_bias"] else 0) + self._prelu(p)

    def flops(self, p, in_shape, out_shape):
        k = as_tuple(p["kernel_size"], 2)  # every input pixel stamps the kernel once
        return weight_flops(in_shape[0] * p["filters"] * math.prod(k), numel(in_shape[1:]), out_shape, p)

    def _core_code(self, p, in_shape):
        k, s, pad, extra = self._geometry(p)
        return (f"nn.ConvTranspose2d({in_shape[0]}, {p['filters']}, kernel_size={k}, stride={s}, padding={pad}, "
                f"output_padding={extra}, bias={p['use_bias']})")

    def math(self, p, in_shape=None):
        k, s = as_tuple(p["kernel_size"], 2), as_tuple(p["strides"], 2)
        return (rf"y_c = f\left(b_c + \sum_{{c'}} \sum_{{i,j}} x_{{c',i,j}}\, W_{{c',c}}"
                rf"[\cdot - {s[0]}i, \cdot - {s[1]}j]\right),\ W \in \mathbb{{R}}^{{{k[0]} \times {k[1]}}},"
                rf"\ c = 1..{p['filters']}")


class _Depthwise(_ImageConv):
    def _kds(self, p):
        return as_tuple(p["kernel_size"], 2), as_tuple(p["strides"], 2), as_tuple(p["dilation"], 2)

    def _spatial(self, p, in_shape, path):
        self._check_rank(in_shape, path)
        k, s, d = self._kds(p)
        if p["padding"] == "same" and max(s) > 1 and max(d) > 1:
            raise SpecError(f"{path}.dilation", msg("dilation > 1 cannot be combined with strides > 1"),
                            p["dilation"], msg("set dilation or strides to 1"),
                            [Fix(msg("set dilation to 1"), [{"op": "set", "path": f"{path}.dilation", "value": 1}])])
        return spatial_check(self, in_shape, k, s, p["padding"], d, path, raw=p["kernel_size"])

    def _depthwise_code(self, p, in_shape, bias: bool) -> str:
        k, s, d = self._kds(p)
        c = in_shape[0]
        args = (f"{c}, {c * p['depth_multiplier']}, kernel_size={k}, stride={s}, dilation={d}, groups={c}, "
                f"bias={bias}")
        return conv_code("nn.Conv2d", args, in_shape[1:], k, s, d, p["padding"])


@register
class DepthwiseConv2D(_Depthwise):
    name = "depthwise_conv2d"
    params = (_KERNEL, _STRIDES, _PADDING, _MULT, _DILATION, activation_param("relu"), _BIAS, *INIT_PARAMS,
              *REGULARIZER_PARAMS)
    summary = "Filters each channel on its own (no mixing between channels)."
    summary_de = "Filtert jeden Kanal für sich (ohne Mischen zwischen Kanälen)."
    explain = ("Every input channel gets its own small filter(s); channels are not combined. It needs far fewer "
               "weights than conv2d and is the first half of a separable convolution.")
    explain_de = ("Jeder Eingabekanal bekommt eigene kleine Filter; Kanäle werden nicht kombiniert. Das braucht "
                  "viel weniger Gewichte als conv2d und ist die erste Hälfte einer separierbaren Faltung.")
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


@register
class SeparableConv2D(_Depthwise):
    name = "separable_conv2d"
    params = (_FILTERS, _KERNEL, _STRIDES, _PADDING, _MULT, _DILATION, activation_param("relu"), _BIAS,
              *INIT_PARAMS, *REGULARIZER_PARAMS)
    summary = "A cheaper conv2d: filter each channel, then mix channels with 1x1 filters."
    summary_de = "Ein günstigeres conv2d: jeden Kanal filtern, dann Kanäle mit 1x1-Filtern mischen."
    explain = ("First a depthwise step filters every channel separately, then a pointwise step (1x1 filters) "
               "mixes the channels. It finds similar patterns as conv2d with a fraction of the weights "
               "(MobileNet, Xception).")
    explain_de = ("Zuerst filtert ein Depthwise-Schritt jeden Kanal einzeln, dann mischt ein Pointwise-Schritt "
                  "(1x1-Filter) die Kanäle. Er findet ähnliche Muster wie conv2d mit einem Bruchteil der "
                  "Gewichte (MobileNet, Xception).")
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


__all__ = ["Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D", "get_layer"]
