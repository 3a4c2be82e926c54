"""What the layer kinds' TF.js adapters share: layouts, activation names, weight helpers.

Each layer kind carries its TF.js adapter at the end of its class (see LayerKind's TF.js
section in base.py): `tfjs_export` adds its Keras layers to the exporter's builder,
`tfjs_import` turns one Keras layer into a LayerLab layer dict and tensors, `tfjs_reference`
computes a Keras layer by TF.js' rules (in PyTorch). A kind TF.js cannot hold declares
`tfjs_refused = Refused(reason)` instead. The walkers in export/tfjs*.py only dispatch.

Layouts: LayerLab (like PyTorch) keeps channels first, (C, H, W); TF.js/Keras keeps them
last, (H, W, C). Sequences are (T, F) in both. A flatten of a channels-last block reads the
values in another order, so the dense layer after it gets its kernel rows permuted.
Weights: dense kernels are (in, out) in Keras and (out, in) in torch; conv kernels are
(kh, kw, in, out) against (out, in, kh, kw), transposed ones (kh, kw, out, in) against
(in, out, kh, kw); Keras LSTM gates (i, f, c, o) match torch's (i, f, g, o); Keras keeps
one bias where torch has two (input and recurrent).

>>> permute_dims(3, to_last=True), permute_dims(3, to_last=False), ints([2, 3], 2), cropping(1)
([2, 3, 1], [3, 1, 2], [2, 3], [[1, 1], [1, 1]])
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import numpy as np
import torch
import torch.nn.functional as F

from ..i18n import Text, msg
from ..spec.errors import SpecError


@dataclass(frozen=True)
class Refused:
    """A layer kind TF.js cannot hold, with the reason shown when an export is refused."""

    reason: Text


# LayerLab activation -> TF.js activation string (TF.js' own names, as its model.json stores them)
ACT_TO_TFJS = {
    "linear": "linear", "relu": "relu", "relu6": "relu6", "elu": "elu", "selu": "selu",
    "sigmoid": "sigmoid", "hard_sigmoid": "hard_sigmoid", "tanh": "tanh", "softmax": "softmax",
    "softplus": "softplus", "softsign": "softsign", "silu": "swish", "mish": "mish", "gelu": "gelu",
    "log_softmax": "log_softmax",
}
# TF.js activation (snake or camel case) -> LayerLab activation
ACT_FROM_TFJS = {v: k for k, v in ACT_TO_TFJS.items()}
ACT_FROM_TFJS.update({"hardSigmoid": "hard_sigmoid", "logSoftmax": "log_softmax", "swish": "silu", None: "linear"})


# -- layouts -------------------------------------------------------------------------------
def to_channels_last(shape: tuple[int, ...]) -> tuple[int, ...]:
    """(C, *spatial) -> (*spatial, C)."""
    return (*shape[1:], shape[0]) if len(shape) >= 2 else tuple(shape)


def to_channels_first(shape: tuple[int, ...]) -> tuple[int, ...]:
    """(*spatial, C) -> (C, *spatial)."""
    return (shape[-1], *shape[:-1]) if len(shape) >= 2 else tuple(shape)


def flatten_order(torch_shape: tuple[int, ...]) -> np.ndarray:
    """idx[j] = position in LayerLab's flat vector of the j-th value of TF.js' flat vector."""
    n = math.prod(torch_shape)
    axes = (*range(1, len(torch_shape)), 0)
    return np.arange(n).reshape(torch_shape).transpose(axes).reshape(-1)


def permute_dims(rank: int, to_last: bool) -> list[int]:
    """Keras Permute dims (1-based, batch excluded) moving the channel axis last or first."""
    return [*range(2, rank + 1), 1] if to_last else [rank, *range(1, rank)]


def conv_kernel_to_tfjs(w: np.ndarray) -> np.ndarray:
    """(O, I, *k) -> (*k, I, O)."""
    nd = w.ndim - 2
    return np.ascontiguousarray(np.transpose(w, (*range(2, 2 + nd), 1, 0)))


def conv_transpose_kernel_to_tfjs(w: np.ndarray) -> np.ndarray:
    """Transposed convolution (I, O, kh, kw) -> (kh, kw, O, I); TF.js stamps the kernel unflipped, as torch does."""
    return np.ascontiguousarray(np.transpose(w, (2, 3, 1, 0)))


def conv_kernel_from_tfjs(k: np.ndarray) -> np.ndarray:
    """(*k, I, O) -> (O, I, *k)."""
    nd = k.ndim - 2
    return np.ascontiguousarray(np.transpose(k, (nd + 1, nd, *range(nd))))


def ints(v: Any, n: int) -> list[int]:
    return [int(x) for x in v] if isinstance(v, (list, tuple)) else [int(v)] * n


# -- export ----------------------------------------------------------------------------------
class Builder(Protocol):
    """The exporter's collector of Keras layers (export/tfjs_layers.Builder)."""

    cur: str

    def add(self, cls: str, config: dict[str, Any], weights: dict[str, np.ndarray] | None = None,
            inputs: list[str] | None = None) -> str: ...

    def activation(self, act: str, rank: int, cl: bool, path: str) -> None: ...


