"""From a project's data section to a Dataset: load, check, split, fit preprocessing, tensors.

>>> ds = prepare({"source": "iris", "validation_split": 0.2, "test_split": 0.0, "seed": 0})
>>> len(ds.train), len(ds.val), ds.info.classes
(120, 30, ['setosa', 'versicolor', 'virginica'])
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from .base import RawData, get_source
from .dataset import Dataset, Split
from .preprocess import Preprocessor, with_preprocessor
from .split import class_counts, split_indices
from .streaming import prepare_streaming
from .tablefit import fit_table


def _data_dict(data: Any) -> dict[str, Any]:
    return data.model_dump() if hasattr(data, "model_dump") else dict(data)


def check_targets(raw: RawData) -> None:
    """Refuse data a network cannot learn from: no samples, one class, wrong target shapes."""
    info, n = raw.info, len(raw.y)
    if n == 0 or len(raw.x) == 0:
        raise SpecError("data.source", msg("has no samples"), 0, msg("add data (rows, images or files) and try again"))
    if len(raw.x) != n:
        raise SpecError("data.source", msg("gives a different number of inputs and targets"),
                        {"inputs": len(raw.x), "targets": n}, msg("give exactly one target per sample"))
    if info.task == "classification":
        present = np.unique(raw.y)
        if len(present) < 2:
            name = (info.classes or ["?"])[int(present[0])] if len(present) and info.classes else "?"
            raise SpecError("data.source", msg("has only one class, so there is nothing to tell apart"),
                            name, msg("add samples of at least one more class (or switch the task to regression)"))


def stream_or_load(src: Any, p: dict[str, Any], root: Path | None, seed: int):
    """Sources that can stream (large image folders) give an index instead of arrays."""
    plan = getattr(src, "stream_plan", None)
    if plan is not None:
        index = plan(p, root)
        if index is not None:
            return index
    return src.load(p, root, seed)


def prepare(data: Any, task: str | None = None, root: str | Path | None = None) -> Dataset:
    """The Dataset of a data section (a DataSpec or its dict): splits and fitted preprocessing."""
    d = _data_dict(data)
    root = Path(root) if root is not None else None
    src = get_source(d["source"])
    p = src.resolve(d.get("params") or {})
    seed = int(d.get("seed", 0))
    loaded = stream_or_load(src, p, root, seed)
    if not isinstance(loaded, RawData):
        return prepare_streaming(loaded, d, task, root, src, p)
    raw = loaded
    info = raw.info
    if task is not None and info.task != task:
        raise SpecError("task", msg("the data source {source!r} is for {task}", source=d["source"], task=info.task),
                        task, msg("set task to {task!r}", task=info.task),
                        [Fix(msg("set task to {task!r}", task=info.task),
                             [{"op": "set", "path": "task", "value": info.task}])])
    check_targets(raw)
    tr, va, te = split_indices(raw.y, info.task, float(d.get("validation_split", 0.2)),
                               float(d.get("test_split", 0.0)), seed)
    raw = fit_table(raw, tr)             # table fills and categories from the training rows only
    info = raw.info
    x_train = raw.x[tr]                  # fancy indexing copies: the training split owns it
    pre = Preprocessor.fit(x_train, raw.y[tr], info, d.get("preprocessing"))
    info = with_preprocessor(info, pre)

    def split(idx: np.ndarray, x: np.ndarray | None = None) -> Split | None:
        if len(idx) == 0:
            return None
        x = raw.x[idx] if x is None else x
        x = torch.from_numpy(pre.transform_x_(x) if x.dtype == np.float32 else pre.transform_x(x))
        y = torch.from_numpy(np.ascontiguousarray(pre.transform_y(raw.y[idx])))
        return Split(x, y, torch.from_numpy(idx.astype(np.int64)))

    train = split(tr, x_train)
    del x_train
    assert train is not None  # split_indices guarantees training samples
    meta = {"source": d["source"], "params": p, "seed": seed, "streaming": False,
            "sizes": {"train": len(tr), "validation": len(va), "test": len(te)},
            "class_counts": class_counts(info, {"train": raw.y[tr], "validation": raw.y[va], "test": raw.y[te]})}
    meta.update(info.extra.get("report", {}) if info.extra else {})
    return Dataset(info, train, split(va), split(te), pre, meta)
