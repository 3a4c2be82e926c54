"""conv2d_transpose: makes an image larger with learned filters (the reverse of a strided conv2d).

Sizes follow Keras: a transposed convolution makes an image `strides` times larger ('same') or
(size - 1) * strides + max(kernel, strides) ('valid').

>>> t = get_layer("conv2d_transpose"); p = t.resolve({"filters": 8, "kernel_size": 3, "strides": 2,
...     "padding": "same"}, "l")
>>> t.infer_shape(p, (16, 7, 7), "l")
(8, 14, 14)
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from .activations import activation_param
from .base import Case, get_layer, numel, register, weight_flops
from .conv_base import as_tuple
from .image_conv_base import BIAS, FILTERS, KERNEL, PADDING, STRIDES, ImageConv
from .initializers import INIT_PARAMS, REGULARIZER_PARAMS
from . import tfjs_support as T


@register
class Conv2DTranspose(ImageConv):
    name = "conv2d_transpose"
    cases = (
        Case((3, 5, 5), {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"}, (2, 10, 10)),
        Case((2, 4, 4), {"filters": 3, "kernel_size": 2, "strides": 3}, (3, 12, 12)),
        Case((2, 4, 6), {"filters": 2, "kernel_size": [3, 4], "strides": [1, 2]}, (2, 6, 14)),
        Case((2, 4, 4), {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same"}, (2, 8, 8)),
        Case((2, 4, 4), {"filters": 2, "kernel_size": 3, "padding": "same"}, (2, 4, 4)),
    )
    params = (FILTERS, KERNEL, STRIDES, PADDING, activation_param("relu"), BIAS, *INIT_PARAMS,
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


__all__ = ["Conv2DTranspose", "get_layer"]
