"""One TF.js layer as a LayerLab layer dict and the tensors to load into it: the per-kind half of the import.

Keras keeps channels last, LayerLab first: `needs_move` says when LayerLab's tensor must change
layout before a TF.js layer, and `convert_layer` maps the layer itself (weights laid out as
tfjs_layout.py describes). Two kinds need more than a renaming:

* Conv2DTranspose: TF.js crops a 'same' output from its start by floor((kernel - strides) / 2),
  LayerLab by the ceiling. Where they differ (and for a Cropping2D after the layer, as LayerLab's
  own export writes) the kernel gets zero rows or columns in front, which moves LayerLab's crop
  by as many pixels: the outputs are the same, the imported kernel is larger.
* LayerNormalization over every axis but the batch, or over the last one (LayerLab's 'all' and
  'last'); gamma and beta of channels-last maps are moved to channels-first.

>>> ints([2, 3], 2), ints(2, 2), cropping(1), cropping([[0, 1], [1, 0]])
([2, 3], [2, 2], [[1, 1], [1, 1]], [[0, 1], [1, 0]])
"""
from __future__ import annotations

import math
import re
from typing import Any, Protocol

import numpy as np

from ..i18n import msg
from ..spec.errors import SpecError
from .tfjs_layout import ACT_FROM_TFJS, conv_kernel_from_tfjs, flatten_order

ELEMENTWISE = {"Dropout", "Activation", "GaussianNoise", "GaussianDropout", "AlphaDropout", "LeakyReLU",
               "ThresholdedReLU", "Softmax", "ReLU", "ELU"}
CL = re.compile(r"^(Conv[123]D|(Max|Average)Pooling[123]D|Global(Max|Average)Pooling[23]D|BatchNormalization|"
                r"DepthwiseConv2D|SeparableConv2D|UpSampling2D|Conv2DTranspose|Cropping2D)$")
SUPPORTED = ("InputLayer", "Dense", "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Cropping2D", "MaxPooling1D",
             "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
             "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Flatten",
             "Dropout", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "ThresholdedReLU", "GaussianNoise",
             "GaussianDropout", "AlphaDropout", "BatchNormalization", "LayerNormalization", "Reshape", "Permute",
             "Embedding", "SimpleRNN", "LSTM", "GRU", "DepthwiseConv2D", "SeparableConv2D", "UpSampling2D", "Add")


class State(Protocol):
    """What a conversion reads and changes besides the layer: the layout relation and a pending flatten order."""

    cl: bool                        # True: TF.js holds LayerLab's tensor with the channel axis moved last
    flat_perm: np.ndarray | None    # set by a flatten of channels-last maps: the next dense kernel reads that order
    notes: list[str]                # what the user should know about the imported project


def act(name: Any, where: str) -> str:
    """LayerLab's name for a TF.js activation."""
    if isinstance(name, dict):
        name = name.get("class_name")
    if name in ACT_FROM_TFJS:
        return ACT_FROM_TFJS[name]
    raise SpecError(where, msg("uses an activation LayerLab does not have"), name,
                    msg("supported activations: {listing}", listing=", ".join(sorted(a for a in ACT_FROM_TFJS if a))))


def ints(v: Any, n: int) -> list[int]:
    return [int(x) for x in v] if isinstance(v, (list, tuple)) else [int(v)] * n


def cropping(v: Any) -> list[list[int]]:
    """Keras' cropping (an int, one per axis, or (start, end) per axis) as [[top, bottom], [left, right]]."""
    if v is None:
        return [[0, 0], [0, 0]]
    return [ints(x, 2) for x in (v if isinstance(v, (list, tuple)) else [v, v])]


def _ln_axes(c: dict[str, Any], rank: int) -> list[int]:
    return sorted({a % (rank + 1) for a in ints(c.get("axis", -1), 1)})


