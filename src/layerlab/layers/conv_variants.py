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
from .base import Case, LayerKind, from_code, get_layer, numel, register, weight_flops
from .conv import as_tuple, conv_code, rank_error, spatial_check
from .initializers import INIT_PARAMS, REGULARIZER_PARAMS, init_module, reg_kwargs
import numpy as np
import torch
from . import tfjs_support as T


def _p(name, kind, default, en, **kw) -> Param:
    return Param(name, kind, default, en, **kw)


_FILTERS = _p("filters", "int", 16, "Number of filters (output channels).",
              min=1, max=4096, suggested=(8, 16, 32, 64))
_KERNEL = _p("kernel_size", "int_or_ints", 3, "Size of each filter window.",
             min=1, length=2)
_STRIDES = _p("strides", "int_or_ints", 1, "Step between windows.",
              min=1, length=2, expert=True)
_PADDING = _p("padding", "choice", "valid", "'valid' shrinks the output, 'same' keeps its size (divided by the "
              "strides).",
              choices=("valid", "same"))
_DILATION = _p("dilation", "int_or_ints", 1, "Gaps inside the window (atrous convolution).",
               min=1, length=2, expert=True)
_MULT = _p("depth_multiplier", "int", 1, "Filters per input channel.",
           min=1, max=64, expert=True)
