"""Preprocessing fitted on the training split only, stored as JSON, applied the same at prediction.

Features are standardised (per feature for tables and points, per channel for images) or
min-max scaled; token inputs pass through. Regression targets may be standardised too, with
`inverse_y` turning predictions back into the data's units. Never pickled: `to_dict()` is
plain JSON and is written beside every checkpoint (runs/<id>/preprocessing.json).

>>> import numpy as np
>>> from layerlab.data.base import DataInfo
>>> info = DataInfo("tabular", (2,), "classification", ["a", "b"])
>>> pre = Preprocessor.fit(np.array([[0., 10.], [2., 30.]]), np.array([0, 1]), info, {})
>>> pre.transform_x(np.array([[1., 20.]])).tolist()
[[0.0, 0.0]]
>>> Preprocessor.from_dict(pre.to_dict()).mean == pre.mean
True
"""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import torch

from ..i18n import msg
from ..spec.check import check
from ..spec.errors import SpecError
from ..spec.params import Param, resolve_params
from .base import DataInfo

FORMAT = 1

PARAMS = (
    Param("normalize", "choice", "auto", "How inputs are scaled: auto (standardise, except tokens), "
          "standard (mean 0, std 1), minmax (0..1) or none.", choices=("auto", "standard", "minmax", "none")),
    Param("standardize_target", "bool", False, "Regression: standardise the targets for training "
          "(predictions are turned back into the data's units)."),
)


def resolve(options: dict[str, Any] | None) -> dict[str, Any]:
    """Validated preprocessing options (the project's data.preprocessing) with defaults."""
    return resolve_params(PARAMS, options or {}, "data.preprocessing", msg("preprocessing"))


def _axes(kind: str, ndim: int) -> tuple[int, ...]:
    """Axes the statistics are taken over: all but channels for images, the batch otherwise."""
    if kind == "image" and ndim == 4:
        return (0, 2, 3)
    if kind == "sequence" and ndim == 3:
        return (0, 1)
    return (0,)


