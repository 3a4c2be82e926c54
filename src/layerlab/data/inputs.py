"""Turning what a user gives at prediction time into a preprocessed batch for the network.

Accepted items: image file paths, image bytes, PIL images, NumPy arrays or tensors (one
sample or a batch, in the data's own units), lists of numbers, dicts of feature name ->
value, and CSV files or text of rows (tables). The same preprocessing as in training is
applied.

>>> from layerlab.data.prepare import prepare
>>> ds = prepare({"source": "iris"})
>>> x = load_inputs([{"sepal length (cm)": 5.1, "sepal width (cm)": 3.5,
...                   "petal length (cm)": 1.4, "petal width (cm)": 0.2}], ds.info, ds.preprocessor)
>>> tuple(x.shape)
(1, 4)
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from PIL import Image

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec.params import closest
from .base import DataInfo
from .csvread import read_table
from .encode import encode
from .imagefiles import convert, fit_to, open_image
from .preprocess import Preprocessor


def _info(info: Any) -> DataInfo:
    if isinstance(info, DataInfo):
        return info
    d = dict(info)
    known = {"kind", "input_shape", "task", "classes", "outputs", "n_samples", "feature_names", "vocab_size"}
    return DataInfo(d["kind"], tuple(d["input_shape"]), d["task"], d.get("classes"), d.get("outputs", 1),
                    d.get("n_samples"), d.get("feature_names"), d.get("vocab_size"),
                    {k: v for k, v in d.items() if k not in known})


def _image(item: Any, shape: tuple[int, ...], where: str, fit: str) -> np.ndarray:
    c, h, w = shape
    if isinstance(item, (str, os.PathLike)) and not str(item).startswith("data:image") and not Path(item).is_file():
        raise SpecError(where, msg("is not an image file that exists"), str(item),
                        msg("give the path of a PNG or JPEG file"))
    img = open_image(item, where) if not isinstance(item, Image.Image) else item
    img = fit_to(convert(img, 1 if c == 1 else 3), w, h, fit)   # as the training images were
    a = np.asarray(img, np.float32) / 255.0
    return a[None] if c == 1 else a.transpose(2, 0, 1)


def _raw_columns(info: DataInfo, pre: Preprocessor) -> list[str]:
    if pre.columns:
        return [c["name"] for c in pre.columns]
    return list(info.feature_names or [f"x{i + 1}" for i in range(int(np.prod(info.input_shape)))])


def _rows(df: pd.DataFrame, info: DataInfo, pre: Preprocessor, where: str) -> np.ndarray:
    names = _raw_columns(info, pre)
    df = df.rename(columns=str)
    missing = [n for n in names if n not in df.columns]
    if missing:
        extra = [c for c in df.columns if c not in names and c != info.extra.get("target")]
        absent = ", ".join(map(repr, missing[:5]))
        message = msg("misses the features {names}", names=absent) if len(missing) > 1 \
            else msg("misses the feature {names}", names=absent)
        listing = ", ".join(names)
        hint = msg("give a value for every feature: {listing} (not known: {unknown})", listing=listing,
                   unknown=", ".join(extra[:5])) if extra \
            else msg("give a value for every feature: {listing}", listing=listing)
        raise SpecError(where, message, list(df.columns)[:20], hint)
    if pre.columns:
        return encode(df[names], pre.columns)
    try:
        return df[names].to_numpy(np.float32)
    except (TypeError, ValueError):
        raise SpecError(where, msg("has values that are not numbers"), df[names].head(3).to_dict("records"),
                        msg("give numbers for every feature")) from None


def _table_item(item: Any, info: DataInfo, pre: Preprocessor, where: str) -> np.ndarray:
    names = _raw_columns(info, pre)
    if isinstance(item, dict):
        unknown = [k for k in item if k not in names]
        if unknown:
            close = closest(str(unknown[0]), names)
            listing = ", ".join(names)
            hint = msg("did you mean {close!r}? Features: {listing}", close=close, listing=listing) if close \
                else msg("Features: {listing}", listing=listing)
            raise SpecError(where, msg("has an unknown feature {name!r}", name=unknown[0]), sorted(item), hint)
        return _rows(pd.DataFrame([item]), info, pre, where)
    if isinstance(item, (str, os.PathLike, bytes)):
        if isinstance(item, bytes):
            df = read_table(text=item.decode("utf-8"), where=where)
        elif isinstance(item, str) and ("\n" in item or not Path(item).suffix):
            df = read_table(text=item, where=where)
        else:
            df = read_table(Path(item), where=where)
        if set(names) - set(map(str, df.columns)) and df.shape[1] == len(names):
            df.columns = names                          # rows without a header, in feature order
        return _rows(df, info, pre, where)
    values = np.asarray(item, dtype=object if pre.columns else np.float32)
    if values.ndim == 1 and len(values) == len(names):
        return _rows(pd.DataFrame([list(values)], columns=names), info, pre, where)
    raise SpecError(where, msg("must have {n} values (one per feature)", n=len(names)),
                    msg("{n} values", n=int(values.size)),
                    msg("give the values in this order: {listing}", listing=", ".join(names)))


def _array(item: Any, shape: tuple[int, ...], where: str) -> np.ndarray:
    a = item.detach().cpu().numpy() if isinstance(item, torch.Tensor) else np.asarray(item)
    if a.shape == shape:
        return a[None]
    if a.shape[1:] == shape:
        return a
    if a.size == int(np.prod(shape)):
        return a.reshape(1, *shape)
    raise SpecError(where, msg("has the wrong shape for this model's input {shape}", shape=shape), tuple(a.shape),
                    msg("give one sample of shape {shape} or a batch of shape (N, {dims})", shape=shape,
                        dims=", ".join(map(str, shape))))


def load_inputs(items: Any, info: Any, preprocessor: Preprocessor | dict[str, Any]) -> torch.Tensor:
    """A preprocessed batch (N, *input_shape) from raw items; errors name the item."""
    info = _info(info)
    pre = preprocessor if isinstance(preprocessor, Preprocessor) else Preprocessor.from_dict(preprocessor)
    shape = tuple(info.input_shape)
    fit = (pre.image or {}).get("fit", "squash")     # runs saved before fits existed squashed
    if isinstance(items, (np.ndarray, torch.Tensor)):
        items = [items]
    elif not isinstance(items, (list, tuple)) or (items and isinstance(items[0], (int, float))):
        items = [items]
    if not items:
        raise SpecError("inputs", msg("is empty"), [], msg("give at least one sample"))
    parts = []
    for i, item in enumerate(items):
        where = f"inputs[{i}]"
        if info.kind == "image" and not isinstance(item, (np.ndarray, torch.Tensor, list)):
            parts.append(_image(item, shape, where, fit)[None])
        elif info.kind in ("tabular", "points") and (pre.columns or not isinstance(item, (np.ndarray, torch.Tensor))):
            parts.append(_table_item(item, info, pre, where))
        elif info.kind == "tokens" and isinstance(item, dict):
            names = info.feature_names or []
            if set(item) != set(names):
                raise SpecError(where, msg("must give every token by name"), sorted(item),
                                msg("give: {listing}", listing=", ".join(names)))
            parts.append(np.array([[item[n] for n in names]], np.int64))
        else:
            parts.append(_array(item, shape, where))
    x = np.concatenate(parts, 0)
    if info.kind == "tokens":
        if not np.all(np.equal(np.mod(x, 1), 0)) or x.min() < 0 or (info.vocab_size and x.max() >= info.vocab_size):
            raise SpecError("inputs", msg("must be whole numbers from 0 to {high}", high=(info.vocab_size or 1) - 1),
                            x.reshape(len(x), -1)[:3].tolist(), msg("give token ids the model knows"))
        return torch.from_numpy(x.astype(np.int64))
    return torch.from_numpy(np.ascontiguousarray(pre.transform_x(x.astype(np.float32))))


