"""What TF.js export and import share: activation names, layouts, weight files.

Layouts: LayerLab (like PyTorch) keeps channels first, (C, H, W); TF.js/Keras keeps them
last, (H, W, C). Sequences are (T, F) in both. A flatten of a channels-last block reads the
values in another order, so the dense layer after it gets its kernel rows permuted.
Weights: dense kernels are (in, out) in Keras and (out, in) in torch; conv kernels are
(kh, kw, in, out) against (out, in, kh, kw), transposed ones (kh, kw, out, in) against
(in, out, kh, kw); Keras LSTM gates (i, f, c, o) match torch's (i, f, g, o); Keras keeps
one bias where torch has two (input and recurrent).
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import msg
from ..spec.errors import SpecError

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

SHARD_BYTES = 4 * 1024 * 1024  # TF.js' default shard size


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


# -- weight files ------------------------------------------------------------------------
def weight_files(weights: list[tuple[str, np.ndarray]]) -> tuple[list[dict[str, Any]], list[tuple[str, bytes]]]:
    """The weightsManifest entry and the shard files (name, bytes) for named float32 arrays."""
    specs = [{"name": n, "shape": list(a.shape), "dtype": "float32"} for n, a in weights]
    blob = b"".join(np.ascontiguousarray(a, dtype="<f4").tobytes() for _, a in weights)
    n = max(1, math.ceil(len(blob) / SHARD_BYTES))
    shards = [(f"group1-shard{i + 1}of{n}.bin", blob[i * SHARD_BYTES:(i + 1) * SHARD_BYTES]) for i in range(n)]
    return [{"paths": [s for s, _ in shards], "weights": specs}], shards


def read_model(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """model.json (a file, or a folder holding one) and its weights by name; clear errors for bad files."""
    path = Path(path)
    file = path / "model.json" if path.is_dir() else path
    if not file.exists():
        raise SpecError("", msg("no TF.js model found at {path}", path=str(path)), str(path),
                        msg("give the model.json that TF.js (or asanAI) saved, with its .bin files beside it"))
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise SpecError("", msg("{file} is not valid JSON, so it is no TF.js model (or it is damaged)", file=file.name),
                        str(e)[:200], msg("export the model again from TF.js/asanAI")) from None
    if not isinstance(doc, dict) or "modelTopology" not in doc:
        raise SpecError("", msg("{file} is not a TF.js Layers model: it has no modelTopology", file=file.name),
                        sorted(doc)[:8] if isinstance(doc, dict) else type(doc).__name__,
                        msg("save the model with model.save() in TF.js (a graph model from the converter cannot be "
                            "imported)"))
    weights: dict[str, np.ndarray] = {}
    for group in doc.get("weightsManifest") or []:
        blob = b""
        for p in group.get("paths", []):
            shard = file.parent / p
            if not shard.is_file():
                raise SpecError("", msg("the weight file {shard!r} named in {file} is missing", shard=p, file=file.name),
                                str(shard), msg("put every .bin file that TF.js saved beside model.json"))
            blob += shard.read_bytes()
        offset = 0
        for spec in group.get("weights", []):
            dtype = {"float32": "<f4", "int32": "<i4"}.get(spec.get("dtype", "float32"))
            if dtype is None or spec.get("quantization"):
                raise SpecError("", msg("weight {name!r} is stored as {dtype} (quantized weights are not supported)",
                                        name=spec.get("name"), dtype=spec.get("dtype")), spec.get("dtype"),
                                msg("save the model with float32 weights"))
            shape = [int(d) for d in spec.get("shape", [])]
            size = 4 * math.prod(shape)
            if offset + size > len(blob):
                raise SpecError("", msg("the weight files are shorter than {file} says (damaged or cut off)",
                                        file=file.name), msg("{n} bytes", n=len(blob)),
                                msg("copy the .bin files again, completely"))
            weights[spec["name"]] = np.frombuffer(blob, dtype, math.prod(shape), offset).reshape(shape).astype(np.float32)
            offset += size
    return doc, weights
