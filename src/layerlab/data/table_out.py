"""Tables people download: a run's history (one row per epoch) and predictions (one row per sample,
with the inputs where they are a table, the true value where known, the prediction and each
class's probability). pandas writes the CSV, so spreadsheets read it as they read any other.

>>> import numpy as np
>>> df = predictions_frame(np.array([[0.2, 0.8], [0.9, 0.1]]), "classification", ["cat", "dog"],
...                        truth=["dog", "dog"])
>>> print(to_csv(df).strip())
true,predicted,probability,p(cat),p(dog)
dog,dog,0.8,0.2,0.8
dog,cat,0.9,0.9,0.1
>>> print(to_csv(history_frame([{"epoch": 1, "loss": 0.5, "val_loss": 0.6}, {"epoch": 2, "loss": 0.4}])).strip())
epoch,loss,val_loss
1,0.5,0.6
2,0.4,
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

FIRST = ("epoch", "loss", "val_loss")


def history_frame(history: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per epoch; epoch and the losses first, then the other metrics in the order met."""
    columns: list[str] = [c for c in FIRST if any(c in h for h in history)]
    for h in history:
        columns += [k for k, v in h.items() if k not in columns and not isinstance(v, (dict, list))]
    return pd.DataFrame([{k: h.get(k) for k in columns} for h in history], columns=columns)


def predictions_frame(out: np.ndarray, task: str, classes: Sequence[str] | None = None,
                      target_names: Sequence[str] | None = None, truth: Sequence[Any] | np.ndarray | None = None,
                      inputs: pd.DataFrame | None = None, sample: Sequence[int] | None = None) -> pd.DataFrame:
    """Predictions beside what they were made from: class probabilities (N, classes) or values (N, outputs)."""
    out = np.asarray(out)
    parts: list[pd.DataFrame] = []
    if sample is not None:
        parts.append(pd.DataFrame({"sample": np.asarray(sample)}))
    if inputs is not None:
        parts.append(inputs.reset_index(drop=True))
    cols: dict[str, Any] = {}
    if task == "classification":
        names = list(classes) if classes else [str(i) for i in range(out.shape[1])]
        k = out.argmax(axis=1)
        if truth is not None:
            cols["true"] = list(truth)
        cols["predicted"] = [names[i] for i in k]
        cols["probability"] = out[np.arange(len(out)), k] if len(out) else []
        for j, name in enumerate(names):
            cols[f"p({name})"] = out[:, j]
    else:
        values = out.reshape(len(out), -1)
        names = list(target_names) if target_names and len(target_names) == values.shape[1] else \
            [f"output_{j + 1}" for j in range(values.shape[1])]
        if truth is not None:
            true = np.asarray(truth, dtype=np.float64).reshape(len(out), -1)
            for j, name in enumerate(names):
                cols[f"true {name}"] = true[:, j]
        for j, name in enumerate(names):
            cols[f"predicted {name}"] = values[:, j]
    parts.append(pd.DataFrame(cols))
    return pd.concat(parts, axis=1)


def to_csv(df: pd.DataFrame) -> str:
    """The CSV text (comma-separated, a header row, no index column, floats as Python prints them)."""
    return df.to_csv(index=False, lineterminator="\n")
