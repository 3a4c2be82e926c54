"""One LayerLab layer as TF.js Layers configs and weights: the per-kind half of the TF.js export.

`Builder` collects Keras layer configs with named weights and the edges between them (a
chain, or a graph once a residual block adds a branch); `convert` turns one layer, given the
layout its input arrives in, into one or more of them. Weight layouts are in tfjs_layout.py.

>>> b = Builder()
>>> b.add("Dense", {"units": 2}), b.add("Dense", {"units": 1}), b.layers[1]["inbound_nodes"]
('dense_1', 'dense_2', [[['dense_1', 0, 0, {}]]])
"""
from __future__ import annotations

import re
from typing import Any, Protocol

import numpy as np
import torch

from ..i18n import msg
from ..layers.modules import GatedRNN
from ..layers.stack import Row
from ..spec.errors import SpecError
from .tfjs_layout import ACT_TO_TFJS, conv_kernel_to_tfjs, conv_transpose_kernel_to_tfjs, flatten_order, permute_dims

ELEMENTWISE = {"dropout", "activation", "gaussian_noise", "gaussian_dropout", "alpha_dropout"}
POOL = re.compile(r"^(max|avg|average)_pool(?:ing)?([123])d$")
GPOOL = re.compile(r"^global_(max|avg|average)_pool(?:ing)?(?:([123])d)?$")
CONV = re.compile(r"^conv([123])d$")
RNN = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN", "rnn": "SimpleRNN"}
DEPTHWISE = {"depthwise_conv2d": "DepthwiseConv2D", "separable_conv2d": "SeparableConv2D"}
INPUT = "input_1"  # the InputLayer's name in a graph (and for token inputs)


class Builder:
    """Keras layer configs, named weights and edges collected while walking the LayerLab layers."""

    def __init__(self):
        self.layers: list[dict[str, Any]] = []
        self.weights: list[tuple[str, np.ndarray]] = []
        self.count: dict[str, int] = {}
        self.cur = INPUT          # the layer whose output the next layer reads
        self.graph = False        # True once a layer reads two inputs (an Add): the model must be functional

    def add(self, cls: str, config: dict[str, Any], weights: dict[str, np.ndarray] | None = None,
            inputs: list[str] | None = None) -> str:
        """Append a layer reading `inputs` (default: the previous layer); returns its name."""
        n = self.count[cls] = self.count.get(cls, 0) + 1
        name = f"{re.sub(r'(?<!^)(?=[A-Z])', '_', cls).lower()}_{n}"
        self.layers.append({"class_name": cls, "config": {"name": name, "trainable": True, "dtype": "float32", **config},
                            "name": name, "inbound_nodes": [[[i, 0, 0, {}] for i in inputs or [self.cur]]]})
        for key, arr in (weights or {}).items():
            self.weights.append((f"{name}/{key}", np.asarray(arr, dtype=np.float32)))
        self.graph = self.graph or len(inputs or []) > 1
        self.cur = name
        return name

    def activation(self, act: str, rank: int, cl: bool, path: str) -> None:
        """A separate layer for an activation that Keras' `activation` string cannot say."""
        if act == "linear":
            return
        if act == "softmax" and rank >= 2:
            self.add("Softmax", {"axis": -1 if cl else 1})
        elif act in ACT_TO_TFJS:
            self.add("Activation", {"activation": ACT_TO_TFJS[act]})
        elif act == "leaky_relu":
            self.add("LeakyReLU", {"alpha": 0.01})
        elif act == "thresholded_relu":
            self.add("ThresholdedReLU", {"theta": 1.0})
        else:
            raise SpecError(f"{path}.activation", msg("this activation has no TF.js equivalent"), act,
                            msg("use one of: {listing}",
                                listing=", ".join([*ACT_TO_TFJS, "leaky_relu", "thresholded_relu"])))


