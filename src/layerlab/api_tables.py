"""Downloads as CSV, for `Project.history_csv` and `Project.predictions_csv` (part of the facade).

>>> import layerlab, tempfile
>>> p = layerlab.new(tempfile.mkdtemp() + "/xor", example="xor")
>>> _ = p.train(epochs=2)
>>> p.history_csv().splitlines()[0].startswith("epoch,loss")
True
>>> p.predictions_csv([[0.0, 1.0]]).splitlines()[0]
'predicted,probability,p(0),p(1)'
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .data.base import get_source
from .data.csvread import TABLE_EXTS, read_table
from .data.table_out import history_frame, predictions_frame, to_csv
from .i18n import msg
from .spec.errors import SpecError

SPLITS = ("validation", "test", "train")


def history_csv(project: Any, run_id: str | None = None) -> str:
    """A run's per-epoch history (default: the latest run with weights) as CSV text."""
    return to_csv(history_frame(project.load_run(run_id).history))


def predictions_csv(project: Any, inputs: Any = None, run_id: str | None = None, split: str = "validation") -> str:
    """Predictions as CSV text: of `inputs` (what `predict` takes), or else of a split of the
    project's own data with each sample's number, its true value and, for a table, its own columns."""
    loaded = project.load_run(run_id)
    info = loaded.info
    names = info.extra.get("target_names") if isinstance(info.extra, dict) else None
    if inputs is not None:
        out = project.predict(inputs, run_id=loaded.run_id)
        return to_csv(predictions_frame(out, info.task, info.classes, names, inputs=_table_of(inputs)))
    if split not in SPLITS:
        raise SpecError("split", msg("is not a split of the data"), split,
                        msg("use validation, test or train"))
    ds = project.dataset()
    part = {"validation": ds.val, "test": ds.test, "train": ds.train}[split]
    if part is None or len(part) == 0:
        raise SpecError("split", msg("has no samples in this project"), split,
                        msg("choose another split, or set data.validation_split / data.test_split above 0"))
    out = project.predict(part.x, run_id=loaded.run_id, raw=False)
    if info.task == "classification":
        classes = info.classes or []
        truth = [classes[int(i)] if 0 <= int(i) < len(classes) else int(i) for i in part.y.tolist()]
    else:
        inverse = getattr(ds.preprocessor, "inverse_y", None)
        truth = np.asarray(inverse(part.y) if inverse is not None else part.y)
    index = part.indices.numpy() if part.indices is not None else np.arange(len(part))
    rows = _source_rows(project, index)
    return to_csv(predictions_frame(out, info.task, info.classes, names, truth, rows, sample=index))


def _source_rows(project: Any, index: np.ndarray) -> pd.DataFrame | None:
    """A table project's own rows for these samples, or None for data that is not a table."""
    spec = project.spec
    src = get_source(spec.data.source)
    rows = getattr(src, "rows", None)
    if rows is None:
        return None
    return rows(src.resolve(spec.data.params), project.dir).iloc[index]


def _table_of(inputs: Any) -> pd.DataFrame | None:
    """The uploaded table itself when inputs are one CSV (a path or its bytes), to show beside its predictions."""
    items = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    if len(items) != 1:
        return None
    item = items[0]
    if isinstance(item, bytes):
        return read_table(text=item.decode("utf-8", errors="replace"), where="inputs[0]")
    if isinstance(item, (str, Path)) and Path(str(item)).suffix.lower() in TABLE_EXTS and Path(str(item)).is_file():
        return read_table(Path(str(item)), where="inputs[0]")
    if isinstance(item, str) and "\n" in item:
        return read_table(text=item, where="inputs[0]")
    return None

