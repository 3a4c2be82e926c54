"""A table's encoding fitted on the training split only, as scikit-learn fits a pipeline on the
training rows: the fills of missing cells (mean, median, most frequent) and the categories a
text column's encoder knows. Validation and test rows never shape preprocessing; a value met
only outside the training rows (or first at prediction) encodes as all zeros, like
OneHotEncoder(handle_unknown="ignore"), and is reported under `unseen_categories`.

>>> import numpy as np, pandas as pd
>>> from layerlab.data.encode import encode, fit_schema
>>> df = pd.DataFrame({"colour": ["red", "blue", "red", "green"]})
>>> schema = fit_schema(df, "onehot", "mean")            # from every row: blue, green, red
>>> x, fitted, unseen = fit_on_training(encode(df, schema), schema, None, "mean", np.array([0, 1, 2]))
>>> fitted[0]["categories"], unseen
(['blue', 'red'], {'colour': ['green']})
>>> x[3].tolist()                                        # green: a value the encoder does not know
[0.0, 0.0, 0.0]
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np

from .base import RawData
from .encode import fill_value, is_onehot, layout, width

_NO_ROWS = np.zeros(0, np.int64)
Edit = Callable[[np.ndarray], None]


def _numeric(x: np.ndarray, j: int, c: dict[str, Any], rows: np.ndarray, rule: str,
             train: np.ndarray) -> tuple[dict[str, Any], Edit]:
    col = x[train, j].astype(np.float64)
    col[np.isin(train, rows)] = np.nan           # only values the user gave count
    fill = fill_value(col, rule)

    def edit(out: np.ndarray) -> None:
        out[rows, j] = fill
    return {**c, "fill": fill}, edit


def _categorical(x: np.ndarray, j: int, c: dict[str, Any], rows: np.ndarray,
                 train: np.ndarray) -> tuple[dict[str, Any], list[str], Edit | None]:
    slots = layout(c)
    given = train[~np.isin(train, rows)]        # training rows with a value of their own
    onehot = is_onehot(c)
    if onehot:
        counts = x[given, j:j + len(slots)].sum(0)
    else:
        codes = x[given, j].astype(np.int64)
        counts = np.bincount(codes[codes >= 0], minlength=len(slots))
    seen = counts > 0
    known = [v for v, s in zip(slots, seen) if s]
    unseen = [v for v, s in zip(slots, seen) if not s]
    # the most frequent training value; a tie goes to the first in sorted order, as in fit_schema
    fill = slots[int(np.argmax(counts))] if seen.any() else ""
    entry = {k: v for k, v in c.items() if k != "layout"}
    entry.update(categories=known, fill=fill)
    if onehot and unseen:
        entry["layout"] = slots                  # the column stays (the input width is the table's)
    if not unseen and not len(rows):
        return entry, unseen, None

    def edit(out: np.ndarray) -> None:
        if onehot:
            block = out[:, j:j + len(slots)]     # a view: writes go into out
            block[:, ~seen] = 0.0
            block[rows] = 0.0
            if fill:
                block[rows, slots.index(fill)] = 1.0
        else:
            new_code = np.where(seen, np.cumsum(seen) - 1, -1)
            old = out[:, j].astype(np.int64)
            out[:, j] = np.where(old >= 0, new_code[np.clip(old, 0, None)], -1)
            out[rows, j] = known.index(fill) if fill else -1
    return entry, unseen, edit


def fit_on_training(x: np.ndarray, schema: list[dict[str, Any]],
                    missing: dict[int, tuple[int, np.ndarray]] | None, rule: str,
                    train: np.ndarray) -> tuple[np.ndarray, list[dict[str, Any]], dict[str, list[str]]]:
    """(x, schema, unseen values per column) with fills and categories from the training rows.

    x is the table encoded with a schema fitted on every row; missing maps an entry's first
    encoded column to the rows whose value was missing. x is copied only when a value changes.
    """
    missing = missing or {}
    fitted, unseen, edits = [], {}, []
    j = 0
    for c in schema:
        rows = missing.get(j, (0, _NO_ROWS))[1]
        if c["kind"] == "numeric":
            entry, edit = _numeric(x, j, c, rows, rule, train) if len(rows) else (dict(c), None)
        else:
            entry, gone, edit = _categorical(x, j, c, rows, train)
            if gone:
                unseen[c["name"]] = gone
        fitted.append(entry)
        edits += [edit] if edit else []
        j += width(c)
    if edits:
        x = x.copy()                             # the source's cached arrays stay untouched
        for edit in edits:
            edit(x)
    return x, fitted, unseen


def fit_table(raw: RawData, train: np.ndarray) -> RawData:
    """A table's RawData with its encoding fitted on the training rows; other data unchanged.
    The fitted schema goes into info (prediction encodes the same way), unseen values into the report."""
    extra = raw.info.extra or {}
    if not extra.get("columns"):
        return raw
    x, schema, unseen = fit_on_training(raw.x, extra["columns"], raw.missing, raw.missing_rule, train)
    report = dict(extra.get("report") or {})
    if unseen:
        report["unseen_categories"] = unseen
    info = dataclasses.replace(raw.info, extra={**extra, "columns": schema, "report": report})
    return RawData(x, raw.y, info)
