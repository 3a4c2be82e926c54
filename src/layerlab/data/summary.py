"""What `layerlab data PROJECT` and the studio's data page show: counts, shapes, samples.

>>> from layerlab.data.prepare import prepare
>>> s = summarize(prepare({"source": "iris", "validation_split": 0.2, "seed": 0}))
>>> s["n_samples"], s["splits"]
(150, {'train': 120, 'validation': 30, 'test': 0})
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..i18n import msg
from ..i18n.numbers import number
from ..spec.errors import SpecError
from .dataset import Dataset
from .preview import image_png, raw_preview


def summarize(ds: Dataset) -> dict[str, Any]:
    """A JSON-ready summary of a prepared dataset."""
    info, meta = ds.info, ds.meta
    counts = meta.get("class_counts")
    total = None
    if counts:
        total = {c: sum(part.get(c, 0) for part in counts.values()) for c in info.classes or []}
    out = {
        "source": meta.get("source"), "kind": info.kind, "task": info.task,
        "n_samples": sum(meta["sizes"].values()), "input_shape": list(info.input_shape),
        "feature_names": info.feature_names, "classes": info.classes, "class_counts": total,
        "outputs": info.n_outputs, "vocab_size": info.vocab_size,
        "splits": dict(meta["sizes"]), "split_class_counts": counts,
        "streaming": bool(meta.get("streaming")), "preprocessing": ds.preprocessor.method,
    }
    # unseen_categories: text values met only outside the training rows (they encode as all zeros)
    for key in ("target", "missing", "dropped_rows", "columns_used", "ignored_columns", "unseen_categories"):
        if key in meta:
            out[key] = meta[key]
    return out


def _split(ds: Dataset, name: str):
    part = {"train": ds.train, "validation": ds.val, "val": ds.val, "test": ds.test}.get(name)
    if part is None:
        raise SpecError("split", msg("is empty or not a split of this dataset"), name,
                        msg("use train, validation or test (and set data.test_split to use test)"))
    return part


def _take(part: Any, idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    if hasattr(part, "take"):
        return part.take(idx)  # StreamingSplit: decode just these
    return part.x[torch.from_numpy(idx)], part.y[torch.from_numpy(idx)]


def raw_view(ds: Dataset, split: str = "train", limit: int = 256, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Up to `limit` samples of a split with preprocessing undone (x as numpy, y as numpy)."""
    part = _split(ds, split)
    idx = np.arange(offset, min(len(part), offset + limit))
    x, y = _take(part, idx)
    pre = ds.preprocessor
    return np.asarray(pre.inverse_x(x)), np.asarray(pre.inverse_y(y))


def mixed_indices(labels: Any, n: int) -> list[int]:
    """Up to n positions that take turns between the classes (the first of each class, then the
    second of each, ...), so a grid of a class-sorted split shows every class, not only the first.

    >>> mixed_indices([0, 0, 0, 0, 1, 1, 2], 5)
    [0, 4, 6, 1, 5]
    >>> mixed_indices([], 3), mixed_indices([1, 1], 5)
    ([], [0, 1])
    """
    if n <= 0 or not len(labels):
        return []
    labels = np.asarray(labels).reshape(len(labels), -1)[:, 0]
    per_class = [np.flatnonzero(labels == c).tolist() for c in np.unique(labels)]
    out: list[int] = []
    for rank in range(max((len(p) for p in per_class), default=0)):
        for members in per_class:
            if rank < len(members):
                out.append(members[rank])
                if len(out) == n:
                    return out
    return out


