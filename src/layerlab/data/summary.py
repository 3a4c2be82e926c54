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

from .dataset import Dataset


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
        from ..i18n import msg
        from ..spec.errors import SpecError
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


def samples(ds: Dataset, n: int = 16, split: str = "train", offset: int = 0) -> list[dict[str, Any]]:
    """Samples for a grid: {'index', 'label', 'image_png' | 'values'}."""
    from .preview import image_png
    x, y = raw_view(ds, split, n, offset)
    part = _split(ds, split)
    positions = getattr(part, "indices", None)
    info = ds.info
    out = []
    for i in range(len(x)):
        item: dict[str, Any] = {"index": int(positions[offset + i]) if positions is not None else offset + i}
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
