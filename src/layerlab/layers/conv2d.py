"""conv2d: slides small learned filters over an image (channels, height, width) to find patterns like edges.

>>> k = get_layer("conv2d"); p = k.resolve({"filters": 4, "kernel_size": 3, "padding": "same"}, "l")
>>> k.infer_shape(p, (1, 8, 8), "l"), k.param_count(p, (1, 8, 8))
((4, 8, 8), 40)
"""
from __future__ import annotations

from torch import nn

from .base import Case, get_layer, register
from .conv_base import Conv, conv_in
from .latex import activated, bmatrix, num, weighted_sum, wrap


@register
class Conv2D(Conv):
    name = "conv2d"
    cases = (
        Case((1, 8, 8), {"filters": 4, "kernel_size": 3, "padding": "same"}, (4, 8, 8)),
        Case((3, 9, 7), {"filters": 2, "kernel_size": [3, 2], "strides": [2, 3], "padding": "same"}, (2, 5, 3)),
        Case((2, 9, 9), {"filters": 3, "kernel_size": 3, "dilation": 2, "use_bias": False}, (3, 5, 5)),
    )
    dims = 2
    params = Conv._params(2)
    summary = "Slides small filters over an image to find patterns like edges."
    explain = ("Each filter is a small grid of weights. It slides over the image and at every spot "
               "measures how much the patch looks like the filter: the result is a feature map.")
    latex = r"y = f(W * x + b)"

    def numeric_math(self, p, module, max_weights=16, digits=4):
        conv = conv_in(module)
        if conv is None or conv.weight.numel() > max_weights:
            return None
        w = conv.weight.detach()                                    # (filters, in_channels, kh, kw)
        parts = []
        for c in range(w.shape[0]):
            terms = " + ".join(rf"{bmatrix(w[c, k].tolist(), digits)} \star x_{{{k + 1}}}" for k in range(w.shape[1]))
            bias = f" + {num(float(conv.bias[c].detach()), digits)}" if conv.bias is not None else ""
            parts.append(wrap(p.get("activation"), f"{terms}{bias}").replace("y =", f"y_{{{c + 1}}} =", 1))
        return r" \\ ".join(parts)

    def worked_math(self, p, module, x_in, y, digits=3, shown=4):
        conv = conv_in(module)
        if not isinstance(conv, nn.Conv2d) or x_in.dim() != 3 or y.dim() != 3 or conv.groups != 1:
            return None
        c = int(y.abs().amax(dim=(1, 2)).argmax())                  # the busiest feature map
        r, q = divmod(int(y[c].abs().argmax()), y.shape[2])         # and its strongest position
        kh, kw = conv.kernel_size
        (sh, sw), (dh, dw) = conv.stride, conv.dilation
        xp = x_in[None]
        core = module.core if hasattr(module, "core") else module
        if isinstance(core, nn.Sequential):                         # explicit zero padding before the conv
            for m in core:
                if m is conv:
                    break
                xp = m(xp)
        if conv.padding == "same":
            th, tw = dh * (kh - 1), dw * (kw - 1)
            xp = nn.functional.pad(xp, (tw // 2, tw - tw // 2, th // 2, th - th // 2))
        elif isinstance(conv.padding, tuple) and any(conv.padding):
            xp = nn.functional.pad(xp, (conv.padding[1], conv.padding[1], conv.padding[0], conv.padding[0]))
        patch = xp[0, :, r * sh: r * sh + (kh - 1) * dh + 1: dh, q * sw: q * sw + (kw - 1) * dw + 1: dw]
        w = conv.weight[c].detach()
        if patch.shape != w.shape:
            return None
        b = float(conv.bias[c].detach()) if conv.bias is not None else None
        z = float((patch * w).sum()) + (b or 0.0)
        pre = core(x_in[None])[0, c, r, q]                          # the layer's own sum, before its activation
        if not pre.new_tensor(z).isclose(pre, rtol=1e-3, atol=1e-4):
            return None                                             # a layout this sketch does not know
        inner = weighted_sum(w.flatten().tolist(), patch.flatten().tolist(), b, shown, digits)
        return activated(p.get("activation"), f"y_{{{c + 1}}}[{r + 1},{q + 1}]", inner, z, float(y[c, r, q]), digits), c


__all__ = ["Conv2D", "get_layer"]
