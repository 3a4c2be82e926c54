"""Import TensorFlow.js Layers models (what asanAI saves: model.json + .bin shards) into LayerLab.

    layerlab import ~/Downloads/model.json --out my-model

Keras' channels-last layouts become LayerLab's channels-first ones: an (H, W, C) input is
(C, H, W) here, conv kernels (kh, kw, I, O) become (O, I, kh, kw), and the dense layer after
a flatten gets its kernel rows reordered, so the imported model computes exactly what the
TF.js model computed (on inputs moved from channels-last to channels-first).
The project folder is written into a temp folder and renamed: an import never leaves half a project.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..i18n import msg
from ..spec.errors import SpecError
from ..store import atomic
from ..layers.stack import infer_stack
from .common import write_dir_atomically
from .tfjs_layout import (ACT_FROM_TFJS, conv_kernel_from_tfjs, flatten_order, permute_dims, read_model,
                          to_channels_first)

_ELEMENTWISE = {"Dropout", "Activation", "GaussianNoise", "GaussianDropout", "AlphaDropout", "LeakyReLU",
                "ThresholdedReLU", "Softmax", "ReLU", "ELU"}
_CL = re.compile(r"^(Conv[123]D|(Max|Average)Pooling[123]D|Global(Max|Average)Pooling[23]D|BatchNormalization|"
                 r"DepthwiseConv2D|SeparableConv2D|UpSampling2D)$")
SUPPORTED = ("InputLayer", "Dense", "Conv1D", "Conv2D", "Conv3D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
             "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "GlobalAveragePooling1D",
             "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Flatten", "Dropout",
             "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "ThresholdedReLU", "GaussianNoise",
             "GaussianDropout", "AlphaDropout", "BatchNormalization", "Reshape", "Permute", "Embedding", "SimpleRNN",
             "LSTM", "DepthwiseConv2D", "SeparableConv2D", "UpSampling2D")


def _act(name: Any, where: str) -> str:
    if isinstance(name, dict):
        name = name.get("class_name")
    if name in ACT_FROM_TFJS:
        return ACT_FROM_TFJS[name]
    raise SpecError(where, msg("uses an activation LayerLab does not have"), name,
                    msg("supported activations: {listing}", listing=", ".join(sorted(a for a in ACT_FROM_TFJS if a))))


def _layers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    topo = doc["modelTopology"]
    topo = topo.get("model_config", topo)  # tf.keras' save format nests it once more
    cfg = topo.get("config", {})
    layers = cfg.get("layers", cfg) if isinstance(cfg, dict) else cfg
    if not isinstance(layers, list):
        raise SpecError("", msg("model.json has no list of layers"), type(layers).__name__,
                        msg("export the model again"))
    if topo.get("class_name") not in ("Sequential", "Model", "Functional"):
        raise SpecError("", msg("only Sequential models (and functional models that are a plain chain) can be imported"),
                        topo.get("class_name"), msg("rebuild the model as tf.sequential()"))
    if topo.get("class_name") != "Sequential":
        for layer in layers:
            inbound = layer.get("inbound_nodes") or []
            if len(inbound) > 1 or (inbound and len(inbound[0]) > 1):
                raise SpecError("", msg("layer {name!r} has several inputs: LayerLab models are one chain",
                                        name=layer.get("name")), layer.get("class_name"), msg("import a Sequential model"))
    return layers


def _ints(v: Any, n: int) -> list[int]:
    return [int(x) for x in v] if isinstance(v, (list, tuple)) else [int(v)] * n


def _needs_move(cls: str, rank: int, cl: bool, nxt: str | None) -> bool:
    """Whether LayerLab's tensor must move its channel axis before this TF.js layer."""
    if rank < 2 or cls in _ELEMENTWISE or (cls.startswith("Global") and cls.endswith("1D")):
        return False  # elementwise, or pooling over positions: right in either layout
    if cls == "Flatten":
        return cl and nxt != "Dense"  # a dense layer after it takes the reordering into its kernel
    if cls == "Permute":
        return cl
    return bool(_CL.match(cls)) != cl


