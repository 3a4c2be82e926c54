"""What conv1d, conv2d and conv3d (one module each) share, and the window arithmetic other kinds use too
(pooling, upsampling, the image convolutions): the Conv base (parameters per rank, shape rule, costs, code,
math, TF.js adapters), as_tuple, conv_out, the 'same' paddings, spatial_check, conv_code and rank_error.

>>> conv_out(9, 3, 2, "same"), conv_out(9, 3, 2, "valid"), strided_same_padding(9, 3, 2)
(5, 4, (1, 1))
"""
from __future__ import annotations

import math

from torch import nn

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec.params import Param
from . import modules as M
from .activations import ACTIVATIONS, activation_param, build_activation
from .base import LAYERS, LayerKind, numel, weight_flops
from .initializers import INIT_PARAMS, REGULARIZER_PARAMS, init_module, reg_kwargs
import torch
from . import tfjs_support as T

_WHAT = {1: msg("a signal of shape (channels, length)"), 2: msg("an image of shape (channels, height, width)"),
         3: msg("a volume of shape (channels, depth, height, width)")}


def conv_in(module: nn.Module) -> nn.Module | None:
    """The convolution inside a spec layer's module (it may sit behind padding)."""
    return next((m for m in module.modules() if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Conv3d))), None)


def as_tuple(v, n: int) -> tuple[int, ...]:
    """An int or a tuple of ints as an n-tuple."""
    return tuple(v) if isinstance(v, (tuple, list)) else (int(v),) * n


def conv_out(size: int, k: int, s: int, pad: str, d: int = 1) -> int:
    """Output length along one axis (PyTorch/Keras rules for 'valid' and 'same')."""
    if pad == "same":
        return math.ceil(size / s)
    return (size - d * (k - 1) - 1) // s + 1


def same_padding(k: int, d: int = 1) -> tuple[int, int]:
    """(left, right) zero padding that keeps the size at stride 1."""
    total = d * (k - 1)
    return total // 2, total - total // 2