def _moments(x: np.ndarray, axes: tuple[int, ...], method: str, chunk: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """(mean, std) or (min, max - min) over axes, in float64 chunks (no full-size temporaries)."""
    def reduce(fn, c):
        return fn(c, axis=axes, keepdims=True)[0]
    if method == "minmax":
        lo = hi = None
        for i in range(0, len(x), chunk):
            c = np.asarray(x[i:i + chunk], np.float64)
            lo = reduce(np.min, c) if lo is None else np.minimum(lo, reduce(np.min, c))
            hi = reduce(np.max, c) if hi is None else np.maximum(hi, reduce(np.max, c))
        return lo, hi - lo
    shift = reduce(np.mean, np.asarray(x[:chunk], np.float64))   # shifted sums stay precise for large values
    total = total_sq = 0.0
    with np.errstate(invalid="ignore", over="ignore"):  # non-finite inputs give NaN stats; training says so
        for i in range(0, len(x), chunk):
            c = np.asarray(x[i:i + chunk], np.float64) - shift
            total = total + reduce(np.sum, c)
            total_sq = total_sq + reduce(np.sum, c * c)
    n = x.size / np.prod([x.shape[a] for a in range(x.ndim) if a not in axes])
    mean = total / n
    return shift + mean, np.sqrt(np.maximum(total_sq / n - mean * mean, 0.0))


class Preprocessor:
    """Input scaling, target scaling and class names of one dataset.

    `mean` and `scale` are nested lists that broadcast over one sample's shape.
    """

    def __init__(self, kind: str, task: str, method: str = "none", mean: list | None = None,
                 scale: list | None = None, axes: tuple[int, ...] = (0,), y_mean: list | None = None,
                 y_scale: list | None = None, classes: list[str] | None = None,
                 input_shape: tuple[int, ...] = (), columns: list[dict[str, Any]] | None = None,
                 image: dict[str, Any] | None = None):
        self.kind, self.task, self.method = kind, task, method
        self.mean, self.scale, self.axes = mean, scale, tuple(axes)
        self.y_mean, self.y_scale = y_mean, y_scale
        self.classes = classes
        self.input_shape = tuple(input_shape)
        self.columns = columns      # tabular encoding (one-hot, fills) for raw rows at prediction
        self.image = image          # how raw images are decoded: channels, size

    # -- fitting -----------------------------------------------------------------------
    @classmethod
    def fit(cls, x: np.ndarray, y: np.ndarray | None, info: DataInfo,
            options: dict[str, Any] | None = None) -> "Preprocessor":
        """Learn the scaling from training samples x (N, *input_shape) and targets y."""
        opt = resolve(options)
        method = opt["normalize"]
        if method == "auto":
            method = "none" if info.kind == "tokens" or np.issubdtype(x.dtype, np.integer) else "standard"
        if method != "none" and np.issubdtype(x.dtype, np.integer) and info.kind == "tokens":
            raise SpecError("data.preprocessing.normalize", msg("cannot scale token ids (they index an embedding)"),
                            method, msg("set normalize to 'none' or 'auto'"))
        axes = _axes(info.kind, x.ndim)
        mean = scale = None
        if method != "none" and len(x):
            m, s = _moments(x, axes, method)
            s = np.where(s < 1e-12, 1.0, s)          # a constant feature stays constant, not NaN
            mean, scale = m.tolist(), s.tolist()
        y_mean = y_scale = None
        if info.task == "regression" and opt["standardize_target"] and y is not None and len(y):
            yf = np.asarray(y, np.float64).reshape(len(y), -1)
            y_mean = yf.mean(0).tolist()
            y_scale = np.where(yf.std(0) < 1e-12, 1.0, yf.std(0)).tolist()
        extra = info.extra or {}
        return cls(info.kind, info.task, method, mean, scale, axes, y_mean, y_scale,
                   list(info.classes) if info.classes else None, tuple(info.input_shape),
                   extra.get("columns"), extra.get("image"))

    # -- applying ----------------------------------------------------------------------
    def _stats(self, like: Any) -> tuple[Any, Any]:
        m, s = np.asarray(self.mean, np.float32), np.asarray(self.scale, np.float32)
        if isinstance(like, torch.Tensor):
            return torch.from_numpy(m), torch.from_numpy(s)
        return m, s

    def transform_x(self, x: Any) -> Any:
        """Scale inputs (numpy array or tensor of shape (N, *input_shape)); tokens pass through."""
        if self.mean is None:
            if isinstance(x, torch.Tensor):
                return x if self.kind == "tokens" else x.float()
            return x if self.kind == "tokens" else np.asarray(x, np.float32)
        m, s = self._stats(x)
        if isinstance(x, torch.Tensor):
            return (x.float() - m) / s
        return ((np.asarray(x, np.float32) - m) / s).astype(np.float32)

    def transform_x_(self, x: np.ndarray) -> np.ndarray:
        """transform_x in place on a float32 array this caller owns (no temporary copies)."""
        if self.mean is not None:
            m, s = self._stats(x)
            x -= m
            x /= s
        return x

    def inverse_x(self, x: Any) -> Any:
        """Undo transform_x (to show preprocessed samples as the user knows them)."""
        if self.mean is None:
            return x
        m, s = self._stats(x)
        return x * s + m

    def transform_y(self, y: Any) -> Any:
        """Scale regression targets (N, outputs); class indices pass through."""
        if self.y_mean is None:
            return y
        m, s = np.asarray(self.y_mean, np.float32), np.asarray(self.y_scale, np.float32)
        if isinstance(y, torch.Tensor):
            return (y.float() - torch.from_numpy(m)) / torch.from_numpy(s)
        return ((np.asarray(y, np.float32) - m) / s).astype(np.float32)

    def inverse_y(self, y: Any) -> Any:
        """Turn the network's regression outputs back into the data's units."""
        if self.y_mean is None:
            return y
        m, s = np.asarray(self.y_mean, np.float32), np.asarray(self.y_scale, np.float32)
        if isinstance(y, torch.Tensor):
            return y * torch.from_numpy(s) + torch.from_numpy(m)
        return np.asarray(y, np.float32) * s + m

    def decode(self, indices: Any) -> list[str]:
        """Class names of predicted class indices."""
        names = self.classes or []
        return [names[int(i)] for i in np.asarray(indices).reshape(-1)]

    # -- JSON --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON (stored with the project and every checkpoint)."""
        return {"format": FORMAT, "kind": self.kind, "task": self.task, "method": self.method,
                "mean": self.mean, "scale": self.scale, "axes": list(self.axes),
                "y_mean": self.y_mean, "y_scale": self.y_scale, "classes": self.classes,
                "input_shape": list(self.input_shape), "columns": self.columns, "image": self.image}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Preprocessor":
        """The preprocessor a to_dict() describes."""
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise SpecError("preprocessing.json", msg("is not a LayerLab preprocessing file of a known format"),
                            d.get("format") if isinstance(d, dict) else type(d).__name__,
                            msg("retrain the project so the run stores its preprocessing again"))
        return cls(d["kind"], d["task"], d["method"], d.get("mean"), d.get("scale"), tuple(d.get("axes", (0,))),
                   d.get("y_mean"), d.get("y_scale"), d.get("classes"), tuple(d.get("input_shape", ())),
                   d.get("columns"), d.get("image"))

    def __repr__(self) -> str:
        return f"<Preprocessor {self.kind} {self.method} target={'standard' if self.y_mean else 'none'}>"


def _register_check() -> None:
    """Mistakes in data.preprocessing show up in validate/analyze."""

    @check
    def _preprocessing(project: Any, analysis: Any, target: Any) -> list[SpecError]:
        try:
            resolve(project.data.preprocessing)
        except SpecError as e:
            return [e]
        return []


_register_check()


def with_preprocessor(info: DataInfo, pre: Preprocessor) -> DataInfo:
    """A copy of info that carries the fitted preprocessor (sources may share their info objects);
    the engine's augmentation reads it to work in pixel units."""
    out = dataclasses.replace(info, extra=dict(info.extra or {}))
    out.preprocessor = pre  # type: ignore[attr-defined]  # not a field: never serialised
    return out