class Layout(Protocol):
    """What a converter reads and changes besides the builder: the tensor's layout and a pending flatten order."""

    b: Builder
    cl: bool
    flat_perm: np.ndarray | None


def state(module: torch.nn.Module) -> dict[str, np.ndarray]:
    return {k: v.detach().float().numpy() for k, v in module.state_dict().items()}


def find(st: dict[str, np.ndarray], suffix: str) -> np.ndarray | None:
    hits = [v for k, v in st.items() if k == suffix or k.endswith("." + suffix)]
    return hits[0] if hits else None


def split_act(p: dict[str, Any], rank: int) -> tuple[str, str | None]:
    """(activation string for the layer itself, activation needing its own layer or None)."""
    act = p.get("activation") or "linear"
    if act in ACT_TO_TFJS and not (act in ("softmax", "log_softmax") and rank >= 2):
        return ACT_TO_TFJS[act], None
    return "linear", act


def _ints(v: Any, n: int) -> list[int]:
    return [int(x) for x in v] if isinstance(v, (list, tuple)) else [int(v)] * n


def _bias(weights: dict[str, Any], bias: np.ndarray | None) -> dict[str, Any]:
    return {**weights, **({"bias": bias} if bias is not None else {})}


def convert(w: Layout, row: Row, module: torch.nn.Module, rest: list[Row]) -> None:
    """Add the TF.js layers for one LayerLab layer whose input is laid out as w.cl says."""
    b, kind, p, shape = w.b, row.type, row.resolved, tuple(row.in_shape)
    rank = len(shape)
    st = state(module)
    act, extra = split_act(p, len(row.out_shape))
    if kind == "dense":
        weight, bias = find(st, "weight"), find(st, "bias")
        kernel = weight.T
        if w.flat_perm is not None:  # the flatten before it gave TF.js' order: read the rows in that order
            kernel, w.flat_perm = kernel[w.flat_perm], None
        b.add("Dense", {"units": int(weight.shape[0]), "activation": act, "use_bias": bias is not None},
              _bias({"kernel": kernel}, bias))
    elif m := CONV.match(kind):
        nd = int(m.group(1))
        weight, bias = find(st, "weight"), find(st, "bias")
        b.add(f"Conv{nd}D", {"filters": int(weight.shape[0]), "kernel_size": list(weight.shape[2:]),
                             "strides": _ints(p.get("strides", 1), nd), "padding": p.get("padding", "valid"),
                             "dilation_rate": _ints(p.get("dilation", 1), nd), "data_format": "channels_last",
                             "activation": act, "use_bias": bias is not None},
              _bias({"kernel": conv_kernel_to_tfjs(weight)}, bias))
    elif kind == "conv2d_transpose":
        _conv_transpose(b, p, module, act)
    elif kind in DEPTHWISE:
        convs = [mod for mod in module.modules() if isinstance(mod, torch.nn.Conv2d)]
        dw = convs[0].weight.detach().numpy()                          # (C*m, 1, kh, kw)
        c_in, mult = shape[0], dw.shape[0] // shape[0]
        cfg = {"kernel_size": list(dw.shape[2:]), "strides": list(convs[0].stride), "padding": p["padding"],
               "depth_multiplier": mult, "dilation_rate": list(convs[0].dilation), "data_format": "channels_last",
               "activation": act}
        wts = {"depthwise_kernel": dw.reshape(c_in, mult, *dw.shape[2:]).transpose(2, 3, 0, 1)}  # (kh, kw, C, m)
        last = convs[-1]
        if kind == "separable_conv2d":
            cfg["filters"] = int(last.weight.shape[0])
            wts["pointwise_kernel"] = conv_kernel_to_tfjs(last.weight.detach().numpy())  # (1, 1, C*m, filters)
        cfg["use_bias"] = last.bias is not None
        b.add(DEPTHWISE[kind], cfg, _bias(wts, None if last.bias is None else last.bias.detach().numpy()))
    elif kind == "upsampling2d":
        if p.get("interpolation", "nearest") != "nearest":
            # TF.js 4.22 resizes with half_pixel_centers=False (source pixel = output pixel / size), PyTorch's
            # align_corners=False samples pixel centres: the edges and every other pixel differ
            raise SpecError(f"{row.path}.interpolation", msg("TF.js' bilinear upsampling samples pixels differently "
                                                             "from LayerLab's"), p.get("interpolation"),
                            msg("use interpolation 'nearest' to export to TF.js"))
        b.add("UpSampling2D", {"size": _ints(p.get("size", 2), 2), "interpolation": "nearest",
                               "data_format": "channels_last"})
    elif m := POOL.match(kind):
        nd = int(m.group(2))
        size = _ints(p.get("pool_size", 2), nd)
        b.add(f"{'Max' if m.group(1) == 'max' else 'Average'}Pooling{nd}D",
              {"pool_size": size, "strides": _ints(p.get("strides") or size, nd), "padding": p.get("padding", "valid"),
               "data_format": "channels_last"})
    elif m := GPOOL.match(kind):
        mode = "Max" if m.group(1) == "max" else "Average"
        if p.get("keep", "first") == "last" or rank == 2:
            if rank != 2:
                raise SpecError(row.path, msg("TF.js pools sequences only: keep='last' needs a (T, F) input"), shape,
                                msg("flatten the positions into one axis with a reshape first"))
            b.add(f"Global{mode}Pooling1D", {})  # over T of (T, F) (or L of a channels-last (L, C))
        else:
            b.add(f"Global{mode}Pooling{rank - 1}D", {"data_format": "channels_last"})
    elif kind == "flatten":
        if w.cl and rank >= 2:
            nxt = next((r for r in rest if r.type not in ELEMENTWISE), None)
            if nxt is not None and nxt.type == "dense":
                w.flat_perm = flatten_order(shape)  # the dense after it reads TF.js' order
            else:
                b.add("Permute", {"dims": permute_dims(rank, to_last=False)})
            w.cl = False
        b.add("Flatten", {})
    elif kind == "reshape":
        b.add("Reshape", {"target_shape": list(row.out_shape)})
    elif kind == "permute":
        b.add("Permute", {"dims": [int(d) for d in p["dims"]]})
    elif kind in ("dropout", "alpha_dropout"):
        b.add("Dropout", {"rate": float(p.get("rate", 0.0))})
    elif kind == "gaussian_noise":
        b.add("GaussianNoise", {"stddev": float(p.get("stddev", 0.0))})
    elif kind == "gaussian_dropout":
        b.add("GaussianDropout", {"rate": float(p.get("rate", 0.0))})
    elif kind == "activation":
        b.activation(p["activation"], len(row.out_shape), w.cl, row.path)
        return
    elif kind in ("batch_norm", "batch_normalization"):
        bn = next(mod for mod in module.modules() if isinstance(mod, torch.nn.modules.batchnorm._BatchNorm))
        b.add("BatchNormalization", {"axis": -1, "epsilon": float(bn.eps), "momentum": 1 - float(bn.momentum or 0.1),
                                     "center": bn.affine, "scale": bn.affine},
              {**({"gamma": find(st, "weight"), "beta": find(st, "bias")} if bn.affine else {}),
               "moving_mean": find(st, "running_mean"), "moving_variance": find(st, "running_var")})
    elif kind == "layer_norm":
        _layer_norm(w, p, module, rank)
    elif kind == "embedding":
        weight = find(st, "weight")
        b.add("Embedding", {"input_dim": int(weight.shape[0]), "output_dim": int(weight.shape[1])},
              {"embeddings": weight})
    elif kind in RNN:
        _recurrent(b, row, module, st)
    if extra:
        b.activation(extra, len(row.out_shape), w.cl, row.path)