class ExportContext(Protocol):
    """What an export adapter reads and changes besides its own layer: the builder, the tensor's layout
    (cl: TF.js holds LayerLab's tensor channels-last), a pending flatten order and the rows after it."""

    b: Builder
    cl: bool
    flat_perm: np.ndarray | None
    rest: list[Any]

    def to_layout(self, channels_last: bool, rank: int) -> None: ...

    def walk(self, rows: list[Any], modules: list[torch.nn.Module]) -> None: ...


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


def with_bias(weights: dict[str, Any], bias: np.ndarray | None) -> dict[str, Any]:
    return {**weights, **({"bias": bias} if bias is not None else {})}


def emit_activation(b: Builder, act: str, rank: int, cl: bool, path: str) -> None:
    """A separate layer for an activation that Keras' `activation` string cannot say."""
    if act == "linear":
        return
    if act == "softmax" and rank >= 2:
        b.add("Softmax", {"axis": -1 if cl else 1})
    elif act in ACT_TO_TFJS:
        b.add("Activation", {"activation": ACT_TO_TFJS[act]})
    elif act == "leaky_relu":
        b.add("LeakyReLU", {"alpha": 0.01})
    elif act == "thresholded_relu":
        b.add("ThresholdedReLU", {"theta": 1.0})
    else:
        raise SpecError(f"{path}.activation", msg("this activation has no TF.js equivalent"), act,
                        msg("use one of: {listing}",
                            listing=", ".join([*ACT_TO_TFJS, "leaky_relu", "thresholded_relu"])))


# -- import ----------------------------------------------------------------------------------
class ImportContext(Protocol):
    """What an import adapter reads and changes besides its own layer: the layout relation, a pending
    flatten order, notes for the user, and what the walker knows about Keras classes."""

    cl: bool                        # True: TF.js holds LayerLab's tensor with the channel axis moved last
    flat_perm: np.ndarray | None    # set by a flatten of channels-last maps: the next dense kernel reads that order
    notes: list[str]                # what the user should know about the imported project

    def channels_last(self, cls: str) -> bool: ...

    def agnostic(self, layer: dict[str, Any]) -> bool: ...


@dataclass
class KerasLayer:
    """One Keras layer as an import adapter sees it."""

    cls: str                               # its class name
    config: dict[str, Any]
    weights: dict[str, np.ndarray]         # by the last part of their names (kernel, bias, ...)
    cur: tuple[int, ...]                   # the shape LayerLab holds its input in
    where: str                             # for messages
    rest: list[dict[str, Any]] = field(default_factory=list)  # the layers after it, in order
    following: dict[str, Any] | None = None  # the next layer when the adapter takes it in (tfjs_import_takes)


def keras_act(name: Any, where: str) -> str:
    """LayerLab's name for a TF.js activation."""
    if isinstance(name, dict):
        name = name.get("class_name")
    if name in ACT_FROM_TFJS:
        return ACT_FROM_TFJS[name]
    raise SpecError(where, msg("uses an activation LayerLab does not have"), name,
                    msg("supported activations: {listing}", listing=", ".join(sorted(a for a in ACT_FROM_TFJS if a))))


def cropping(v: Any) -> list[list[int]]:
    """Keras' cropping (an int, one per axis, or (start, end) per axis) as [[top, bottom], [left, right]]."""
    if v is None:
        return [[0, 0], [0, 0]]
    return [ints(x, 2) for x in (v if isinstance(v, (list, tuple)) else [v, v])]


# -- reference (a Keras layer computed by TF.js' rules, in PyTorch) ------------------------------
Tensor = torch.Tensor

ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "linear": lambda x: x, "relu": F.relu, "relu6": lambda x: x.clamp(0.0, 6.0), "elu": F.elu, "selu": F.selu,
    "sigmoid": torch.sigmoid, "hard_sigmoid": lambda x: (0.2 * x + 0.5).clamp(0.0, 1.0), "tanh": torch.tanh,
    "softmax": lambda x: x.softmax(-1), "softplus": F.softplus, "softsign": F.softsign, "swish": F.silu,
    "mish": F.mish, "gelu": F.gelu, "gelu_new": lambda x: F.gelu(x, approximate="tanh"),
    "log_softmax": lambda x: x.log_softmax(-1),
}
ACTIVATIONS.update({"hardSigmoid": ACTIVATIONS["hard_sigmoid"], "logSoftmax": ACTIVATIONS["log_softmax"]})


def ref_act(c: dict[str, Any]) -> Callable[[Tensor], Tensor]:
    return ACTIVATIONS[c.get("activation") or "linear"]


def same_pads(sizes, kernel, strides, dilation) -> list[int]:
    """F.pad's list (last axis first) for TF's 'same': out = ceil(n / s), the odd pixel goes at the end."""
    pads: list[int] = []
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
        pads = [total // 2, total - total // 2, *pads]
    return pads


def first(x: Tensor) -> Tensor:
    return x.movedim(-1, 1)  # (B, *spatial, C) -> (B, C, *spatial), as torch's functions want it


def last(x: Tensor) -> Tensor:
    return x.movedim(1, -1)
