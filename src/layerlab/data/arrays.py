"""The user's NumPy arrays: an .npz with inputs and targets, or two .npy files.

Loaded with allow_pickle=False (an uploaded file never runs code). Inputs of rank 3 or 4
((N, H, W), (N, C, H, W) or channels-last) are images, others are tables.

>>> import numpy as np, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()); (d / "data").mkdir()
>>> np.savez(d / "data" / "set.npz", x=np.zeros((6, 3), np.float32), y=np.array([0, 1] * 3))
>>> from layerlab.data import get_source
>>> src = get_source("npy"); info = src.info(src.resolve({}), d)
>>> info.input_shape, info.classes
((3,), ['0', '1'])
"""
from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec.params import Param
from .base import DataInfo, DataSource, RawData, SourceCase, read_only, register
from .files import find_file, inside, need_root, stamp

X_KEYS = ("x", "X", "inputs", "data", "features", "images")
Y_KEYS = ("y", "Y", "targets", "labels", "target", "label")
WHERE = "data.params.path"


def _unreadable(e: Exception, name: str, where: str) -> SpecError:
    if "object arrays" in str(e).lower():
        return SpecError(where, msg("holds Python objects, which LayerLab does not load (they could run code)"),
                         name, msg("save plain numeric arrays, e.g. np.savez(f, x=x.astype('float32'), y=y)"))
    return SpecError(where, msg("is not a readable NumPy file"), name,
                     msg("save it with np.save or np.savez ({error})", error=str(e)))


def _np_load(path: Path, where: str) -> Any:
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as e:
        raise _unreadable(e, path.name, where) from None


def _pick(npz: Any, keys: tuple[str, ...], missing: str, name: str) -> np.ndarray:
    """The first array named one of keys; else a SpecError saying `missing` (a msg)."""
    for k in keys:
        if k in npz.files:
            return npz[k]
    raise SpecError(WHERE, missing, msg("{name} holds {arrays}", name=name, arrays=list(npz.files)),
                    msg("save inputs as x and targets as y: np.savez(file, x=inputs, y=targets)"))


@functools.lru_cache(maxsize=4)
def _cached(path: str, key: tuple, y_path: str | None, params_json: str) -> RawData:
    p = json.loads(params_json)
    f = Path(path)
    if f.suffix.lower() == ".npz":
        with _np_load(f, WHERE) as npz:
            try:  # arrays in an .npz are read lazily, so a pickled one fails only here
                x = _pick(npz, X_KEYS, msg("has no inputs array"), f.name)
                y = _pick(npz, Y_KEYS, msg("has no targets array"), f.name)
            except SpecError:
                raise
            except (ValueError, OSError, EOFError) as e:
                raise _unreadable(e, f.name, WHERE) from None
    else:
        if not y_path:
            raise SpecError("data.params.y_path", msg("is needed with a .npy file of inputs"), None,
                            msg("give the .npy file of targets, or save both in one .npz"))
        x, y = _np_load(f, WHERE), _np_load(Path(y_path), "data.params.y_path")
    return read_only(build_arrays(np.asarray(x), np.asarray(y), p))