def _conv_transpose(b: Builder, p: dict[str, Any], module: torch.nn.Module, act: str) -> None:
    """Conv2DTranspose; a Cropping2D after it where LayerLab crops 'same' output differently from TF.js."""
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
    b.add("Conv2DTranspose", cfg, _bias({"kernel": conv_transpose_kernel_to_tfjs(ct.weight.detach().numpy())}, bias))
    if p["padding"] == "same" and not same:   # 'valid' gave every stamp: crop as LayerLab does
        b.add("Cropping2D", {"cropping": [[pi, o - pi] for pi, o in zip(pad, over)], "data_format": "channels_last"})


def _layer_norm(w: Layout, p: dict[str, Any], module: torch.nn.Module, rank: int) -> None:
    """LayerNormalization over every axis but the batch ('all') or the last one, with gamma laid out to match."""
    ln = next(mod for mod in module.modules() if isinstance(mod, torch.nn.LayerNorm))
    over_all = p.get("over", "all") == "all" and rank >= 2
    wts = {}
    if ln.elementwise_affine:
        gamma, beta = ln.weight.detach().numpy(), ln.bias.detach().numpy()
        if over_all and w.cl:  # (C, *spatial) -> (*spatial, C), the order TF.js holds the values in
            gamma, beta = np.moveaxis(gamma, 0, -1), np.moveaxis(beta, 0, -1)
        wts = {"gamma": gamma, "beta": beta}
    w.b.add("LayerNormalization", {"axis": list(range(1, rank + 1)) if over_all else -1, "epsilon": float(ln.eps),
                                   "center": ln.elementwise_affine, "scale": ln.elementwise_affine}, wts)