def convert(doc: dict[str, Any], weights: dict[str, np.ndarray]):
    """(LayerLab layer dicts, input shape (channels first), {layer index: {param suffix: array}}, input layout)."""
    layers = _layers(doc)
    first_cfg = layers[0]["config"] if layers else {}
    shape_tf = first_cfg.get("batch_input_shape") or first_cfg.get("batch_shape")
    if not shape_tf or any(d is None for d in shape_tf[1:]):
        raise SpecError("", msg("the model does not say the shape of its input (batch_input_shape)"), shape_tf,
                        msg("give the first layer an inputShape in TF.js"))
    shape_tf = tuple(int(d) for d in shape_tf[1:])
    body = [layer for layer in layers if layer["class_name"] != "InputLayer"]
    first = next((layer for layer in body if layer["class_name"] not in _ELEMENTWISE), None)
    cl = first is not None and len(shape_tf) >= 2 and bool(_CL.match(first["class_name"]))
    shape = to_channels_first(shape_tf) if cl else shape_tf
    layout = "channels_last" if cl else "as_layerlab"
    out: list[dict[str, Any]] = []
    tensors: dict[int, dict[str, np.ndarray]] = {}
    flat_perm: np.ndarray | None = None
    cur = tuple(shape)  # LayerLab shape of the tensor flowing into the next layer

    def emit(spec: dict[str, Any], t: dict[str, np.ndarray], where: str, cls: str) -> tuple[int, ...]:
        """Append a LayerLab layer; returns its output shape by LayerLab's own shape rules."""
        tensors[len(out)] = t
        out.append(spec)
        rows = infer_stack(out, shape)
        bad = next((r for r in rows if r.error), None)
        if bad is not None:
            raise SpecError(where, msg("does not fit LayerLab's rules: {reason}", reason=bad.error.message), cls,
                            bad.error.hint)
        return tuple(rows[-1].out_shape)

    for i, layer in enumerate(body):
        cls, c = layer["class_name"], layer["config"]
        name = c.get("name", cls)
        where = f"layer {i} ({name}, {cls})"
        rank = len(cur)
        w = {k.split("/")[-1]: v for k, v in weights.items() if k.rsplit("/", 1)[0] == name
             or k.rsplit("/", 1)[0].endswith("/" + name)}
        if cls not in SUPPORTED:
            raise SpecError(where, msg("is a layer LayerLab cannot import"), cls,
                            msg("supported TF.js layers: {listing}", listing=", ".join(SUPPORTED)))
        if c.get("data_format", "channels_last") != "channels_last":
            raise SpecError(where, msg("uses channels_first data, which TF.js itself rarely runs"), c.get("data_format"),
                            msg("save the model with the default channels_last format"))
        nxt = next((b["class_name"] for b in body[i + 1:] if b["class_name"] not in _ELEMENTWISE), None)
        if cls == "Permute":
            dims = [int(d) for d in c.get("dims", [])]
            if cl and rank >= 2 and dims == permute_dims(rank, to_last=False):
                cl = False  # TF.js moves channels back first: that is LayerLab's layout already
                continue
            if not cl and rank >= 2 and dims == permute_dims(rank, to_last=True) and nxt and _CL.match(nxt):
                cl = True  # channels last for the convolutions after it: LayerLab's layout stays
                continue
        if _needs_move(cls, rank, cl, nxt):  # lay LayerLab's tensor out as this TF.js layer reads it
            cur = emit({"type": "permute", "dims": permute_dims(rank, to_last=cl)}, {}, where, cls)
            cl, rank = not cl, len(cur)
        if cls == "Permute":
            spec, t = {"type": "permute", "dims": [int(d) for d in c.get("dims", [])]}, {}
            cur = emit(spec, t, where, cls)
            continue
        t: dict[str, np.ndarray] = {}
        act = c.get("activation")
        if cls == "Dense":
            spec = {"type": "dense", "units": int(c["units"]), "activation": _act(act, where),
                    "use_bias": bool(c.get("use_bias", True))}
            kernel = w["kernel"]  # (in, out)
            wt = kernel.T.copy()
            if flat_perm is not None:  # rows are in TF.js' flatten order: put them in LayerLab's
                wt = np.empty_like(wt)
                wt[:, flat_perm] = kernel.T
                flat_perm = None
            t = {"weight": wt, **({"bias": w["bias"]} if "bias" in w else {})}
        elif m := re.match(r"^Conv([123])D$", cls):
            nd = int(m.group(1))
            spec = {"type": f"conv{nd}d", "filters": int(c["filters"]), "kernel_size": _ints(c["kernel_size"], nd),
                    "strides": _ints(c.get("strides", 1), nd), "padding": c.get("padding", "valid"),
                    "dilation": _ints(c.get("dilation_rate", 1), nd), "activation": _act(act, where),
                    "use_bias": bool(c.get("use_bias", True))}
            if spec["padding"] not in ("valid", "same"):
                raise SpecError(where, msg("uses a padding LayerLab does not have"), spec["padding"],
                                msg("use 'valid' or 'same'"))
            t = {"weight": conv_kernel_from_tfjs(w["kernel"]), **({"bias": w["bias"]} if "bias" in w else {})}
        elif cls in ("DepthwiseConv2D", "SeparableConv2D"):
            dk = w["depthwise_kernel"]                                   # (kh, kw, C, m)
            kh, kw, c_in, mult = dk.shape
            spec = {"type": "depthwise_conv2d" if cls == "DepthwiseConv2D" else "separable_conv2d",
                    "kernel_size": [int(kh), int(kw)], "strides": _ints(c.get("strides", 1), 2),
                    "padding": c.get("padding", "valid"), "depth_multiplier": int(mult),
                    "dilation": _ints(c.get("dilation_rate", 1), 2), "activation": _act(act, where),
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
            spec = {"type": "upsampling2d", "size": _ints(c.get("size", 2), 2), "interpolation": "nearest"}
        elif m := re.match(r"^(Max|Average)Pooling([123])D$", cls):
            nd = int(m.group(2))
            size = _ints(c.get("pool_size", 2), nd)
            spec = {"type": f"{'max' if m.group(1) == 'Max' else 'avg'}_pool{nd}d", "pool_size": size,
                    "strides": _ints(c.get("strides") or size, nd), "padding": c.get("padding", "valid")}
        elif m := re.match(r"^Global(Max|Average)Pooling([123])D$", cls):
            spec = {"type": f"global_{'max' if m.group(1) == 'Max' else 'avg'}_pool", "keep": "first" if cl else "last"}
        elif cls == "Flatten":
            if cl and rank >= 2:  # (a dense layer follows: others got a permute above)
                flat_perm = flatten_order(cur)
            cl = False
            spec = {"type": "flatten"}
        elif cls in ("Dropout", "AlphaDropout", "GaussianDropout"):
            kind = {"Dropout": "dropout", "AlphaDropout": "alpha_dropout", "GaussianDropout": "gaussian_dropout"}[cls]
            spec = {"type": kind, "rate": float(c.get("rate", 0.0))}
        elif cls == "GaussianNoise":
            spec = {"type": "gaussian_noise", "stddev": float(c.get("stddev", 0.0))}
        elif cls in ("Activation", "ReLU", "ELU", "Softmax", "LeakyReLU", "ThresholdedReLU"):
            name_act = {"ReLU": "relu", "ELU": "elu", "Softmax": "softmax", "LeakyReLU": "leaky_relu",
                        "ThresholdedReLU": "thresholded_relu"}.get(cls) or _act(act, where)
            fixed = {"LeakyReLU": ("alpha", 0.01), "ThresholdedReLU": ("theta", 1.0), "ELU": ("alpha", 1.0)}
            if cls in fixed and abs(float(c.get(fixed[cls][0], fixed[cls][1])) - fixed[cls][1]) > 1e-7:
                param, default = fixed[cls]
                raise SpecError(where, msg("{cls} with {param}={value} has no LayerLab equivalent", cls=cls, param=param,
                                           value=c.get(param)), c.get(param),
                                msg("use {param}={value}", param=param, value=default))
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
                nxt = next((b for b in body[i + 1:] if b["class_name"] not in _ELEMENTWISE), None)
                cl = nxt is not None and bool(_CL.match(nxt["class_name"]))
                if not cl:
                    spec["target_shape"] = list(target)
            elif cl:
                raise SpecError(where, msg("reshapes channels-last feature maps, which LayerLab cannot map"), target,
                                msg("use a flatten instead"))
            else:
                spec = {"type": "reshape", "target_shape": list(target)}
        elif cls == "Embedding":
            spec = {"type": "embedding", "input_dim": int(c["input_dim"]), "output_dim": int(c["output_dim"])}
            t = {"weight": w["embeddings"]}
        elif cls in ("SimpleRNN", "LSTM"):
            if c.get("go_backwards") or c.get("stateful") or c.get("return_state"):
                raise SpecError(where, msg("go_backwards, stateful or return_state recurrent layers cannot be imported"),
                                cls, msg("save the model without those options"))
            rec = ACT_FROM_TFJS.get(c.get("recurrent_activation"), c.get("recurrent_activation"))
            if cls == "LSTM" and rec != "sigmoid":
                raise SpecError(where, msg("LSTM gates use recurrent_activation {act!r}; LayerLab's (PyTorch's) LSTM "
                                           "uses sigmoid gates", act=c.get("recurrent_activation")),
                                c.get("recurrent_activation"),
                                msg("create the LSTM in TF.js with recurrentActivation: 'sigmoid' and train it again"))
            a = _act(act, where)
            if a != "tanh":
                raise SpecError(where, msg("{cls} with activation {act!r} has no LayerLab equivalent (it uses tanh)",
                                           cls=cls, act=a), a, msg("use activation 'tanh'"))
            spec = {"type": "lstm" if cls == "LSTM" else "simple_rnn", "units": int(c["units"]),
                    "return_sequences": bool(c.get("return_sequences", False))}
            t = {"weight_ih_l0": w["kernel"].T, "weight_hh_l0": w["recurrent_kernel"].T}
            if "bias" in w:
                t.update(bias_ih_l0=w["bias"], bias_hh_l0=np.zeros(w["bias"].shape, np.float32))
        else:  # pragma: no cover - every SUPPORTED name is handled above
            raise SpecError(where, msg("is not handled"), cls)
        cur = emit(spec, t, where, cls)
        if spec.get("activation") in ("softmax", "log_softmax") and len(cur) >= 2 and not cl \
                and not (cls == "Softmax" and c.get("axis") == 1):
            raise SpecError(where, msg("takes a softmax over the last axis of a sequence; LayerLab's softmax runs "
                                       "over the first axis after the batch"), cls,
                            msg("apply softmax after a flatten or pooling"))
    return out, shape, tensors, layout


def _load_tensors(net: torch.nn.Module, tensors: dict[int, dict[str, np.ndarray]]) -> None:
    for i, module in enumerate(net.layers):
        state = module.state_dict()
        want = tensors.get(i, {})
        weights = [k for k in state if k.endswith("weight")]
        for suffix, arr in want.items():
            if suffix.isdigit():  # the n-th weight tensor (depthwise, then pointwise)
                keys = weights[int(suffix):int(suffix) + 1]
            elif suffix == "bias":  # the last bias: separable convolutions have one, after the pointwise step
                keys = [k for k in state if k == "bias" or k.endswith(".bias")][-1:]
            else:
                keys = [k for k in state if k == suffix or k.endswith("." + suffix)]
            if len(keys) != 1:
                raise SpecError(f"model.layers[{i}]", msg("LayerLab's layer has no single tensor {name!r} to load into",
                                                          name=suffix),
                                sorted(state), msg("report this to the LayerLab developers"))
            if tuple(state[keys[0]].shape) != tuple(arr.shape):
                raise SpecError(f"model.layers[{i}]", msg("weight {name!r} has shape {got}, LayerLab expects {expected}",
                                                          name=suffix, got=tuple(arr.shape),
                                                          expected=tuple(state[keys[0]].shape)),
                                suffix, msg("the file may be damaged"))
            state[keys[0]] = torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float32))
        module.load_state_dict(state)