def strided_same_padding(size: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """(left, right) padding for 'same' with a stride, as Keras/TensorFlow compute it."""
    total = max((math.ceil(size / s) - 1) * s + d * (k - 1) + 1 - size, 0)
    return total // 2, total - total // 2


def spatial_check(layer: LayerKind, in_shape, k, s, pad, d, path: str, key: str = "kernel_size",
                  raw=None) -> tuple[int, ...]:
    """Output spatial sizes, or a SpecError with fixes when the window is larger than the input.

    `raw` is the value as the user typed it (9, not [9, 9]) for the error's "Received".
    """
    spatial = in_shape[1:]
    out = []
    for i, size in enumerate(spatial):
        span = d[i] * (k[i] - 1) + 1
        if pad == "valid" and span > size:
            fit = tuple(min(k[j], spatial[j]) for j in range(len(spatial)))
            fit_v = fit[0] if len(set(fit)) == 1 else list(fit)
            fixes = [Fix(msg("shrink {key} to {value}", key=key, value=fit_v),
                         [{"op": "set", "path": f"{path}.{key}", "value": fit_v}])]
            if "padding" in {p.name for p in layer.params}:
                fixes.append(Fix(msg("use padding 'same'"),
                                 [{"op": "set", "path": f"{path}.padding", "value": "same"}]))
            typed = raw if raw is not None else (list(k) if len(set(k)) > 1 else k[0])
            typed = list(typed) if isinstance(typed, tuple) else typed
            raise SpecError(f"{path}.{key}", msg("the window ({span} wide) is larger than its input ({size} wide)",
                                                 span=span, size=size),
                            typed, msg("use a {key} of at most {size}, or padding 'same'", key=key, size=size), fixes)
        o = conv_out(size, k[i], s[i], pad, d[i])
        if o < 1:
            raise SpecError(f"{path}.strides", msg("the stride leaves no output"), s, msg("use a smaller stride"))
        out.append(o)
    return tuple(out)


def conv_code(cls: str, args: str, spatial, k, s, d, padding: str) -> str:
    """Code of a convolution with Keras' 'same' rule: PyTorch's own at stride 1, else explicit zero padding."""
    if padding == "valid":
        return f"{cls}({args})"
    if all(x == 1 for x in s):
        return f"{cls}({args}, padding='same')"
    pads: list[int] = []
    for size, ki, si, di in reversed(list(zip(spatial, k, s, d))):
        pads.extend(strided_same_padding(size, ki, si, di))
    # Keras/TensorFlow put the odd extra pixel on the right; F.pad lists the last axis first
    return f"nn.Sequential(nn.ZeroPad{len(k)}d({tuple(pads)}), {cls}({args}))"


def _sibling(name: str, dims: int, rank: int) -> str | None:
    """The registered variant of a layer for another number of axes (conv2d -> conv1d), if any."""
    want = rank - 1
    if name.endswith(f"{dims}d") and 1 <= want <= 3 and name[:-2] + f"{want}d" in LAYERS:
        return name[:-2] + f"{want}d"
    return None


def rank_error(layer: LayerKind, dims: int, in_shape, path: str, alternative: Fix | None = None) -> SpecError:
    """A wrong-rank error with the obvious fixes: reshape flat input, or use the variant for this rank.

    `alternative` replaces the default last resort for flat input (swap in a dense layer).
    """
    fixes: list[Fix] = []
    sibling = _sibling(layer.name, dims, len(in_shape))
    if len(in_shape) == 1:
        n = in_shape[0]
        side = math.isqrt(n)
        if dims == 2 and side * side == n:
            fixes.append(Fix(msg("insert a reshape to (1, {side}, {side}) before it", side=side),
                             [{"op": "insert", "path": path, "value": {"type": "reshape", "target_shape": [1, side, side]}}]))
        if dims == 1:
            fixes.append(Fix(msg("insert a reshape to (1, {n}) before it", n=n),
                             [{"op": "insert", "path": path, "value": {"type": "reshape", "target_shape": [1, n]}}]))
        last = alternative or Fix(msg("replace it by a dense layer"), [
            {"op": "set", "path": path, "value": {"type": "dense", "units": 32, "activation": "relu"}}])
        fixes.append(last)
        hint = msg("insert a reshape before it that makes {what}, or {alternative}", what=_WHAT[dims],
                   alternative=last.description)
    elif sibling:
        fixes.append(Fix(msg("use {sibling} instead", sibling=sibling),
                         [{"op": "set", "path": f"{path}.type", "value": sibling}]))
        hint = msg("use {sibling} for input of this shape, or reshape the input", sibling=sibling)
    else:
        hint = msg("change the layers before it so that they give {what}", what=_WHAT[dims])
    return SpecError(path, msg("{name} needs {what}", name=layer.name, what=_WHAT[dims]),
                     msg("input of shape {shape}", shape=tuple(in_shape)), hint, fixes)


class Conv(LayerKind):
    dims = 2
    family = "convolution"

    @classmethod
    def _params(cls, dims: int):
        return (
            Param("filters", "int", 16, "Number of filters (output channels).", min=1, max=4096,
                  suggested=(8, 16, 32, 64)),
            Param("kernel_size", "int_or_ints", 3, "Size of each filter window.", min=1, length=dims),
            Param("strides", "int_or_ints", 1, "Step between windows.", min=1, length=dims, expert=True),
            Param("padding", "choice", "valid", "'valid' shrinks the output, 'same' keeps its size.",
                  choices=("valid", "same")),
            Param("dilation", "int_or_ints", 1, "Gaps inside the window (atrous convolution).", min=1, length=dims,
                  expert=True),
            activation_param("relu"),
            Param("use_bias", "bool", True, "Add a learned offset per filter.", expert=True),
            *INIT_PARAMS, *REGULARIZER_PARAMS,
        )

    def _kds(self, p):
        n = self.dims
        return as_tuple(p["kernel_size"], n), as_tuple(p["strides"], n), as_tuple(p["dilation"], n)

    def infer_shape(self, p, in_shape, path):
        if len(in_shape) != self.dims + 1:
            raise rank_error(self, self.dims, in_shape, path)
        k, s, d = self._kds(p)
        if p["padding"] == "same" and any(x > 1 for x in s) and any(x > 1 for x in d):
            raise SpecError(f"{path}.dilation", msg("dilation > 1 cannot be combined with strides > 1"),
                            p["dilation"], msg("set dilation or strides to 1"),
                            [Fix(msg("set dilation to 1"), [{"op": "set", "path": f"{path}.dilation", "value": 1}])])
        return (p["filters"], *spatial_check(self, in_shape, k, s, p["padding"], d, path, raw=p["kernel_size"]))

    def param_count(self, p, in_shape):
        k, _, _ = self._kds(p)
        return in_shape[0] * p["filters"] * math.prod(k) + (p["filters"] if p["use_bias"] else 0) + (
            1 if p["activation"] == "prelu" else 0)

    def flops(self, p, in_shape, out_shape):
        k, _, _ = self._kds(p)
        return weight_flops(in_shape[0] * p["filters"] * math.prod(k), numel(out_shape[1:]), out_shape, p)

    def _core_code(self, p, in_shape) -> str:
        k, s, d = self._kds(p)
        args = f"{in_shape[0]}, {p['filters']}, kernel_size={k}, stride={s}, dilation={d}, bias={p['use_bias']}"
        return conv_code(f"nn.Conv{self.dims}d", args, in_shape[1:], k, s, d, p["padding"])

    def build(self, p, in_shape):
        core = eval(self._core_code(p, in_shape), {"nn": nn})  # the same text the scripts use
        init_module(core, p["kernel_initializer"], p["bias_initializer"])
        return M.Activated(core, build_activation(p["activation"]), **reg_kwargs(p))

    def code(self, p, in_shape):
        return f"Activated({self._core_code(p, in_shape)}, {ACTIVATIONS[p['activation']].code})"

    def math(self, p, in_shape=None):
        idx = {1: "i", 2: "i,j", 3: "d,i,j"}[self.dims]
        return (rf"y_{{c,{idx}}} = f\left(b_c + \sum_{{c'}} \sum_{{\text{{window}}}} w_{{c,c',\dots}}\,"
                rf" x_{{c',{idx}+\dots}}\right),\ c = 1..{p['filters']}")

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_channels_last = True

    @property
    def keras_classes(self):
        return (f"Conv{self.dims}D",)

    def tfjs_export(self, row, module, ctx):
        p, nd, st = row.resolved, self.dims, T.state(module)
        act, extra = T.split_act(p, len(row.out_shape))
        weight, bias = T.find(st, "weight"), T.find(st, "bias")
        ctx.b.add(f"Conv{nd}D", {"filters": int(weight.shape[0]), "kernel_size": list(weight.shape[2:]),
                                 "strides": T.ints(p.get("strides", 1), nd), "padding": p.get("padding", "valid"),
                                 "dilation_rate": T.ints(p.get("dilation", 1), nd), "data_format": "channels_last",
                                 "activation": act, "use_bias": bias is not None},
                  T.with_bias({"kernel": T.conv_kernel_to_tfjs(weight)}, bias))
        if extra:
            ctx.b.activation(extra, len(row.out_shape), ctx.cl, row.path)

    def tfjs_import(self, layer, ctx):
        c, w, where, nd = layer.config, layer.weights, layer.where, self.dims
        spec = {"type": self.name, "filters": int(c["filters"]), "kernel_size": T.ints(c["kernel_size"], nd),
                "strides": T.ints(c.get("strides", 1), nd), "padding": c.get("padding", "valid"),
                "dilation": T.ints(c.get("dilation_rate", 1), nd),
                "activation": T.keras_act(c.get("activation"), where),
                "use_bias": bool(c.get("use_bias", True))}
        if spec["padding"] not in ("valid", "same"):
            raise SpecError(where, msg("uses a padding LayerLab does not have"), spec["padding"],
                            msg("use 'valid' or 'same'"))
        return spec, {"weight": T.conv_kernel_from_tfjs(w["kernel"]), **({"bias": w["bias"]} if "bias" in w else {})}

    def tfjs_reference(self, cls, c, w, xs):
        x = xs[0]
        nd = x.dim() - 2
        k = w["kernel"]                                              # (*k, I, O)
        weight = k.permute(nd + 1, nd, *range(nd))                   # (O, I, *k)
        s, d = T.ints(c.get("strides", 1), nd), T.ints(c.get("dilation_rate", 1), nd)
        xt = T.first(x)
        if c.get("padding", "valid") == "same":
            xt = torch.nn.functional.pad(xt, T.same_pads(xt.shape[2:], weight.shape[2:], s, d))
        y = getattr(torch.nn.functional, f"conv{nd}d")(xt, weight, w.get("bias"), stride=s, dilation=d)
        return T.ref_act(c)(T.last(y))


__all__ = ["Conv", "as_tuple", "conv_code", "conv_in", "conv_out", "rank_error", "same_padding",
           "spatial_check", "strided_same_padding"]