_BIAS = _p("use_bias", "bool", True, "Add a learned offset per output channel.",
           expert=True)


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
    cases = (
        Case((3, 5, 5), {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, (2, 10, 10)),
        Case((2, 4, 4), {"filters": 3, "kernel_size": 2, "strides": 3}, (3, 12, 12)),
        Case((2, 4, 6), {"filters": 2, "kernel_size": [3, 4], "strides": [1, 2]}, (2, 6, 14)),
        Case((2, 4, 4), {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same"}, (2, 8, 8)),
        Case((2, 4, 4), {"filters": 2, "kernel_size": 3, "padding": "same"}, (2, 4, 4)),
    )
    params = (_FILTERS, _KERNEL, _STRIDES, _PADDING, activation_param("relu"), _BIAS, *INIT_PARAMS,
              *REGULARIZER_PARAMS)
    summary = "Makes an image larger with learned filters (the reverse of a strided conv2d)."
    explain = ("Each input pixel stamps a small learned pattern onto a larger output, `strides` pixels apart; "
               "overlapping stamps add up. Decoders and generators use it to paint images from compact codes.")
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

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("Conv2DTranspose", "Cropping2D")  # a Cropping2D right after it is read as its part
    keras_channels_last = True

    def tfjs_export(self, row, module, ctx):
        """Conv2DTranspose; a Cropping2D after it where LayerLab crops 'same' output differently from TF.js."""
        p = row.resolved
        act, extra = T.split_act(p, len(row.out_shape))
        ct = next(mod for mod in module.modules() if isinstance(mod, torch.nn.ConvTranspose2d))
        k, s, pad = list(ct.kernel_size), list(ct.stride), list(ct.padding)
        # both crop kernel - strides pixels off the full output for 'same'; TF.js puts the odd one at the end,
        # LayerLab (torch's padding) at the start: they agree when that count is even
        over = [max(ki - si, 0) for ki, si in zip(k, s)]
        same = p["padding"] == "same" and all(pi == o // 2 for pi, o in zip(pad, over))
        padding = "same" if same else "valid"
        cfg = {"filters": int(ct.out_channels), "kernel_size": k, "strides": s, "padding": padding,
               "data_format": "channels_last", "activation": act, "use_bias": ct.bias is not None}
        bias = None if ct.bias is None else ct.bias.detach().numpy()
        ctx.b.add("Conv2DTranspose", cfg,
                  T.with_bias({"kernel": T.conv_transpose_kernel_to_tfjs(ct.weight.detach().numpy())}, bias))
        if p["padding"] == "same" and not same:   # 'valid' gave every stamp: crop as LayerLab does
            ctx.b.add("Cropping2D", {"cropping": [[pi, o - pi] for pi, o in zip(pad, over)],
                                     "data_format": "channels_last"})
        if extra:
            ctx.b.activation(extra, len(row.out_shape), ctx.cl, row.path)

    def tfjs_import_takes(self, cls, following):
        return cls == "Conv2DTranspose" and following["class_name"] == "Cropping2D"

    def tfjs_import(self, layer, ctx):
        """conv2d_transpose for a Conv2DTranspose (and the Cropping2D right after it, if any).

        TF.js crops a 'same' output from its start by floor((kernel - strides) / 2), LayerLab by the
        ceiling. Where they differ (and for a Cropping2D after the layer, as LayerLab's own export
        writes) the kernel gets zero rows or columns in front, which moves LayerLab's crop by as many
        pixels: the outputs are the same, the imported kernel is larger."""
        cls, c, w, cur, where = layer.cls, layer.config, layer.weights, layer.cur, layer.where
        if cls == "Cropping2D":  # one right after a Conv2DTranspose is read with it
            raise SpecError(where, msg("a Cropping2D can only be imported right after a Conv2DTranspose, as part of "
                                       "it"), cls, msg("crop the images before they reach the model, or remove the "
                                                       "Cropping2D"))
        crop = (layer.following or {}).get("config", {}).get("cropping") if layer.following else None
        bad = ("dilation_rate", 1) if T.ints(c.get("dilation_rate") or 1, 2) != [1, 1] else \
            ("output_padding", None) if c.get("output_padding") is not None else None
        if bad:
            raise SpecError(where, msg("{cls} with {param}={value} has no LayerLab equivalent", cls="Conv2DTranspose",
                                       param=bad[0], value=c[bad[0]]), c[bad[0]],
                            msg("use {param}={value}", param=bad[0], value=bad[1]))
        padding = c.get("padding", "valid")
        if padding not in ("valid", "same"):
            raise SpecError(where, msg("uses a padding LayerLab does not have"), padding, msg("use 'valid' or 'same'"))
        kernel = w["kernel"]                                         # (kh, kw, filters, in)
        k, s, crops = [int(d) for d in kernel.shape[:2]], T.ints(c.get("strides", 1), 2), T.cropping(crop)
        valid, same = [], []
        for n, ki, si, (top, bottom) in zip(cur[1:], k, s, crops):
            over = max(ki - si, 0)                                   # what 'same' crops off the full stamps
            start = (over // 2 if padding == "same" else 0) + top     # TF.js: the odd pixel goes at the end
            size = (n * si if padding == "same" else (n - 1) * si + max(ki, si)) - top - bottom
            valid.append((0, 0) if start == 0 and size == (n - 1) * si + max(ki, si) else None)
            same.append(_same_pads(ki, si, start) if size == n * si else None)
        order = (same, valid) if padding == "same" else (valid, same)
        pads = next((p for p in order if None not in p), None)
        if pads is None:
            raise SpecError(where, msg("crops the transposed convolution's output in a way LayerLab's conv2d_transpose "
                                       "cannot"), {"padding": padding, "cropping": crops},
                            msg("crop nothing, or crop it to strides times the input size"))
        weight = np.pad(kernel.transpose(3, 2, 0, 1), [(0, 0), (0, 0), *pads])  # (in, filters, kh, kw), zeros in front
        size = [int(d) for d in weight.shape[2:]]
        if size != k:
            ctx.notes.append(f"{c.get('name', 'Conv2DTranspose')}: kernel {k[0]}x{k[1]} imported as "
                             f"{size[0]}x{size[1]} with zero rows/columns in front, so that LayerLab crops its output "
                             "where TF.js does")
        spec = {"type": "conv2d_transpose", "filters": int(kernel.shape[2]), "kernel_size": size, "strides": s,
                "padding": "same" if pads is same else "valid", "activation": T.keras_act(c.get("activation"), where),
                "use_bias": bool(c.get("use_bias", True))}
        return spec, {"weight": np.ascontiguousarray(weight), **({"bias": w["bias"]} if "bias" in w else {})}

    def tfjs_reference(self, cls, c, w, xs):
        x = xs[0]
        if cls == "Cropping2D":
            (top, bottom), (left, right) = [T.ints(v, 2) for v in c["cropping"]]
            return x[:, top:x.shape[1] - bottom, left:x.shape[2] - right]
        F = torch.nn.functional
        k = w["kernel"]                                              # (kh, kw, filters, in)
        ks, s = list(k.shape[:2]), T.ints(c.get("strides", 1), 2)
        y = F.conv_transpose2d(T.first(x), k.permute(3, 2, 0, 1), stride=s)  # every stamp: (n - 1) * s + k
        for axis, (n, ki, si) in enumerate(zip(x.shape[1:3], ks, s)):
            same = c.get("padding", "valid") == "same"
            size = n * si + (0 if same else max(ki - si, 0))         # Keras' output size
            start = max(ki - si, 0) // 2 if same else 0
            y = y.narrow(axis + 2, start, min(size, y.shape[axis + 2] - start))
            if y.shape[axis + 2] < size:                             # kernel < strides: the rest is empty
                pad = [0, 0] * (1 - axis) + [0, size - y.shape[axis + 2]] + [0, 0] * axis
                y = F.pad(y, pad)
        if "bias" in w:
            y = y + w["bias"].reshape(1, -1, 1, 1)
        return T.ref_act(c)(T.last(y))


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

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_channels_last = True

    def tfjs_export(self, row, module, ctx):
        p, shape = row.resolved, tuple(row.in_shape)
        act, extra = T.split_act(p, len(row.out_shape))
        convs = [mod for mod in module.modules() if isinstance(mod, torch.nn.Conv2d)]
        dw = convs[0].weight.detach().numpy()                          # (C*m, 1, kh, kw)
        c_in, mult = shape[0], dw.shape[0] // shape[0]
        cfg = {"kernel_size": list(dw.shape[2:]), "strides": list(convs[0].stride), "padding": p["padding"],
               "depth_multiplier": mult, "dilation_rate": list(convs[0].dilation), "data_format": "channels_last",
               "activation": act}
        wts = {"depthwise_kernel": dw.reshape(c_in, mult, *dw.shape[2:]).transpose(2, 3, 0, 1)}  # (kh, kw, C, m)
        last = convs[-1]
        if self.separable:
            cfg["filters"] = int(last.weight.shape[0])
            wts["pointwise_kernel"] = T.conv_kernel_to_tfjs(last.weight.detach().numpy())  # (1, 1, C*m, filters)
        cfg["use_bias"] = last.bias is not None
        bias = None if last.bias is None else last.bias.detach().numpy()
        ctx.b.add(self.keras_classes[0], cfg, T.with_bias(wts, bias))
        if extra:
            ctx.b.activation(extra, len(row.out_shape), ctx.cl, row.path)

    def tfjs_import(self, layer, ctx):
        c, w, where = layer.config, layer.weights, layer.where
        dk = w["depthwise_kernel"]                                   # (kh, kw, C, m)
        kh, kw, c_in, mult = dk.shape
        spec = {"type": self.name, "kernel_size": [int(kh), int(kw)], "strides": T.ints(c.get("strides", 1), 2),
                "padding": c.get("padding", "valid"), "depth_multiplier": int(mult),
                "dilation": T.ints(c.get("dilation_rate", 1), 2), "activation": T.keras_act(c.get("activation"), where),
                "use_bias": bool(c.get("use_bias", True))}
        dw = np.ascontiguousarray(dk.transpose(2, 3, 0, 1).reshape(c_in * mult, 1, kh, kw))
        if self.separable:
            spec["filters"] = int(c["filters"])
            t = {"0": dw, "1": T.conv_kernel_from_tfjs(w["pointwise_kernel"])}  # the two convolutions, in order
        else:
            t = {"0": dw}
        if "bias" in w:
            t["bias"] = w["bias"]
        return spec, t

    def tfjs_reference(self, cls, c, w, xs):
        F = torch.nn.functional
        x = xs[0]
        dk = w["depthwise_kernel"]                                   # (kh, kw, C, m)
        kh, kw, ch, mult = dk.shape
        weight = dk.permute(2, 3, 0, 1).reshape(ch * mult, 1, kh, kw)  # output channel c * m + j, as TF orders them
        s, d = T.ints(c.get("strides", 1), 2), T.ints(c.get("dilation_rate", 1), 2)
        xt = T.first(x)
        if c.get("padding", "valid") == "same":
            xt = F.pad(xt, T.same_pads(xt.shape[2:], (kh, kw), s, d))
        y = F.conv2d(xt, weight, None, stride=s, dilation=d, groups=ch)
        if "pointwise_kernel" in w:
            y = F.conv2d(y, w["pointwise_kernel"].permute(3, 2, 0, 1))
        if "bias" in w:
            y = y + w["bias"].reshape(1, -1, 1, 1)
        return T.ref_act(c)(T.last(y))


@register
class DepthwiseConv2D(_Depthwise):
    name = "depthwise_conv2d"
    cases = (
        Case((3, 8, 8), {"kernel_size": 3, "depth_multiplier": 2}, (6, 6, 6)),
        Case((2, 7, 7), {"kernel_size": 3, "strides": 2, "padding": "same", "use_bias": False}, (2, 4, 4)),
    )
    params = (_KERNEL, _STRIDES, _PADDING, _MULT, _DILATION, activation_param("relu"), _BIAS, *INIT_PARAMS,
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


@register
class SeparableConv2D(_Depthwise):
    name = "separable_conv2d"
    cases = (
        Case((3, 8, 8), {"filters": 5, "kernel_size": 3, "padding": "same"}, (5, 8, 8)),
        Case((2, 9, 9),
             {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2},
             (4, 5, 5)),
    )
    params = (_FILTERS, _KERNEL, _STRIDES, _PADDING, _MULT, _DILATION, activation_param("relu"), _BIAS,
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


__all__ = ["Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D", "get_layer"]


def _same_pads(k: int, s: int, start: int) -> tuple[int, int] | None:
    """Zero rows (front, back) that make LayerLab's 'same' crop start `start` pixels into the full stamps
    (for the TF.js import of a Conv2DTranspose)."""
    options = []
    for front in range(k + s + 1):
        for back in range(k + s + 1):
            kk = k + front + back
            if kk <= s:                      # LayerLab then crops nothing and fills up to size * strides
                options += [(front + back, front, back)] if -front == start else []
                continue
            pad = math.ceil((kk - s) / 2)
            if 2 * pad - (kk - s) < s and pad - front == start:   # torch needs output_padding < strides
                options.append((front + back, front, back))
    return min(options)[1:] if options else None