def agnostic(layer: dict[str, Any]) -> bool:
    """A layer TF.js computes the same in either layout (elementwise, or a layer norm over all values)."""
    cls, axis = layer["class_name"], layer.get("config", {}).get("axis")
    return cls in ELEMENTWISE or (cls == "LayerNormalization" and isinstance(axis, list) and len(axis) > 1)


def needs_move(cls: str, c: dict[str, Any], rank: int, cl: bool, nxt: str | None) -> bool:
    """Whether LayerLab's tensor must move its channel axis before this TF.js layer."""
    if rank < 2 or cls in ELEMENTWISE or (cls.startswith("Global") and cls.endswith("1D")):
        return False  # elementwise, or pooling over positions: right in either layout
    if cls == "LayerNormalization" and _ln_axes(c, rank) == list(range(1, rank + 1)):
        return False  # over all values: gamma is laid out to match instead
    if cls == "Flatten":
        return cl and nxt != "Dense"  # a dense layer after it takes the reordering into its kernel
    if cls == "Permute":
        return cl
    return bool(CL.match(cls)) != cl


def convert_layer(st: State, cls: str, c: dict[str, Any], w: dict[str, np.ndarray], cur: tuple[int, ...],
                  where: str, rest: list[dict[str, Any]], crop: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(LayerLab layer dict, {parameter suffix: array}) for one TF.js layer whose input LayerLab holds as `cur`."""
    rank = len(cur)
    t: dict[str, np.ndarray] = {}
    a = c.get("activation")
    if cls == "Dense":
        spec = {"type": "dense", "units": int(c["units"]), "activation": act(a, where),
                "use_bias": bool(c.get("use_bias", True))}
        kernel = w["kernel"]  # (in, out)
        wt = kernel.T.copy()
        if st.flat_perm is not None:  # rows are in TF.js' flatten order: put them in LayerLab's
            wt = np.empty_like(wt)
            wt[:, st.flat_perm] = kernel.T
            st.flat_perm = None
        t = {"weight": wt, **({"bias": w["bias"]} if "bias" in w else {})}
    elif m := re.match(r"^Conv([123])D$", cls):
        nd = int(m.group(1))
        spec = {"type": f"conv{nd}d", "filters": int(c["filters"]), "kernel_size": ints(c["kernel_size"], nd),
                "strides": ints(c.get("strides", 1), nd), "padding": c.get("padding", "valid"),
                "dilation": ints(c.get("dilation_rate", 1), nd), "activation": act(a, where),
                "use_bias": bool(c.get("use_bias", True))}
        if spec["padding"] not in ("valid", "same"):
            raise SpecError(where, msg("uses a padding LayerLab does not have"), spec["padding"],
                            msg("use 'valid' or 'same'"))
        t = {"weight": conv_kernel_from_tfjs(w["kernel"]), **({"bias": w["bias"]} if "bias" in w else {})}
    elif cls in ("DepthwiseConv2D", "SeparableConv2D"):
        dk = w["depthwise_kernel"]                                   # (kh, kw, C, m)
        kh, kw, c_in, mult = dk.shape
        spec = {"type": "depthwise_conv2d" if cls == "DepthwiseConv2D" else "separable_conv2d",
                "kernel_size": [int(kh), int(kw)], "strides": ints(c.get("strides", 1), 2),
                "padding": c.get("padding", "valid"), "depth_multiplier": int(mult),
                "dilation": ints(c.get("dilation_rate", 1), 2), "activation": act(a, where),
                "use_bias": bool(c.get("use_bias", True))}
        dw = np.ascontiguousarray(dk.transpose(2, 3, 0, 1).reshape(c_in * mult, 1, kh, kw))
        if cls == "SeparableConv2D":
            spec["filters"] = int(c["filters"])
            t = {"0": dw, "1": conv_kernel_from_tfjs(w["pointwise_kernel"])}  # the two convolutions, in order
        else:
            t = {"0": dw}
        if "bias" in w:
            t["bias"] = w["bias"]
    elif cls == "UpSampling2D":
        if c.get("interpolation", "nearest") != "nearest":
            raise SpecError(where, msg("bilinear upsampling in TF.js samples pixels differently from LayerLab"),
                            c.get("interpolation"), msg("use interpolation 'nearest'"))
        spec = {"type": "upsampling2d", "size": ints(c.get("size", 2), 2), "interpolation": "nearest"}
    elif m := re.match(r"^(Max|Average)Pooling([123])D$", cls):
        nd = int(m.group(2))
        size = ints(c.get("pool_size", 2), nd)
        spec = {"type": f"{'max' if m.group(1) == 'Max' else 'avg'}_pool{nd}d", "pool_size": size,
                "strides": ints(c.get("strides") or size, nd), "padding": c.get("padding", "valid")}
    elif m := re.match(r"^Global(Max|Average)Pooling([123])D$", cls):
        spec = {"type": f"global_{'max' if m.group(1) == 'Max' else 'avg'}_pool", "keep": "first" if st.cl else "last"}
    elif cls == "Flatten":
        if st.cl and rank >= 2:  # (a dense layer follows: others got a permute above)
            st.flat_perm = flatten_order(cur)
        st.cl = False
        spec = {"type": "flatten"}
    elif cls in ("Dropout", "AlphaDropout", "GaussianDropout"):
        kind = {"Dropout": "dropout", "AlphaDropout": "alpha_dropout", "GaussianDropout": "gaussian_dropout"}[cls]
        spec = {"type": kind, "rate": float(c.get("rate", 0.0))}
    elif cls == "GaussianNoise":
        spec = {"type": "gaussian_noise", "stddev": float(c.get("stddev", 0.0))}
    elif cls in ("Activation", "ReLU", "ELU", "Softmax", "LeakyReLU", "ThresholdedReLU"):
        name_act = {"ReLU": "relu", "ELU": "elu", "Softmax": "softmax", "LeakyReLU": "leaky_relu",
                    "ThresholdedReLU": "thresholded_relu"}.get(cls) or act(a, where)
        # (LayerLab's value, TF.js' default when the file leaves it out; Keras 3 calls LeakyReLU's alpha negative_slope)
        fixed = {"LeakyReLU": ("alpha", 0.01, c.get("negative_slope", 0.3)), "ThresholdedReLU": ("theta", 1.0, 1.0),
                 "ELU": ("alpha", 1.0, 1.0)}
        if cls in fixed and abs(float(c.get(fixed[cls][0], fixed[cls][2])) - fixed[cls][1]) > 1e-7:
            param, default, value = fixed[cls][0], fixed[cls][1], c.get(fixed[cls][0], fixed[cls][2])
            raise SpecError(where, msg("{cls} with {param}={value} has no LayerLab equivalent", cls=cls, param=param,
                                       value=value), value, msg("use {param}={value}", param=param, value=default))
        if cls == "ReLU" and c.get("max_value") not in (None, 6):
            raise SpecError(where, msg("ReLU with this max_value has no LayerLab equivalent"), c.get("max_value"),
                            msg("use no max_value, or 6 (relu6)"))
        if cls == "ReLU" and c.get("max_value") == 6:
            name_act = "relu6"
        spec = {"type": "activation", "activation": name_act}
    elif cls == "BatchNormalization":
        scale = bool(c.get("scale", True)) and bool(c.get("center", True))
        spec = {"type": "batch_norm", "momentum": float(c.get("momentum", 0.99)),
                "epsilon": float(c.get("epsilon", 1e-3)), "scale": scale}
        t = {"running_mean": w["moving_mean"], "running_var": w["moving_variance"]}
        if scale:
            t.update(weight=w["gamma"], bias=w["beta"])
    elif cls == "Reshape":
        target = tuple(int(d) for d in c["target_shape"])
        if rank == 1 and len(target) >= 2 and target[-1] == 1:
            # flat -> (..., 1): with one channel, channels-first holds the values in the same order
            spec = {"type": "reshape", "target_shape": [1, *target[:-1]]}
            nxt = next((b for b in rest if not agnostic(b)), None)
            st.cl = nxt is not None and bool(CL.match(nxt["class_name"]))
            if not st.cl:
                spec["target_shape"] = list(target)
        elif st.cl:
            raise SpecError(where, msg("reshapes channels-last feature maps, which LayerLab cannot map"), target,
                            msg("use a flatten instead"))
        else:
            spec = {"type": "reshape", "target_shape": list(target)}
    elif cls == "Embedding":
        spec = {"type": "embedding", "input_dim": int(c["input_dim"]), "output_dim": int(c["output_dim"])}
        t = {"weight": w["embeddings"]}
    elif cls in ("SimpleRNN", "LSTM", "GRU"):
        spec, t = _recurrent(cls, c, w, a, where)
    elif cls == "Conv2DTranspose":
        spec, t = conv_transpose(st, c, w, cur, crop, where)
    elif cls == "LayerNormalization":
        spec, t = layer_norm(st, c, w, cur, where)
    elif cls == "Cropping2D":  # one right after a Conv2DTranspose is read with it (crop)
        raise SpecError(where, msg("a Cropping2D can only be imported right after a Conv2DTranspose, as part of it"),
                        cls, msg("crop the images before they reach the model, or remove the Cropping2D"))
    else:  # pragma: no cover - every SUPPORTED name is handled above
        raise SpecError(where, msg("is not handled"), cls)
    return spec, t


def _same_pads(k: int, s: int, start: int) -> tuple[int, int] | None:
    """Zero rows (front, back) that make LayerLab's 'same' crop start `start` pixels into the full stamps."""
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


def conv_transpose(st: State, c: dict[str, Any], w: dict[str, np.ndarray], cur: tuple[int, ...], crop: Any,
                   where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """conv2d_transpose for a Conv2DTranspose (and the Cropping2D right after it, if any)."""
    bad = ("dilation_rate", 1) if ints(c.get("dilation_rate") or 1, 2) != [1, 1] else \
        ("output_padding", None) if c.get("output_padding") is not None else None
    if bad:
        raise SpecError(where, msg("{cls} with {param}={value} has no LayerLab equivalent", cls="Conv2DTranspose",
                                   param=bad[0], value=c[bad[0]]), c[bad[0]],
                        msg("use {param}={value}", param=bad[0], value=bad[1]))
    padding = c.get("padding", "valid")
    if padding not in ("valid", "same"):
        raise SpecError(where, msg("uses a padding LayerLab does not have"), padding, msg("use 'valid' or 'same'"))
    kernel = w["kernel"]                                         # (kh, kw, filters, in)
    k, s, crops = [int(d) for d in kernel.shape[:2]], ints(c.get("strides", 1), 2), cropping(crop)
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
        st.notes.append(f"{c.get('name', 'Conv2DTranspose')}: kernel {k[0]}x{k[1]} imported as {size[0]}x{size[1]} "
                        "with zero rows/columns in front, so that LayerLab crops its output where TF.js does")
    spec = {"type": "conv2d_transpose", "filters": int(kernel.shape[2]), "kernel_size": size, "strides": s,
            "padding": "same" if pads is same else "valid", "activation": act(c.get("activation"), where),
            "use_bias": bool(c.get("use_bias", True))}
    return spec, {"weight": np.ascontiguousarray(weight), **({"bias": w["bias"]} if "bias" in w else {})}


def layer_norm(st: State, c: dict[str, Any], w: dict[str, np.ndarray], cur: tuple[int, ...],
               where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """layer_norm over all values or the last axis; LayerLab has one switch (scale) for both gamma and beta."""
    rank = len(cur)
    axes = _ln_axes(c, rank)
    over_all = axes == list(range(1, rank + 1))
    if not over_all and axes != [rank]:
        raise SpecError(where, msg("normalises over the axes {axes}; LayerLab's layer_norm normalises over all values "
                                   "of a sample or over its last axis", axes=axes), c.get("axis"),
                        msg("use axis -1, or every axis but the batch: {axes}", axes=list(range(1, rank + 1))))
    center, scale = bool(c.get("center", True)), bool(c.get("scale", True))
    spec = {"type": "layer_norm", "over": "all" if over_all else "last", "epsilon": float(c.get("epsilon", 1e-3)),
            "scale": center or scale}
    if not (center or scale):
        return spec, {}
    like = w["gamma"] if scale else w["beta"]
    gamma, beta = (w["gamma"] if scale else np.ones_like(like)), (w["beta"] if center else np.zeros_like(like))
    if over_all and st.cl and rank >= 2:  # TF.js holds the values channels-last: (*spatial, C) -> (C, *spatial)
        gamma, beta = np.moveaxis(gamma, -1, 0), np.moveaxis(beta, -1, 0)
    return spec, {"weight": np.ascontiguousarray(gamma), "bias": np.ascontiguousarray(beta)}


GATES = ("sigmoid", "hard_sigmoid", "tanh", "relu", "linear")  # the choices of lstm/gru's recurrent_activation


def _recurrent(cls: str, c: dict[str, Any], w: dict[str, np.ndarray], a: Any, where: str) -> tuple[dict, dict]:
    """SimpleRNN, LSTM or GRU; TF.js' default gates (hard_sigmoid) and its GRU (reset before) included."""
    if c.get("go_backwards") or c.get("stateful") or c.get("return_state"):
        raise SpecError(where, msg("go_backwards, stateful or return_state recurrent layers cannot be imported"),
                        cls, msg("save the model without those options"))
    a = act(a, where)
    if a != "tanh":
        raise SpecError(where, msg("{cls} with activation {act!r} has no LayerLab equivalent (it uses tanh)",
                                   cls=cls, act=a), a, msg("use activation 'tanh'"))
    spec: dict[str, Any] = {"type": {"LSTM": "lstm", "GRU": "gru"}.get(cls, "simple_rnn"), "units": int(c["units"]),
                            "return_sequences": bool(c.get("return_sequences", False))}
    if cls != "SimpleRNN":
        raw = c.get("recurrent_activation", "hard_sigmoid")   # absent: TF.js' default
        gate = ACT_FROM_TFJS.get(raw, raw)
        if gate not in GATES:
            raise SpecError(where, msg("{cls} gates use recurrent_activation {act!r}, which LayerLab's {kind} has not",
                                       cls=cls, act=raw, kind=spec["type"]), raw,
                            msg("use one of: {listing}", listing=", ".join(GATES)))
        spec["recurrent_activation"] = gate
    kernel, rec = w["kernel"].T, w["recurrent_kernel"].T             # (gates * units, features), Keras' gate order
    bias = w.get("bias")
    zero = np.zeros(kernel.shape[0], np.float32)
    b_ih, b_hh = (zero, zero) if bias is None else (bias, zero)
    if cls == "GRU":
        reset_after = bool(c.get("reset_after", False))          # TF.js' GRU resets before (it has no such key)
        spec["reset_after"] = reset_after
        if bias is not None and bias.ndim == 2:                   # Keras' reset_after: input and recurrent bias
            b_ih, b_hh = bias[0], bias[1]
        kernel, rec, b_ih, b_hh = (_zrh_to_rzn(v) for v in (kernel, rec, b_ih, b_hh))  # Keras z, r, h -> torch r, z, n
    t = {"weight_ih_l0": kernel, "weight_hh_l0": rec, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh}
    return spec, t


def _zrh_to_rzn(v: np.ndarray) -> np.ndarray:
    z, r, h = np.split(v, 3, axis=0)
    return np.ascontiguousarray(np.concatenate([r, z, h], axis=0))
