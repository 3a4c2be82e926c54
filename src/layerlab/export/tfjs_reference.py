"""Compute a TF.js Layers model the way TF.js computes it, in PyTorch: the TF.js export's own check.

    doc, weights = read_model("model/")
    y = run_model(doc, weights, x)        # x as TF.js takes it (images channels-last), numpy in and out

It follows Keras' rules, not LayerLab's: tensors are channels-last, 'same' padding puts an odd
extra pixel at the end, average pooling leaves padded cells out, a transposed convolution's
'same' output is cropped from its start by floor((kernel - strides) / 2), recurrent layers keep
one bias and Keras' gate order. It was written from the tfjs-layers 4.22 sources, and the tests
hold it to TF.js itself in Node, so an export that passes here computes the same in a browser.
Sequential models and functional graphs (an Add joining two branches) both run.

>>> import numpy as np
>>> doc = {"modelTopology": {"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense",
...     "config": {"name": "d", "units": 1, "activation": "relu", "batch_input_shape": [None, 2]}}]}}}
>>> run_model(doc, {"d/kernel": np.array([[1.0], [-1.0]]), "d/bias": np.array([0.5])}, np.array([[2.0, 1.0]]))
array([[1.5]], dtype=float32)
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F

from ..i18n import msg
from ..spec.errors import SpecError

Tensor = torch.Tensor

ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "linear": lambda x: x, "relu": F.relu, "relu6": lambda x: x.clamp(0.0, 6.0), "elu": F.elu, "selu": F.selu,
    "sigmoid": torch.sigmoid, "hard_sigmoid": lambda x: (0.2 * x + 0.5).clamp(0.0, 1.0), "tanh": torch.tanh,
    "softmax": lambda x: x.softmax(-1), "softplus": F.softplus, "softsign": F.softsign, "swish": F.silu,
    "mish": F.mish, "gelu": F.gelu, "gelu_new": lambda x: F.gelu(x, approximate="tanh"),
    "log_softmax": lambda x: x.log_softmax(-1),
}
ACTIVATIONS.update({"hardSigmoid": ACTIVATIONS["hard_sigmoid"], "logSoftmax": ACTIVATIONS["log_softmax"]})
IDENTITY = {"InputLayer", "Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout"}  # at inference


def _ints(v: Any, n: int) -> list[int]:
    return [int(x) for x in v] if isinstance(v, (list, tuple)) else [int(v)] * n


def _act(c: dict[str, Any]) -> Callable[[Tensor], Tensor]:
    return ACTIVATIONS[c.get("activation") or "linear"]


def same_pads(sizes, kernel, strides, dilation) -> list[int]:
    """F.pad's list (last axis first) for TF's 'same': out = ceil(n / s), the odd pixel goes at the end."""
    pads: list[int] = []
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
        pads = [total // 2, total - total // 2, *pads]
    return pads


def _first(x: Tensor) -> Tensor:
    return x.movedim(-1, 1)  # (B, *spatial, C) -> (B, C, *spatial), as torch's functions want it


def _last(x: Tensor) -> Tensor:
    return x.movedim(1, -1)


def _conv(x: Tensor, c: dict[str, Any], w: dict[str, Tensor]) -> Tensor:
    nd = x.dim() - 2
    k = w["kernel"]                                              # (*k, I, O)
    weight = k.permute(nd + 1, nd, *range(nd))                   # (O, I, *k)
    s, d = _ints(c.get("strides", 1), nd), _ints(c.get("dilation_rate", 1), nd)
    xt = _first(x)
    if c.get("padding", "valid") == "same":
        xt = F.pad(xt, same_pads(xt.shape[2:], weight.shape[2:], s, d))
    y = getattr(F, f"conv{nd}d")(xt, weight, w.get("bias"), stride=s, dilation=d)
    return _act(c)(_last(y))


def _depthwise(x: Tensor, c: dict[str, Any], w: dict[str, Tensor]) -> Tensor:
    dk = w["depthwise_kernel"]                                   # (kh, kw, C, m)
    kh, kw, ch, mult = dk.shape
    weight = dk.permute(2, 3, 0, 1).reshape(ch * mult, 1, kh, kw)  # output channel c * m + j, as TF orders them
    s, d = _ints(c.get("strides", 1), 2), _ints(c.get("dilation_rate", 1), 2)
    xt = _first(x)
    if c.get("padding", "valid") == "same":
        xt = F.pad(xt, same_pads(xt.shape[2:], (kh, kw), s, d))
    y = F.conv2d(xt, weight, None, stride=s, dilation=d, groups=ch)
    if "pointwise_kernel" in w:
        y = F.conv2d(y, w["pointwise_kernel"].permute(3, 2, 0, 1))
    if "bias" in w:
        y = y + w["bias"].reshape(1, -1, 1, 1)
    return _act(c)(_last(y))


def _conv_transpose(x: Tensor, c: dict[str, Any], w: dict[str, Tensor]) -> Tensor:
    k = w["kernel"]                                              # (kh, kw, filters, in)
    ks, s = list(k.shape[:2]), _ints(c.get("strides", 1), 2)
    y = F.conv_transpose2d(_first(x), k.permute(3, 2, 0, 1), stride=s)  # every stamp: (n - 1) * s + k
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
    return _act(c)(_last(y))


def _pool(x: Tensor, c: dict[str, Any], mode: str) -> Tensor:
    nd = x.dim() - 2
    size = _ints(c.get("pool_size", 2), nd)
    strides = _ints(c.get("strides") or size, nd)
    pool = getattr(F, f"{mode}_pool{nd}d")
    xt = _first(x)
    if c.get("padding", "valid") != "same":
        return _last(pool(xt, size, strides))
    pads = same_pads(xt.shape[2:], size, strides, [1] * nd)
    if mode == "max":
        return _last(pool(F.pad(xt, pads, value=float("-inf")), size, strides))
    ones = torch.ones((1, 1, *xt.shape[2:]), dtype=xt.dtype)
    return _last(pool(F.pad(xt, pads), size, strides) / pool(F.pad(ones, pads), size, strides))  # real cells only


def _layer_norm(x: Tensor, c: dict[str, Any], w: dict[str, Tensor]) -> Tensor:
    axes = sorted(a % x.dim() for a in _ints(c.get("axis", -1), 1))
    mean = x.mean(dim=axes, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=axes, keepdim=True)
    y = (x - mean) / torch.sqrt(var + float(c.get("epsilon", 1e-3)))
    shape = [x.shape[a] if a in axes else 1 for a in range(x.dim())]
    if "gamma" in w:
        y = y * w["gamma"].reshape(shape)
    if "beta" in w:
        y = y + w["beta"].reshape(shape)
    return y


def _recurrent(x: Tensor, c: dict[str, Any], w: dict[str, Tensor], cls: str) -> Tensor:
    units = int(c["units"])
    act = _act({"activation": c.get("activation", "tanh")})
    gate = ACTIVATIONS[c.get("recurrent_activation") or "hard_sigmoid"]  # TF.js' default
    h = torch.zeros(x.shape[0], units)
    cell = torch.zeros_like(h)
    steps = []
    for t in range(x.shape[1]):
        z = x[:, t] @ w["kernel"] + h @ w["recurrent_kernel"] + (w["bias"] if "bias" in w else 0.0)
        if cls == "LSTM":                                        # Keras' gates: input, forget, cell, output
            i, f, g, o = z.split(units, dim=1)
            cell = gate(f) * cell + gate(i) * act(g)
            h = gate(o) * act(cell)
        elif cls == "GRU":                                       # TF.js: update, reset, then the reset state
            x_z, x_r, x_h = (x[:, t] @ w["kernel"] + (w["bias"] if "bias" in w else 0.0)).split(units, dim=1)
            u_z, u_r, u_h = w["recurrent_kernel"].split(units, dim=1)
            zg, r = gate(x_z + h @ u_z), gate(x_r + h @ u_r)
            h = zg * h + (1 - zg) * act(x_h + (r * h) @ u_h)
        else:
            h = act(z)
        steps.append(h)
    return torch.stack(steps, dim=1) if c.get("return_sequences") else h


def _layer(cls: str, c: dict[str, Any], w: dict[str, Tensor], xs: list[Tensor]) -> Tensor:
    """One layer's output (TF.js' semantics) from its inputs."""
    x = xs[0]
    if cls in IDENTITY:
        return x
    if cls == "Add":
        return torch.stack(xs).sum(dim=0)
    if cls == "Dense":
        return _act(c)(x @ w["kernel"] + (w["bias"] if "bias" in w else 0.0))
    if cls in ("Conv1D", "Conv2D", "Conv3D"):
        return _conv(x, c, w)
    if cls in ("DepthwiseConv2D", "SeparableConv2D"):
        return _depthwise(x, c, w)
    if cls == "Conv2DTranspose":
        return _conv_transpose(x, c, w)
    if cls.startswith(("MaxPooling", "AveragePooling")):
        return _pool(x, c, "max" if cls.startswith("Max") else "avg")
    if cls.startswith("Global"):
        axes = list(range(1, x.dim() - 1))
        return x.amax(dim=axes) if "Max" in cls else x.mean(dim=axes)
    if cls == "Flatten":
        return x.reshape(x.shape[0], -1)
    if cls == "Reshape":
        return x.reshape(x.shape[0], *[int(d) for d in c["target_shape"]])
    if cls == "Permute":
        return x.permute(0, *[int(d) for d in c["dims"]])
    if cls == "Cropping2D":
        (top, bottom), (left, right) = [_ints(v, 2) for v in c["cropping"]]
        return x[:, top:x.shape[1] - bottom, left:x.shape[2] - right]
    if cls == "UpSampling2D" and c.get("interpolation", "nearest") == "nearest":
        sh, sw = _ints(c.get("size", 2), 2)
        return x.repeat_interleave(sh, dim=1).repeat_interleave(sw, dim=2)
    if cls == "Activation":
        return _act(c)(x)
    if cls == "Softmax":
        return x.softmax(int(c.get("axis", -1)))
    if cls == "LeakyReLU":
        return F.leaky_relu(x, float(c.get("alpha", 0.3)))
    if cls == "ThresholdedReLU":
        return torch.where(x > float(c.get("theta", 1.0)), x, torch.zeros_like(x))
    if cls == "BatchNormalization":
        y = (x - w["moving_mean"]) / torch.sqrt(w["moving_variance"] + float(c.get("epsilon", 1e-3)))
        return y * w.get("gamma", 1.0) + w.get("beta", 0.0)
    if cls == "LayerNormalization":
        return _layer_norm(x, c, w)
    if cls == "Embedding":
        return w["embeddings"][x.long()]
    if cls in ("SimpleRNN", "LSTM", "GRU"):
        return _recurrent(x, c, w, cls)
    raise SpecError(c.get("name", cls), msg("LayerLab cannot check a TF.js {cls} layer", cls=cls), cls,
                    msg("report this model to the LayerLab developers; layers: {kinds}", kinds=cls))


def run_model(doc: dict[str, Any], weights: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """The model's outputs for x (batch first, in TF.js' layout), as float32 numpy."""
    topo = doc["modelTopology"]
    cfg = topo["config"]
    layers = cfg["layers"]
    by_layer: dict[str, dict[str, Tensor]] = {}
    for key, arr in weights.items():
        owner, _, name = key.rpartition("/")
        by_layer.setdefault(owner, {})[name] = torch.from_numpy(np.asarray(arr, np.float32))
    dtype = next((layer["config"].get("dtype") for layer in layers[:1]), None)
    inp = torch.from_numpy(np.asarray(x)).long() if dtype == "int32" else torch.from_numpy(np.asarray(x, np.float32))
    with torch.no_grad():
        if topo["class_name"] == "Sequential":
            y = inp
            for layer in layers:
                c = layer["config"]
                y = _layer(layer["class_name"], c, by_layer.get(c.get("name"), {}), [y])
            return y.float().numpy()
        out: dict[str, Tensor] = {}
        for layer in layers:
            c, name = layer["config"], layer.get("name") or layer["config"].get("name")
            if layer["class_name"] == "InputLayer":
                out[name] = inp
                continue
            xs = [out[node[0]] for node in layer["inbound_nodes"][0]]
            out[name] = _layer(layer["class_name"], c, by_layer.get(name, {}), xs)
        return out[cfg["output_layers"][0][0]].float().numpy()
