"""What conv2d_transpose, depthwise_conv2d and separable_conv2d share: their parameters, the image
convolution base (ImageConv: rank check, build and code with the activation) and the depthwise step
(Depthwise: geometry, code and TF.js adapters) that depthwise_conv2d and separable_conv2d both start with.
Each kind is declared in its own module (conv2d_transpose.py, depthwise_conv2d.py, separable_conv2d.py).
"""
from __future__ import annotations

import numpy as np
import torch

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec.params import Param
from . import modules as M
from .activations import ACTIVATIONS
from .base import LayerKind, from_code
from .conv_base import as_tuple, conv_code, rank_error, spatial_check
from .initializers import init_module, reg_kwargs
from . import tfjs_support as T


def _p(name, kind, default, en, **kw) -> Param:
    return Param(name, kind, default, en, **kw)


FILTERS = _p("filters", "int", 16, "Number of filters (output channels).",
              min=1, max=4096, suggested=(8, 16, 32, 64))
KERNEL = _p("kernel_size", "int_or_ints", 3, "Size of each filter window.",
             min=1, length=2)
STRIDES = _p("strides", "int_or_ints", 1, "Step between windows.",
              min=1, length=2, expert=True)
PADDING = _p("padding", "choice", "valid", "'valid' shrinks the output, 'same' keeps its size (divided by the "
              "strides).",
              choices=("valid", "same"))
DILATION = _p("dilation", "int_or_ints", 1, "Gaps inside the window (atrous convolution).",
               min=1, length=2, expert=True)
MULT = _p("depth_multiplier", "int", 1, "Filters per input channel.",
           min=1, max=64, expert=True)
BIAS = _p("use_bias", "bool", True, "Add a learned offset per output channel.",
           expert=True)


class ImageConv(LayerKind):
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


class Depthwise(ImageConv):
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
