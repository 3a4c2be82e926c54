"""Turning table columns into numbers: numeric vs categorical detection, one-hot or integer
codes, missing values filled by a chosen rule. The column schema is plain JSON so that a
prediction encodes a new row exactly like the training rows.

A categorical entry's `categories` are the values the encoder knows (after `prepare`, those of
the training rows); its one-hot columns follow `layout` where that differs (values met only
outside the training rows keep a column that stays zero, so the input width does not depend on
the split). A value the encoder does not know encodes as all zeros (integer code -1). The encoded width is
held to the features budget (spec/budgets.py) while the schema is fitted, column by column, and
again before the matrix is allocated.

>>> import pandas as pd
>>> df = pd.DataFrame({"size": [1.0, None, 3.0], "colour": ["red", "blue", "red"]})
>>> schema = fit_schema(df, "onehot", "mean")
>>> feature_names(schema)
['size', 'colour=blue', 'colour=red']
>>> encode(df, schema).tolist()
[[1.0, 0.0, 1.0], [2.0, 1.0, 0.0], [3.0, 0.0, 1.0]]
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..spec.budgets import check_features

MISSING_RULES = ("drop", "mean", "median", "most_frequent", "zero")
FITTED_RULES = ("mean", "median", "most_frequent")  # fills that are statistics of the data


def numeric_view(col: pd.Series, share: float = 0.9) -> pd.Series | None:
    """The column as numbers when it is numeric (or ≥90 % of its values parse as numbers)."""
    if pd.api.types.is_bool_dtype(col):
        return None
    if pd.api.types.is_numeric_dtype(col):
        return col.astype(np.float64)
    present = col.dropna()
    if present.empty:
        return None
    # a sample decides quickly for text columns (a million rows of words need not be parsed)
    probe = pd.to_numeric(present.iloc[:1000].astype(str).str.strip(), errors="coerce")
    if probe.notna().mean() < share:
        return None
    num = pd.to_numeric(present.astype(str).str.strip(), errors="coerce")
    if num.notna().mean() >= share:
        return pd.to_numeric(col.astype(str).str.strip(), errors="coerce").where(col.notna())
    return None


PROBE_ROWS = 1000  # numeric_view decides text columns from their first 1,000 values
_BLOCK = 512       # columns per vectorised step of text_columns (bounds its temporary strings)


def text_columns(df: pd.DataFrame, share: float = 0.9) -> dict[str, tuple[list[str], str]]:
    """The columns numeric_view would call text from its first probe, found for all columns at once,
    each with its sorted distinct values and its fill (the most frequent value, ties: the first).

    A table of 10,000 text columns must not cost several pandas calls per column: that took a
    minute to refuse a 30-row CSV while the server's other requests waited. Exact where the probe
    is the same, i.e. for columns without a missing value in the first 1,000 rows; any other
    column is left out here and decided by numeric_view itself.
    """
    dtypes = df.dtypes
    cols = [c for c, dt in zip(df.columns, dtypes)
            if not pd.api.types.is_bool_dtype(dt) and not pd.api.types.is_numeric_dtype(dt)]
    found: dict[str, tuple[list[str], str]] = {}
    if len(df) == 0:
        return found
    n_probe = min(PROBE_ROWS, len(df))
    # numeric_view calls a column text when more than (1 - share) of its probe fails to parse; when
    # the first `first` values all fail, that is decided (the common case) without the other rows
    first = min(n_probe, int((1 - share) * n_probe) + 1)
    for i in range(0, len(cols), _BLOCK):
        block = cols[i:i + _BLOCK]
        arr = df[block].to_numpy(dtype=object)
        if arr.size == 0:
            continue
        complete = ~pd.isna(arr[:n_probe]).any(axis=0)  # else numeric_view's probe reaches further: its call
        fails = ~_parses(arr[:first]).any(axis=0)
        unsure = [j for j in range(len(block)) if complete[j] and not fails[j]]
        if unsure:
            share_ok = _parses(arr[:n_probe, unsure]).mean(axis=0)
            fails[unsure] = share_ok < share
        for j, name in enumerate(block):
            if complete[j] and fails[j]:
                column = arr[:, j]
                values, counts = np.unique(column[~pd.isna(column)].astype(str), return_counts=True)
                found[name] = (values.tolist(), str(values[int(np.argmax(counts))]))
    return found


def _parses(values: np.ndarray) -> np.ndarray:
    """Which cells of a 2-D object array read as numbers, as numeric_view reads them (stripped text)."""
    flat = pd.Series(values.ravel()).astype(str).str.strip()
    return pd.to_numeric(flat, errors="coerce").notna().to_numpy().reshape(values.shape)


def _fill(values: pd.Series, rule: str, numeric: bool) -> Any:
    present = values.dropna()
    if present.empty:
        return 0.0 if numeric else ""
    if numeric and rule == "median":
        return float(present.median())
    if numeric and rule in ("mean", "drop"):
        return float(present.mean())
    if numeric and rule == "zero":
        return 0.0
    mode = present.mode()
    return float(mode.iloc[0]) if numeric else str(sorted(mode.astype(str))[0])


def fit_schema(df: pd.DataFrame, categorical: str, missing: str,
               text: dict[str, tuple[list[str], str]] | None = None) -> list[dict[str, Any]]:
    """One entry per feature column: name, kind, categories, fill value, encoding (within the features budget).

    text: text_columns(df), when the caller has it already."""
    schema: list[dict[str, Any]] = []
    total, widest = 0, (0, "")
    text = text_columns(df) if text is None else text
    for name in df.columns:
        if schema:
            w = width(schema[-1])
            total, widest = total + w, max(widest, (w, schema[-1]["name"]))
            _check_width(total, widest, df.shape[1])
        if name in text:
            cats, fill = text[name]
            schema.append({"name": str(name), "kind": "categorical", "categories": cats, "fill": fill,
                           "encoding": categorical})
            continue
        col = df[name]
        num = numeric_view(col)
        if num is not None:
            schema.append({"name": str(name), "kind": "numeric", "fill": _fill(num, missing, True)})
        else:
            cats = sorted(col.dropna().astype(str).unique().tolist())
            schema.append({"name": str(name), "kind": "categorical", "categories": cats,
                           "fill": _fill(col.astype("string"), missing, False), "encoding": categorical})
    if schema:
        w = width(schema[-1])
        _check_width(total + w, max(widest, (w, schema[-1]["name"])), df.shape[1])
    return schema


def _check_width(total: int, widest: tuple[int, str], columns: int) -> None:
    """The features budget; the fix names a column when one column makes most of the width."""
    check_features(total, "data.params.roles", column=widest[1] if 2 * widest[0] > total else None)


def is_onehot(c: dict[str, Any]) -> bool:
    """Whether a schema entry encodes as one-hot columns (older schemas have no 'encoding')."""
    return c["kind"] == "categorical" and c.get("encoding", "onehot") == "onehot"


def layout(c: dict[str, Any]) -> list[str]:
    """The values that own a one-hot column, in column order."""
    return c.get("layout", c["categories"])


def width(c: dict[str, Any]) -> int:
    """Encoded columns of one schema entry."""
    return len(layout(c)) if is_onehot(c) else 1


def feature_names(schema: list[dict[str, Any]]) -> list[str]:
    """Names of the encoded features (one per one-hot category)."""
    out: list[str] = []
    for c in schema:
        if is_onehot(c):
            out.extend(f"{c['name']}={v}" for v in layout(c))
        else:
            out.append(c["name"])
    return out


def encode(df: pd.DataFrame, schema: list[dict[str, Any]]) -> np.ndarray:
    """(N, features) float32; missing values take the column's fill, unknown categories all zeros."""
    check_features(sum(width(c) for c in schema), "data.params.roles")  # before allocating a one-hot column
    parts = []
    for c in schema:
        col = df[c["name"]]
        if c["kind"] == "numeric":
            num = numeric_view(col, share=0.0)
            if num is None:
                num = pd.to_numeric(col, errors="coerce") if not pd.api.types.is_bool_dtype(col) else col.astype(float)
            parts.append(num.fillna(c["fill"]).to_numpy(np.float32)[:, None])
            continue
        text = col.astype("string").fillna(c["fill"]).astype(str)
        codes = pd.Index(c["categories"], dtype=object).get_indexer(text)   # -1 for an unknown value
        if is_onehot(c):
            slots = layout(c)
            position = {v: i for i, v in enumerate(slots)}
            column_of = np.array([position[v] for v in c["categories"]], np.int64)
            onehot = np.zeros((len(col), len(slots)), np.float32)
            ok = codes >= 0
            onehot[np.flatnonzero(ok), column_of[codes[ok]]] = 1.0
            parts.append(onehot)
        else:
            parts.append(codes.astype(np.float32)[:, None])
    if not parts:
        return np.zeros((len(df), 0), np.float32)
    return np.concatenate(parts, axis=1)


def missing_cells(df: pd.DataFrame, schema: list[dict[str, Any]],
                  numeric: bool = True) -> dict[int, tuple[int, np.ndarray]]:
    """First encoded column of an entry -> (schema index, rows where the value was missing);
    numeric columns only when `numeric` (their fill is a statistic only for some rules)."""
    out: dict[int, tuple[int, np.ndarray]] = {}
    j = 0
    for si, c in enumerate(schema):
        if numeric or c["kind"] == "categorical":
            rows = np.flatnonzero(df[c["name"]].isna().to_numpy())
            if len(rows):
                out[j] = (si, rows)
        j += width(c)
    return out


def fill_value(values: np.ndarray, rule: str) -> float:
    """The fill a rule gives for the present values of one numeric column."""
    present = values[~np.isnan(values)]
    return _fill(pd.Series(present, dtype="float64"), rule, True)