def build_arrays(x: np.ndarray, y: np.ndarray, p: dict[str, Any]) -> RawData:
    """RawData of input and target arrays, with the kind and task read from their types."""
    if x.dtype.kind not in "biuf" or y.dtype.kind not in "biufUS":
        raise SpecError(WHERE, msg("must hold numbers"), msg("inputs {x}, targets {y}", x=str(x.dtype), y=str(y.dtype)),
                        msg("convert the arrays to numbers (float32 inputs, integer or float targets)"))
    if len(x) != len(y):
        raise SpecError(WHERE, msg("has different numbers of inputs and targets"),
                        msg("{inputs} inputs, {targets} targets", inputs=len(x), targets=len(y)),
                        msg("give exactly one target per input"))
    if x.ndim == 1:
        x = x[:, None]
    kind = "image" if x.ndim in (3, 4) else "tabular"
    if x.ndim == 3:
        x = x[:, None]                                # (N, H, W) -> (N, 1, H, W)
    if kind == "image" and x.shape[1] not in (1, 3, 4) and x.shape[-1] in (1, 3, 4):
        x = np.moveaxis(x, -1, 1)                     # channels-last -> (N, C, H, W)
    if kind == "image" and x.dtype == np.uint8:
        x = x.astype(np.float32) / 255.0
    x = x.astype(np.float32)
    if not np.isfinite(x).all():
        bad = np.argwhere(~np.isfinite(x.reshape(len(x), -1)))[0]
        raise SpecError(WHERE, msg("has inputs that are not finite numbers (NaN or infinity)"),
                        msg("sample {sample}, value {value}", sample=int(bad[0]), value=int(bad[1])),
                        msg("fill or drop the missing values before saving (e.g. np.nan_to_num)"))
    task = p["task"]
    if task == "auto":
        whole = y.dtype.kind in "biuUS" or (y.dtype.kind == "f" and np.all(np.mod(y, 1) == 0))
        task = "classification" if y.ndim == 1 and whole and len(np.unique(y)) <= 100 else "regression"
    if task == "classification":
        if y.ndim != 1:
            raise SpecError(WHERE, msg("needs one class label per sample for classification"),
                            msg("targets of shape {shape}", shape=tuple(y.shape)),
                            msg("give targets of shape (N,), or set task to regression"))
        values, labels = np.unique(y, return_inverse=True)
        classes = [str(int(v)) if y.dtype.kind in "iuf" and float(v).is_integer() else str(v) for v in values]
        if len(classes) < 2:
            raise SpecError(WHERE, msg("has only one class, so there is nothing to tell apart"), classes,
                            msg("add samples of at least one more class"))
        return RawData(x, labels.astype(np.int64), DataInfo(kind, tuple(x.shape[1:]), task, classes, 1, len(x)))
    if y.dtype.kind not in "biuf":
        raise SpecError("data.params.task", msg("regression needs numeric targets"), str(y.dtype),
                        msg("set task to classification, or give numbers as targets"))
    y = y.astype(np.float32).reshape(len(y), -1)
    return RawData(x, y, DataInfo(kind, tuple(x.shape[1:]), "regression", None, y.shape[1], len(x)))


@register
class Npy(DataSource):
    name = "npy"
    builtin = False
    summary = "Your own NumPy arrays: an .npz with x and y, or two .npy files."
    params = (
        Param("path", "str", "", ".npz (or .npy of inputs) inside the project (empty: the first in data/)."),
        Param("y_path", "str", "", ".npy of targets, when path is a .npy of inputs."),
        Param("task", "choice", "auto", "classification, regression, or auto (from the targets).",
              choices=("auto", "classification", "regression")),
    )
    _x = np.arange(24, dtype=np.float32).reshape(8, 3) / 10
    cases = (SourceCase({"path": "data/x.npy", "y_path": "data/y.npy"},
                        {"data/x.npy": _x, "data/y.npy": np.array([0, 1, 2, 0, 1, 2, 0, 1])}),
             SourceCase({"path": "data/x.npy", "y_path": "data/y.npy", "task": "regression"},
                        {"data/x.npy": _x, "data/y.npy": _x[:, :2] * 2}),
             SourceCase({"path": "data/x.npy", "y_path": "data/y.npy"},
                        {"data/x.npy": _x, "data/y.npy": np.zeros(8, np.int64)}, error="only one class"))
    del _x

    def _raw(self, p: dict[str, Any], root: Path | None) -> RawData:
        root = need_root(root, WHERE)
        path = find_file(root, p["path"], (".npz", ".npy"), WHERE, msg("NumPy file"))
        y_path = inside(root, p["y_path"], "data.params.y_path") if p["y_path"] else None
        key = stamp(path) + (stamp(y_path) if y_path and y_path.exists() else ())
        return _cached(str(path), key, str(y_path) if y_path else None, json.dumps(p, sort_keys=True))

    def info(self, p: dict[str, Any], root: Path | None) -> DataInfo:
        return self._raw(p, root).info

    def load(self, p: dict[str, Any], root: Path | None, seed: int) -> RawData:
        return self._raw(p, root)