def _recurrent(b: Builder, row: Row, module: torch.nn.Module, st: dict[str, np.ndarray]) -> None:
    kind = row.type
    rnn = next(mod for mod in module.modules() if isinstance(mod, (torch.nn.RNNBase, GatedRNN)))
    if rnn.bidirectional or rnn.num_layers != 1:
        raise SpecError(row.path, msg("only single-layer, one-directional recurrent layers can be exported "
                                      "to TF.js"), kind,
                        msg("set bidirectional off and use one layer per spec entry"))
    gate = getattr(rnn, "gate", "sigmoid")
    if kind == "gru" and getattr(rnn, "reset_after", True):
        raise SpecError(row.path, msg("layer kind {kind!r} cannot be exported to TF.js", kind=kind), kind,
                        GRU_RESET_AFTER)
    kernel, rec = find(st, "weight_ih_l0"), find(st, "weight_hh_l0")          # (gates * units, features)
    bias = (find(st, "bias_ih_l0") + find(st, "bias_hh_l0")) if rnn.bias else None
    if kind == "gru":  # torch's gate order r, z, n -> Keras' z, r, h; reset before: one bias per gate suffices
        kernel, rec = _rzn_to_zrh(kernel), _rzn_to_zrh(rec)
        bias = None if bias is None else _rzn_to_zrh(bias)
    cfg = {"units": rnn.hidden_size, "return_sequences": bool(getattr(module, "return_sequences", False)),
           "use_bias": rnn.bias, "activation": "tanh"}
    if kind in ("lstm", "gru"):
        cfg["recurrent_activation"] = ACT_TO_TFJS[gate]  # always written: TF.js' default would be hard_sigmoid
    elif getattr(rnn, "nonlinearity", "tanh") == "relu":
        cfg["activation"] = "relu"
    b.add(RNN[kind], cfg, _bias({"kernel": kernel.T, "recurrent_kernel": rec.T}, bias))


def _rzn_to_zrh(v: np.ndarray) -> np.ndarray:
    r, z, n = np.split(v, 3, axis=0)
    return np.ascontiguousarray(np.concatenate([z, r, n], axis=0))


GRU_RESET_AFTER = msg("TF.js 4.22 only has a GRU that applies the reset gate before the recurrent weights; this "
                      "gru applies it after them (PyTorch's way), so the outputs would differ: set its reset_after "
                      "to false and train again, or export to ONNX")