def network_from_tfjs(path: str | Path):
    """(Network with the TF.js weights in eval mode, info dict) for a model.json path."""
    from ..engine.build import build_network
    doc, weights = read_model(path)
    layers, shape, tensors, layout = convert(doc, weights)
    net = build_network(layers, shape, seed=0)
    _load_tensors(net, tensors)
    net.eval()
    meta = (doc.get("userDefinedMetadata") or {}).get("layerlab") or {}
    return net, {"layers": layers, "input_shape": list(shape), "input_layout": layout, "classes": meta.get("classes")}


def import_tfjs(path: str | Path, out_dir: str | Path, name: str | None = None) -> Path:
    """Create a LayerLab project (with its weights as a run) from a TF.js model; returns the folder."""
    from safetensors.torch import save
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        message = msg("{folder} already holds a project", folder=str(out_dir)) \
            if (out_dir / "project.json").exists() else msg("{folder} already holds files", folder=str(out_dir))
        raise SpecError("", message, str(out_dir), msg("choose a new or empty --out folder"))
    net, info = network_from_tfjs(path)
    shape = tuple(info["input_shape"])
    n_out = int(net.shapes[-1][0]) if net.shapes and len(net.shapes[-1]) == 1 else 1
    classes = info["classes"] or [str(i) for i in range(n_out)]
    task = "classification" if net.output_activation in ("softmax", "sigmoid", "log_softmax") else "regression"
    src_path = Path(path).resolve()
    name = name or (src_path.parent.name if src_path.is_file() else src_path.name)
    kind = ("tokens" if info["layers"] and info["layers"][0]["type"] == "embedding" else
            {3: "image", 2: "sequence"}.get(len(shape), "tabular"))
    # the weights arrive without data: the project waits for the user's samples as data/*.npz
    doc = {"version": 2, "name": name or "imported", "task": task,
           "description": f"Imported from the TensorFlow.js model {Path(path).name}. "
                          "Add data (data/*.npz) to train it further.",
           "data": {"source": "npy", "input_shape": list(shape),
                    **({"classes": classes} if task == "classification" else {"outputs": n_out})},
           "model": {"layers": info["layers"]}, "training": {}}
    from ..data.base import DataInfo
    from ..data.preprocess import Preprocessor
    from ..store.runs import new_run_id, spec_hash, versions
    run_id = new_run_id()
    vocab = info["layers"][0].get("input_dim") if kind == "tokens" else None
    data_info = DataInfo(kind, shape, task, classes if task == "classification" else None, n_out,
                         vocab_size=vocab, extra={"tfjs_input_layout": info["input_layout"]})
    pre = Preprocessor(kind, task, "none", classes=classes if task == "classification" else None, input_shape=shape)

    def fill(tmp: Path) -> None:
        atomic.write_json(tmp / "project.json", doc)
        (tmp / "data").mkdir()
        run = tmp / "runs" / run_id
        state = {k: v.detach().contiguous() for k, v in net.state_dict().items()}
        atomic.write_bytes(run / "weights.safetensors", save(state))
        atomic.write_json(run / "spec.json", doc)
        atomic.write_json(run / "preprocessing.json", pre.to_dict())
        atomic.write_json(run / "data.json", data_info.to_dict())
        atomic.write_json(run / "history.json", [])
        now = datetime.now(timezone.utc).isoformat()
        atomic.write_json(run / "meta.json", {"run_id": run_id, "status": "imported", "source": str(path),
                                              "started": now, "ended": now, "final": {},
                                              "spec_hash": spec_hash(doc), "versions": versions()})

    write_dir_atomically(out_dir, fill)
    return out_dir