def wrong_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Samples with a prediction, the wrong ones first (least confident first), then the right ones.

    >>> [s["i"] for s in wrong_first([{"i": 0, "ok": True}, {"i": 1, "ok": False, "confidence": 0.6},
    ...                               {"i": 2, "ok": False, "confidence": 0.9}])]
    [2, 1, 0]
    """
    return sorted(items, key=lambda s: (s.get("ok") is not False, -(s.get("confidence") or 0.0)
                                        if s.get("ok") is False else 0.0))


def row_text(values: dict[str, Any] | list[Any], lang: str | None = None, limit: int | None = None) -> str:
    """A table row as people read it: "bill_length_mm 39.1, island Torgersen, ..." in the data's
    own units; one-hot columns ("island=Torgersen") are folded back into their column's value.

    >>> row_text({"island=Biscoe": 0.0, "island=Torgersen": 1.0, "bill_length_mm": 38.599998474}, "de")
    'island Torgersen, bill_length_mm 38,6'
    >>> row_text([1.5, 2000.0], "en"), row_text({"a": 1.0, "b": 2.0, "c": 3.0}, "en", limit=2)
    ('x1 1.5, x2 2,000', 'a 1, b 2, …')
    """
    items = values.items() if isinstance(values, dict) else ((f"x{i + 1}", v) for i, v in enumerate(values))
    parts: list[str] = []
    groups: dict[str, int] = {}
    for name, value in items:
        column, sep, category = str(name).partition("=")
        if sep:
            if column not in groups:
                groups[column] = len(parts)
                parts.append(f"{column} ?")
            if isinstance(value, (int, float)) and value >= 0.5:
                parts[groups[column]] = f"{column} {category}"
        else:
            parts.append(f"{column} {number(value, lang) if isinstance(value, (int, float)) else value}")
    if limit is not None and len(parts) > limit:
        parts = [*parts[:limit], "…"]
    return ", ".join(parts)


def _labels(part: Any, limit: int = 20000) -> np.ndarray | None:
    """The class labels of a split without decoding its inputs, or None (streaming, regression)."""
    y = getattr(part, "y", None)
    if y is None:
        return None
    return np.asarray(y[:limit]).reshape(min(len(y), limit), -1)[:, 0]


def samples(ds: Dataset, n: int = 16, split: str = "train", offset: int = 0,
            indices: Any = None, mixed: bool = True) -> list[dict[str, Any]]:
    """Samples for a grid: {'index', 'position', 'label', 'image_png' | 'values'}.

    For classification the grid mixes the classes (mixed_indices) unless `indices` (positions in
    the split) or an offset say which; otherwise the first n from offset. 'position' is the
    sample's place in the split, 'index' its row in the whole data set."""
    part = _split(ds, split)
    info = ds.info
    if indices is None and mixed and offset == 0 and info.task == "classification":
        labels = _labels(part)
        if labels is not None:
            indices = mixed_indices(labels, n)
    if indices is None:
        idx = np.arange(offset, min(len(part), offset + n))
    else:
        idx = np.asarray(list(indices), dtype=np.int64)
    x, y = _take(part, idx)
    x, y = np.asarray(ds.preprocessor.inverse_x(x)), np.asarray(ds.preprocessor.inverse_y(y))
    positions = getattr(part, "indices", None)
    out = []
    for i in range(len(x)):
        at = int(idx[i])
        item: dict[str, Any] = {"index": int(positions[at]) if positions is not None else at, "position": at}
        if info.task == "classification":
            item["label"] = (info.classes or [])[int(y[i])]
        else:
            item["label"] = [float(v) for v in np.reshape(y[i], -1)]
        if info.kind == "image":
            item["image_png"] = image_png(x[i])
        elif info.feature_names and len(info.feature_names) == np.size(x[i]):
            item["values"] = {f: float(v) if info.kind != "tokens" else int(v)
                              for f, v in zip(info.feature_names, np.reshape(x[i], -1))}
        else:
            item["values"] = np.reshape(x[i], -1).tolist()
        out.append(item)
    return out


def dataset_preview(ds: Any, size: int = 256) -> bytes:
    """The picture of a prepared dataset's training split, as the user knows the data."""
    x, y = raw_view(ds, "train", 20000 if ds.info.kind != "image" else 256)
    return raw_preview(x, y, ds.info.kind, ds.info.task, size)
