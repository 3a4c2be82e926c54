"""Exported files that work alone: the network wrapped with what its run learned around it.

`Standalone` takes what a user has and returns what `Project.predict` returns:

- pictures: a fixed size, NCHW float32 with pixels 0-255 (divided by 255, then the run's
  per-channel standardisation); resizing stays outside (the metadata says size, fit, channels);
- tables: one column per raw feature in the data's own units, NaN for a missing cell (filled as
  in training); a text column holds its category's position in the metadata's `categories`
  (-1 for a value the model never saw); one-hot encoding and standardisation happen inside;
- tokens: int64 ids, unchanged;
- outputs: class probabilities (softmax / sigmoid as `Project.predict`), or regression values
  in the data's own units (the run's target scaling undone).

The ONNX file puts a front in front of this that takes text columns as strings (onnx_front).
A bare network without a project (no preprocessing in its metadata) is exported as it is.

>>> from layerlab.engine.build import build_network
>>> pre = {"kind": "tabular", "task": "classification", "mean": [10.0], "scale": [2.0],
...        "columns": [{"name": "size", "kind": "numeric", "fill": 10.0}]}
>>> m = Standalone(build_network([{"type": "dense", "units": 3}], (1,)), pre, "classification")
>>> out = m(torch.tensor([[float("nan")], [10.0], [14.0]]))     # (N, raw columns) -> (N, classes)
>>> out.sum(1).round(decimals=4).tolist(), bool(torch.equal(out[0], out[1]))   # a missing cell takes its fill
([1.0, 1.0, 1.0], True)
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from ..data.base import DataInfo
from ..data.inputs import load_inputs
from ..data.preprocess import Preprocessor
from ..engine.facade import LoadedRun, predict_loaded
from .common import Exported, check_close, torch_outputs

PIXEL_MAX = 255.0
UNKNOWN_TEXT = "\u00bfunknown?"   # a text value no model has seen (verification only)


def preprocessing(src: Exported) -> dict[str, Any] | None:
    """The run's preprocessing (Preprocessor.to_dict()) when src is a project's model, else None."""
    pre = src.meta.get("preprocessing") or None
    return pre if isinstance(pre, dict) and pre.get("kind") else None


def pixels(src: Exported) -> bool:
    """Whether the file takes pictures as pixels 0-255: image data read from pictures or drawn by a
    source (own arrays of floats keep their own units, as Project.predict reads arrays)."""
    pre = preprocessing(src)
    source = ((src.meta.get("doc") or {}).get("data") or {}).get("source")
    return pre is not None and pre.get("kind") == "image" and source != "npy"


def is_standalone(src: Exported) -> bool:
    """Whether exports of src carry their preprocessing (a project's model) or are the bare network."""
    return preprocessing(src) is not None


def _column_plan(columns: list[dict[str, Any]]) -> tuple[list[float], list[int], list[bool], list[float]]:
    """(fill per raw column, raw column of each feature, one-hot feature?, category position it stands for)."""
    fills, src, onehot, target = [], [], [], []
    for j, c in enumerate(columns):
        if c["kind"] == "numeric":
            fills.append(float(c["fill"]))
            src.append(j), onehot.append(False), target.append(0.0)
            continue
        cats = list(c["categories"])
        fills.append(float(cats.index(c["fill"])) if c["fill"] in cats else -1.0)
        if c.get("encoding", "onehot") == "onehot":
            for v in c.get("layout", cats):          # a value met only outside training keeps a zero column
                src.append(j), onehot.append(True), target.append(float(cats.index(v)) if v in cats else float("nan"))
        else:
            src.append(j), onehot.append(False), target.append(0.0)
    return fills, src, onehot, target


class Standalone(nn.Module):
    """Raw input -> the run's preprocessing -> network -> probabilities or values in the data's units."""

    def __init__(self, network: nn.Module, pre: dict[str, Any], task: str, pixels: bool = False):
        super().__init__()
        self.network = network
        self.task = task
        self.image = pixels
        self.table = bool(pre.get("columns"))
        self.output_activation = getattr(network, "output_activation", None)
        f32 = dict(dtype=torch.float32)
        if self.table:
            fills, src, onehot, target = _column_plan(pre["columns"])
            self.register_buffer("fills", torch.tensor(fills, **f32))
            self.register_buffer("src", torch.tensor(src, dtype=torch.long))
            self.register_buffer("onehot", torch.tensor(onehot, dtype=torch.bool))
            self.register_buffer("target", torch.tensor(target, **f32))
        self.scaled = pre.get("mean") is not None
        if self.scaled:
            self.register_buffer("mean", torch.from_numpy(np.asarray(pre["mean"], np.float32)))
            self.register_buffer("scale", torch.from_numpy(np.asarray(pre["scale"], np.float32)))
        self.unscale = task != "classification" and pre.get("y_mean") is not None
        if self.unscale:
            self.register_buffer("y_mean", torch.from_numpy(np.asarray(pre["y_mean"], np.float32)))
            self.register_buffer("y_scale", torch.from_numpy(np.asarray(pre["y_scale"], np.float32)))
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.table:
            x = torch.where(torch.isnan(x), self.fills, x)
            g = x.index_select(1, self.src)
            x = torch.where(self.onehot, (g == self.target).to(g.dtype), g)
        elif self.image:
            x = x / PIXEL_MAX
        if self.scaled:
            x = (x - self.mean) / self.scale
        if self.task == "classification":   # exactly engine.facade.predict_loaded's rules
            z = self.network.logits(x) if hasattr(self.network, "logits") else self.network(x)
            if z.shape[1] == 1:
                p1 = torch.sigmoid(z)
                return torch.cat([1 - p1, p1], dim=1)
            if self.output_activation == "sigmoid":
                p = torch.sigmoid(z)
                return p / p.sum(dim=1, keepdim=True).clamp_min(1e-12)
            return torch.softmax(z, dim=1)
        y = self.network(x)
        return y * self.y_scale + self.y_mean if self.unscale else y


def module(src: Exported) -> nn.Module:
    """What the torch formats trace: the Standalone wrapper for a project's model, else the bare network."""
    pre = preprocessing(src)
    src.network.eval()
    if pre is None:
        return src.network
    return Standalone(src.network, pre, str(src.meta.get("task") or pre.get("task") or "classification"), pixels(src))


# -- raw inputs: what a user gives, rebuilt from model inputs (real samples) --------------------------
def raw_columns(pre: dict[str, Any], x: torch.Tensor) -> np.ndarray:
    """(N, raw columns) float32 of a table with a schema: numbers, text as category positions (-1 unknown)."""
    feats = _inverse(pre, x)
    out, k = [], 0
    for c in pre["columns"]:
        if c["kind"] == "numeric":
            out.append(feats[:, k])
            k += 1
            continue
        cats = list(c["categories"])
        if c.get("encoding", "onehot") == "onehot":
            slots = list(c.get("layout", cats))
            block = feats[:, k:k + len(slots)]
            pos = np.array([cats.index(v) if v in cats else -1 for v in slots], np.float32)
            code = np.where(block.max(1) > 0.5, pos[block.argmax(1)], -1.0) if slots else np.full(len(feats), -1.0)
            out.append(code)
            k += len(slots)
        else:
            out.append(np.round(feats[:, k]))
            k += 1
    return np.stack(out, 1).astype(np.float32) if out else np.zeros((len(feats), 0), np.float32)


def _inverse(pre: dict[str, Any], x: torch.Tensor) -> np.ndarray:
    a = x.detach().cpu().numpy().astype(np.float32)
    if pre.get("mean") is not None:
        a = a * np.asarray(pre["scale"], np.float32) + np.asarray(pre["mean"], np.float32)
    return a


def raw_inputs(src: Exported, x: torch.Tensor | None = None, odd_rows: bool = True) -> np.ndarray:
    """The torch formats' input for model inputs x (default src.example), in the user's units.

    odd_rows adds, for tables with a schema, a row of missing cells and a row of unseen text values.
    """
    pre = preprocessing(src)
    x = src.example if x is None else x
    if pre is None or pre["kind"] == "tokens" or not x.is_floating_point():
        return x.numpy()
    if pre.get("columns"):
        cols = raw_columns(pre, x)
        if odd_rows and len(cols):
            missing = np.full((1, cols.shape[1]), np.nan, np.float32)
            unseen = cols[:1].copy()
            for j, c in enumerate(pre["columns"]):
                if c["kind"] != "numeric":
                    unseen[0, j] = -1.0
            cols = np.concatenate([cols, missing, unseen])
        return cols
    a = _inverse(pre, x)
    return (a * PIXEL_MAX).astype(np.float32) if pixels(src) else a


def text_columns(pre: dict[str, Any] | None) -> list[int]:
    """Positions of the text (categorical) columns among the raw columns."""
    return [j for j, c in enumerate((pre or {}).get("columns") or []) if c["kind"] != "numeric"]


def as_rows(pre: dict[str, Any], cols: np.ndarray) -> list[dict[str, Any]]:
    """Raw rows as dicts of column -> value (text as strings, None for missing) for Project.predict."""
    rows = []
    for r in cols:
        row: dict[str, Any] = {}
        for j, c in enumerate(pre["columns"]):
            v = float(r[j])
            if c["kind"] == "numeric":
                row[c["name"]] = v
            else:
                row[c["name"]] = None if np.isnan(v) else (c["categories"][int(v)] if v >= 0 else UNKNOWN_TEXT)
        rows.append(row)
    return rows


def reference(src: Exported, raw: np.ndarray) -> np.ndarray:
    """What Project.predict gives for these raw inputs: LayerLab's own reading, preprocessing and output."""
    pre = preprocessing(src)
    if pre is None:
        raise ValueError("reference() needs a project's model (with its preprocessing)")
    m = src.meta
    info = DataInfo(pre["kind"], tuple(src.input_shape), str(m.get("task") or pre["task"]), m.get("classes"),
                    int(m.get("outputs") or 1), None, m.get("feature_names"), m.get("vocab_size"))
    if pre.get("columns"):
        items: Any = as_rows(pre, raw)
    elif pixels(src):
        items = raw / np.float32(PIXEL_MAX)      # arrays are read in the data's units (0..1)
    else:
        items = raw
    p = Preprocessor.from_dict(pre)
    x = load_inputs(items, info, p)
    return predict_loaded(LoadedRun("", src.network, p, info, {}), x)


def example_input(src: Exported) -> torch.Tensor:
    """What the torch formats are traced with: the raw samples (the bare network's example otherwise)."""
    if not is_standalone(src):
        return src.example
    return torch.from_numpy(np.ascontiguousarray(raw_inputs(src, odd_rows=False)))


def verify(src: Exported, run: Callable[[torch.Tensor], np.ndarray], what: str) -> float:
    """Largest difference of run(inputs) from LayerLab on the samples and on a batch of one.

    A self-contained file is fed raw inputs (with a row of missing cells and one of unseen texts
    for a table) and compared with what Project.predict gives; a bare network with PyTorch.
    """
    diff = 0.0
    if is_standalone(src):
        raw = raw_inputs(src)
        for r in (raw, raw[:1]):
            got = run(torch.from_numpy(np.ascontiguousarray(r)))
            diff = max(diff, check_close(reference(src, r), got, what, src.kinds()))
    else:
        for x in (src.example, src.example[:1]):
            diff = max(diff, check_close(torch_outputs(src, x), run(x), what, src.kinds()))
    return diff

