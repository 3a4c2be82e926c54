"""TensorFlow.js Layers format: model.json plus weight shards, loadable in a browser as asanAI's are.

    const model = await tf.loadLayersModel('model/model.json');
    model.predict(tf.tensor(image, [1, 8, 8, 1]))   // images channels-last: (batch, H, W, C)

Images become channels-last (TF.js' layout): the model's input is (H, W, C) and a flatten
of feature maps is matched by permuting the next dense kernel's rows (or by a Permute layer
when no dense layer follows). Every export is read back by LayerLab's own importer and
compared with PyTorch; the tests also run the files in Node with @tensorflow/tfjs.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..i18n import msg
from ..layers.stack import infer_stack
from ..spec.errors import SpecError
from ..store import atomic
from .common import Exported, ExportFailed, check_close, torch_outputs, write_dir_atomically
from .tfjs_layout import (ACT_TO_TFJS, conv_kernel_to_tfjs, flatten_order, permute_dims, to_channels_last,
                          weight_files)

ELEMENTWISE = {"dropout", "activation", "gaussian_noise", "gaussian_dropout", "alpha_dropout"}
_POOL = re.compile(r"^(max|avg|average)_pool(?:ing)?([123])d$")
_GPOOL = re.compile(r"^global_(max|avg|average)_pool(?:ing)?(?:([123])d)?$")
_CONV = re.compile(r"^conv([123])d$")
_RNN = {"lstm": "LSTM", "simple_rnn": "SimpleRNN", "rnn": "SimpleRNN"}
_DEPTHWISE = {"depthwise_conv2d": "DepthwiseConv2D", "separable_conv2d": "SeparableConv2D"}


def needs_channels_last(kind: str, rank: int, p: dict[str, Any] | None = None) -> bool:
    """Layers that TF.js computes over a channels-last block (global pools keeping 'last' work on (T, F))."""
    if _GPOOL.match(kind):
        return rank >= 2 and (p or {}).get("keep", "first") == "first"
    return rank >= 2 and bool(_CONV.match(kind) or _POOL.match(kind) or kind in (
        "batch_norm", "batch_normalization", "upsampling2d", *_DEPTHWISE))


def supported() -> list[str]:
    """LayerLab layer kinds this exporter converts."""
    from ..layers import load_all
    plain = {"dense", "flatten", "reshape", "permute", "embedding", "upsampling2d", "batch_norm", *_RNN, *_DEPTHWISE}
    return sorted(k for k in load_all() if k in ELEMENTWISE | plain
                  or _CONV.match(k) or _POOL.match(k) or _GPOOL.match(k))


class _Builder:
    """Collects Keras layer configs and named weights while walking the LayerLab layers."""

    def __init__(self):
        self.layers: list[dict[str, Any]] = []
        self.weights: list[tuple[str, np.ndarray]] = []
        self.count: dict[str, int] = {}

    def add(self, cls: str, config: dict[str, Any], weights: dict[str, np.ndarray] | None = None) -> None:
        n = self.count[cls] = self.count.get(cls, 0) + 1
        name = f"{re.sub(r'(?<!^)(?=[A-Z])', '_', cls).lower()}_{n}"
        self.layers.append({"class_name": cls, "config": {"name": name, "trainable": True, "dtype": "float32", **config}})
        for key, arr in (weights or {}).items():
            self.weights.append((f"{name}/{key}", np.asarray(arr, dtype=np.float32)))

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


def _state(module: torch.nn.Module) -> dict[str, np.ndarray]:
    return {k: v.detach().float().numpy() for k, v in module.state_dict().items()}


def _find(state: dict[str, np.ndarray], suffix: str) -> np.ndarray | None:
    hits = [v for k, v in state.items() if k == suffix or k.endswith("." + suffix)]
    return hits[0] if hits else None


def _split_act(p: dict[str, Any], rank: int) -> tuple[str, str | None]:
    """(activation string for the layer itself, activation needing its own layer or None)."""
    act = p.get("activation") or "linear"
    if act in ACT_TO_TFJS and not (act in ("softmax", "log_softmax") and rank >= 2):
        return ACT_TO_TFJS[act], None
    return "linear", act


def build_model_json(src: Exported) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """The model.json document and weight shards for src (raises SpecError for what TF.js cannot hold)."""
    layers = src.meta.get("layers") or []
    rows = infer_stack(layers, tuple(src.input_shape))
    modules = list(src.network.layers)
    b = _Builder()
    kinds = [r.type for r in rows]
    first = next((r for r in rows if r.type not in ELEMENTWISE), None)
    cl = first is not None and needs_channels_last(first.type, len(src.input_shape), first.resolved)
    input_shape = to_channels_last(src.input_shape) if cl else tuple(src.input_shape)
    layout = "channels_last" if cl else "as_layerlab"
    flat_perm: np.ndarray | None = None
    ok = supported()
    for i, (row, module) in enumerate(zip(rows, modules)):
        kind, p, shape = row.type, row.resolved, tuple(row.in_shape)
        rank = len(shape)
        if kind not in ok:
            raise SpecError(row.path, msg("layer kind {kind!r} cannot be exported to TF.js", kind=kind), kind,
                            msg("TF.js export supports: {listing}", listing=", ".join(ok)))
        want_cl = needs_channels_last(kind, rank, p)
        if kind not in ELEMENTWISE and kind != "flatten" and rank >= 2 and want_cl != cl:
            b.add("Permute", {"dims": permute_dims(rank, to_last=want_cl)})
            cl = want_cl
        st = _state(module)
        act, extra = _split_act(p, len(row.out_shape))
        if kind == "dense":
            w, bias = _find(st, "weight"), _find(st, "bias")
            kernel = w.T
            if flat_perm is not None:
                kernel, flat_perm = kernel[flat_perm], None
            wts = {"kernel": kernel, **({"bias": bias} if bias is not None else {})}
            b.add("Dense", {"units": int(w.shape[0]), "activation": act, "use_bias": bias is not None}, wts)
        elif m := _CONV.match(kind):
            nd = int(m.group(1))
            w, bias = _find(st, "weight"), _find(st, "bias")
            as_list = lambda v: list(v) if isinstance(v, (list, tuple)) else [int(v)] * nd  # noqa: E731
            b.add(f"Conv{nd}D", {"filters": int(w.shape[0]), "kernel_size": list(w.shape[2:]),
                                 "strides": as_list(p.get("strides", 1)), "padding": p.get("padding", "valid"),
                                 "dilation_rate": as_list(p.get("dilation", 1)), "data_format": "channels_last",
                                 "activation": act, "use_bias": bias is not None},
                  {"kernel": conv_kernel_to_tfjs(w), **({"bias": bias} if bias is not None else {})})
        elif kind in _DEPTHWISE:
            convs = [mod for mod in module.modules() if isinstance(mod, torch.nn.Conv2d)]
            dw = convs[0].weight.detach().numpy()                      # (C*m, 1, kh, kw)
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
            if last.bias is not None:
                wts["bias"] = last.bias.detach().numpy()
            b.add(_DEPTHWISE[kind], cfg, wts)
        elif kind == "upsampling2d":
            if p.get("interpolation", "nearest") != "nearest":
                raise SpecError(f"{row.path}.interpolation", msg("TF.js' bilinear upsampling samples pixels differently "
                                                                 "from LayerLab's"), p.get("interpolation"),
                                msg("use interpolation 'nearest' to export to TF.js"))
            size = p.get("size", 2)
            b.add("UpSampling2D", {"size": list(size) if isinstance(size, (list, tuple)) else [int(size)] * 2,
                                   "interpolation": "nearest", "data_format": "channels_last"})
        elif m := _POOL.match(kind):
            nd = int(m.group(2))
            mode = "Max" if m.group(1) == "max" else "Average"
            size = p.get("pool_size", 2)
            size = list(size) if isinstance(size, (list, tuple)) else [int(size)] * nd
            strides = p.get("strides") or size
            strides = list(strides) if isinstance(strides, (list, tuple)) else [int(strides)] * nd
            cfg = {"pool_size": size, "strides": strides, "padding": p.get("padding", "valid"),
                   "data_format": "channels_last"}
            b.add(f"{mode}Pooling{nd}D", cfg)
        elif m := _GPOOL.match(kind):
            mode = "Max" if m.group(1) == "max" else "Average"
            if p.get("keep", "first") == "last" or rank == 2:
                if rank != 2:
                    raise SpecError(row.path, msg("TF.js pools sequences only: keep='last' needs a (T, F) input"), shape,
                                    msg("flatten the positions into one axis with a reshape first"))
                b.add(f"Global{mode}Pooling1D", {})  # over T of (T, F) (or L of a channels-last (L, C))
            else:
                b.add(f"Global{mode}Pooling{rank - 1}D", {"data_format": "channels_last"})
        elif kind == "flatten":
            if cl and rank >= 2:
                nxt = next((r for r in rows[i + 1:] if r.type not in ELEMENTWISE), None)
                if nxt is not None and nxt.type == "dense":
                    flat_perm = flatten_order(shape)  # dense after it reads TF.js' order
                else:
                    b.add("Permute", {"dims": permute_dims(rank, to_last=False)})
                cl = False
            b.add("Flatten", {})
        elif kind == "reshape":
            b.add("Reshape", {"target_shape": list(row.out_shape)})
        elif kind == "permute":
            b.add("Permute", {"dims": [int(d) for d in p["dims"]]})
        elif kind in ("dropout", "alpha_dropout"):
            b.add("Dropout", {"rate": float(p.get("rate", 0.0))})
        elif kind in ("gaussian_noise",):
            b.add("GaussianNoise", {"stddev": float(p.get("stddev", 0.0))})
        elif kind in ("gaussian_dropout",):
            b.add("GaussianDropout", {"rate": float(p.get("rate", 0.0))})
        elif kind == "activation":
            b.activation(p["activation"], len(row.out_shape), cl, row.path)
        elif kind in ("batch_norm", "batch_normalization"):
            bn = next(mod for mod in module.modules() if isinstance(mod, torch.nn.modules.batchnorm._BatchNorm))
            b.add("BatchNormalization", {"axis": -1, "epsilon": float(bn.eps), "momentum": 1 - float(bn.momentum or 0.1),
                                         "center": bn.affine, "scale": bn.affine},
                  {**({"gamma": _find(st, "weight"), "beta": _find(st, "bias")} if bn.affine else {}),
                   "moving_mean": _find(st, "running_mean"), "moving_variance": _find(st, "running_var")})
        elif kind == "embedding":
            w = _find(st, "weight")
            b.add("Embedding", {"input_dim": int(w.shape[0]), "output_dim": int(w.shape[1])}, {"embeddings": w})
        elif kind in _RNN:
            rnn = next(mod for mod in module.modules() if isinstance(mod, torch.nn.RNNBase))
            if rnn.bidirectional or rnn.num_layers != 1:
                raise SpecError(row.path, msg("only single-layer, one-directional recurrent layers can be exported "
                                              "to TF.js"), kind,
                                msg("set bidirectional off and use one layer per spec entry"))
            bias = (_find(st, "bias_ih_l0") + _find(st, "bias_hh_l0")) if rnn.bias else None
            cfg = {"units": rnn.hidden_size, "return_sequences": bool(getattr(module, "return_sequences", False)),
                   "use_bias": rnn.bias, "activation": "tanh"}
            if kind == "lstm":
                cfg["recurrent_activation"] = "sigmoid"  # torch's gates; TF.js' default would be hard_sigmoid
            elif getattr(rnn, "nonlinearity", "tanh") == "relu":
                cfg["activation"] = "relu"
            b.add(_RNN[kind], cfg, {"kernel": _find(st, "weight_ih_l0").T, "recurrent_kernel": _find(st, "weight_hh_l0").T,
                                    **({"bias": bias} if bias is not None else {})})
        if extra and kind != "activation":
            b.activation(extra, len(row.out_shape), cl, row.path)
    if cl and len(rows[-1].out_shape if rows else ()) >= 2:
        b.add("Permute", {"dims": permute_dims(len(rows[-1].out_shape), to_last=False)})  # outputs as in LayerLab
    if not b.layers:
        b.add("Activation", {"activation": "linear"})
    if src.example.is_floating_point():
        b.layers[0]["config"]["batch_input_shape"] = [None, *input_shape]
    else:  # token ids: an int32 input layer; the layers' own weights stay float32
        b.layers.insert(0, {"class_name": "InputLayer", "config": {
            "batch_input_shape": [None, *input_shape], "dtype": "int32", "sparse": False, "name": "input_1"}})
    manifest, shards = weight_files(b.weights)
    doc = {
        "modelTopology": {"class_name": "Sequential", "config": {"name": src.meta.get("name", "model"), "layers": b.layers},
                          "keras_version": "tfjs-layers 4.22.0", "backend": "tensor_flow.js"},
        "format": "layers-model", "generatedBy": "LayerLab", "convertedBy": None,
        "weightsManifest": manifest,
        "userDefinedMetadata": {"layerlab": {
            "input_layout": layout,
            "layerlab_input_shape": list(src.input_shape), "classes": src.meta.get("classes"),
            "kinds": kinds}},
    }
    return doc, shards


def tfjs_input(src: Exported, x: torch.Tensor, doc: dict[str, Any]) -> np.ndarray:
    """LayerLab-layout inputs rearranged as the TF.js model wants them."""
    arr = x.numpy()
    if doc["userDefinedMetadata"]["layerlab"]["input_layout"] == "channels_last":
        arr = np.moveaxis(arr, 1, -1)
    return arr


def export_tfjs(src: Exported, out: str | Path) -> dict[str, Any]:
    """Write a TF.js Layers model folder (model.json + shards); verified by re-import against PyTorch."""
    out = Path(out)
    try:
        doc, shards = build_model_json(src)
    except SpecError:
        raise
    except Exception as e:  # noqa: BLE001 - a module layout this exporter did not expect: say which layers
        raise ExportFailed("", msg("this model could not be converted to TF.js"), f"{type(e).__name__}: {e}",
                           msg("layer kinds in the model: {kinds}", kinds=", ".join(dict.fromkeys(src.kinds())))) from e

    def fill(tmp: Path) -> float:
        atomic.write_json(tmp / "model.json", doc)
        for name, data in shards:
            atomic.write_bytes(tmp / name, data)
        # read the files back with LayerLab's importer (which takes LayerLab's layout) and compare
        from .tfjs_import import network_from_tfjs
        net, _ = network_from_tfjs(tmp / "model.json")
        with torch.no_grad():
            got = net(src.example).numpy()
        return check_close(torch_outputs(src), got, msg("the TF.js model (read back)"), src.kinds())

    diff = write_dir_atomically(out, fill, marker="model.json")
    size = sum(len(d) for _, d in shards)
    return {"format": "tfjs", "path": str(out), "size": size, "max_diff": diff,
            "input_layout": doc["userDefinedMetadata"]["layerlab"]["input_layout"]}
