"""The user's tables: a CSV/TSV file under the project folder, or pasted text.

Columns take roles (feature, target, ignored); numeric and categorical columns are told
apart (categorical ones one-hot or integer coded); missing values are reported and handled
by the chosen rule; the task is classification for a text or few-valued whole-number
target and regression otherwise, unless `task` says which. The target is always named by
the user (`target` or a role); an empty one is refused, listing the columns and a guess.

>>> from layerlab.data import get_source
>>> src = get_source("csv")
>>> p = src.resolve({"text": "a,b,kind\\n1,2,x\\n3,4,y\\n5,6,x\\n", "target": "kind"})
>>> info = src.info(p, None)
>>> info.task, info.classes, info.input_shape
('classification', ['x', 'y'], (2,))
"""
from __future__ import annotations

import functools
import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..i18n import msg
from ..spec.budgets import limits
from ..spec.errors import Fix, SpecError
from ..spec.params import Param, closest
from ..spec.upgrade import register_table_columns
from .base import DataInfo, DataSource, RawData, SourceCase, read_only, register
from .csvread import TABLE_EXTS, read_table
from .encode import (FITTED_RULES, MISSING_RULES, _check_width, encode, feature_names, fit_schema, missing_cells,
                     numeric_view, text_columns)
from . import table_process
from .files import find_file, need_root, stamp
from .target_guess import target_needed

MAX_CLASSES_FROM_NUMBERS = 20   # a whole-number target with more values is treated as regression
ROLES = ("feature", "target", "ignored")


def _no_column(name: str, cols: list[str], where: str) -> SpecError:
    close = closest(name, cols)
    fixes = [Fix(msg("use {value!r}", value=close), [{"op": "set", "path": where, "value": close}])] if close else []
    listing = ", ".join(cols[:30])
    hint = msg("did you mean {close!r}? Columns: {listing}", close=close, listing=listing) if close \
        else msg("Columns: {listing}", listing=listing)
    return SpecError(where, msg("is not a column of the table"), name, hint, fixes)


def _target_task(y: pd.Series, task: str, name: str) -> str:
    num = numeric_view(y)
    if task == "regression":
        if num is None:
            sample = ", ".join(map(repr, y.dropna().astype(str).unique()[:3]))
            raise SpecError("data.params.target", msg("must be numeric for regression"),
                            msg("{name!r} (values like {sample})", name=name, sample=sample),
                            msg("choose a numeric target column, or set the task to classification"),
                            [Fix(msg("switch to classification"),
                                 [{"op": "set", "path": "data.params.task", "value": "classification"},
                                  {"op": "set", "path": "task", "value": "classification"}])])
        return "regression"
    if task == "classification" or num is None:
        return "classification"
    present = num.dropna()
    whole = bool(np.all(np.equal(np.mod(present, 1), 0)))
    few = present.nunique() <= min(MAX_CLASSES_FROM_NUMBERS, max(2, len(present) // 2))
    return "classification" if whole and few else "regression"


def _class_names(y: pd.Series) -> list[str]:
    num = numeric_view(y)
    if num is not None:
        vals = sorted(num.dropna().unique())
        return [str(int(v)) if float(v).is_integer() else str(v) for v in vals]
    return sorted(y.dropna().astype(str).unique().tolist())


def _labels(y: pd.Series, classes: list[str]) -> np.ndarray:
    num = numeric_view(y)
    text = (num.map(lambda v: str(int(v)) if float(v).is_integer() else str(v)) if num is not None
            else y.astype(str))
    return pd.Categorical(text, categories=classes).codes.astype(np.int64)


def build_table(df: pd.DataFrame, p: dict[str, Any], profile: Any = None) -> RawData:
    """Features and targets of a DataFrame according to the source's parameters.

    profile: the table's table_process.Profile when it is known (its text columns are not looked for again)."""
    cols = [str(c) for c in df.columns]
    df.columns = cols
    roles = dict(p["roles"])
    for col, role in roles.items():
        if col not in cols:
            raise _no_column(col, cols, f"data.params.roles.{col}")
        if role not in ROLES:
            raise SpecError(f"data.params.roles.{col}", msg("is not a column role"), role,
                            msg("use feature, target or ignored"))
    target = next((c for c, r in roles.items() if r == "target"), None) or p["target"]
    if not target:  # the user's choice, never implied (files from before this rule are upgraded)
        raise target_needed(df)
    if target not in cols:
        raise _no_column(target, cols, "data.params.target")
    if len(cols) < 2:
        raise SpecError("data.params.path", msg("has only one column, so there is nothing to learn it from"), cols,
                        msg("give at least one feature column and a target column (check the delimiter)"))
    feats = _features(cols, roles, target)
    report: dict[str, Any] = {"target": target}
    if profile is None:
        text = text_columns(df[feats])  # all at once: 10,000 text columns must not cost calls each
    else:
        text = {c: profile.text[c] for c in feats if c in profile.text}

    def distinct_text(c: str) -> int:  # distinct values of a text column; 0 for a numeric one
        if c in text:
            return len(text[c][0])
        if profile is not None:
            return profile.distinct[c]
        return int(df[c].nunique()) if numeric_view(df[c]) is None else 0

    feats, auto_ignored = _kept(feats, roles, p, distinct_text)
    if auto_ignored:
        report["ignored_columns"] = {c: msg("more than {n} different text values", n=p["max_categories"])
                                     for c in auto_ignored}
    if not feats:
        raise SpecError("data.params.roles", msg("leaves no feature columns"), cols,
                        msg("mark at least one column other than the target as a feature"))
    _refuse_early(feats, text, bool(df[target].notna().all()), p)
    missing = {c: int(n) for c, n in df[feats + [target]].isna().sum().items() if n}
    report["missing"] = missing
    rows_before = len(df)
    df = df[df[target].notna()]
    if p["missing"] == "drop":
        df = df.dropna(subset=feats)
    report["dropped_rows"] = rows_before - len(df)
    if len(df) == 0:
        raise SpecError("data.params.missing", msg("leaves no rows: every row misses a value"), p["missing"],
                        msg("choose mean, median, most_frequent or zero to fill missing values instead of drop"))
    task = _target_task(df[target], p["task"], target)
    if len(df) < rows_before:  # rows were dropped: the values and fills are those of the rows kept
        text = None
    schema = fit_schema(df[feats], p["categorical"], p["missing"], text)
    x = encode(df[feats], schema)
    names = feature_names(schema)
    # cells whose fill `prepare` fits on the training rows (text columns: always the most frequent value)
    missing = missing_cells(df[feats], schema, numeric=p["missing"] in FITTED_RULES)
    if task == "classification":
        classes = _class_names(df[target])
        y = _labels(df[target], classes)
        if len(classes) < 2:
            raise SpecError("data.params.target", msg("has only one class, so there is nothing to tell apart"),
                            msg("{target!r} is always {value!r}", target=target, value=classes[0])
                            if classes else target,
                            msg("add rows of at least one more class, or choose another target column"))
    else:
        classes = None
        y = numeric_view(df[target]).to_numpy(np.float32).reshape(-1, 1)
        if np.isnan(y).any():
            raise SpecError("data.params.target", msg("has values that are not numbers"), target,
                            msg("fix or remove those rows, or set the task to classification"))
    report["columns_used"] = feats
    info = DataInfo("tabular", (x.shape[1],), task, classes, 1, len(x), names,
                    extra={"columns": schema, "target": target, "report": report,
                           "target_names": [target] if task == "regression" else None})
    return RawData(x, y, info, missing or None, p["missing"], df.index.to_numpy())


def _features(cols: list[str], roles: dict[str, str], target: str) -> list[str]:
    """The columns that are neither the target nor ignored by the user."""
    ignored = [c for c in cols if roles.get(c) == "ignored" and c != target]
    return [c for c in cols if c != target and c not in ignored]


def _kept(feats: list[str], roles: dict[str, str], p: dict[str, Any],
          distinct_text: Any) -> tuple[list[str], list[str]]:
    """(features kept, features ignored): text columns with a distinct value in (almost) every row
    are names or ids, not features (unless the user marked them as features)."""
    auto_ignored = [c for c in feats if roles.get(c) != "feature" and distinct_text(c) > max(p["max_categories"], 0)]
    return [c for c in feats if c not in auto_ignored], auto_ignored


def refuse_from_profile(profile: Any, p: dict[str, Any]) -> None:
    """build_table's features budget for parameters p, from a table_process.Profile alone (nothing is
    read): choosing a target of a 10,000-column table is refused in milliseconds. Anything else
    build_table would say (a wrong column, no target) is left to it."""
    cols, roles = profile.columns, dict(p["roles"])
    if any(c not in cols or r not in ROLES for c, r in roles.items()):
        return
    target = next((c for c, r in roles.items() if r == "target"), None) or p["target"]
    if not target or target not in cols or len(cols) < 2:
        return
    feats = _features(cols, roles, target)
    text = {c: profile.text[c] for c in feats if c in profile.text}
    feats, _ = _kept(feats, roles, p, lambda c: len(text[c][0]) if c in text else profile.distinct[c])
    if not feats:
        return
    _refuse_early(feats, text, profile.complete[target], p)
    # then fit_schema's own check, column by column, where its widths are known from the profile: no
    # row is dropped and the target's task cannot be refused first (text columns with gaps land here)
    if profile.complete[target] and p["missing"] != "drop" and p["task"] != "regression":
        def width(c: str) -> int:
            if p["categorical"] != "onehot" or c in profile.numeric:
                return 1
            return len(text[c][0]) if c in text else profile.distinct[c]
        total, widest = 0, (0, "")
        for c in feats:
            w = width(c)
            total, widest = total + w, max(widest, (w, c))
            _check_width(total, widest, len(feats))


def _refuse_early(feats: list[str], text: dict[str, Any], target_complete: bool, p: dict[str, Any]) -> None:
    """The features budget from the text columns' distinct values alone, before any work on every column.

    A lower bound of the encoded width (one-hot text columns, at least one feature per other
    column), valid when no row will be dropped (a dropped row could take values away)."""
    if p["categorical"] != "onehot" or p["missing"] == "drop" or not target_complete:
        return
    widths = [(len(text[c][0]), c) for c in feats if c in text]
    if widths:
        total = sum(w for w, _ in widths) + len(feats) - len(widths)
        _check_width(total, max(widths), len(feats))


_refusals: dict[tuple, SpecError] = {}  # a table's refusal (e.g. the features budget), as its RawData is kept
_refusals_lock = threading.Lock()
MAX_REFUSALS = 8


def _clone(e: SpecError) -> SpecError:
    """A fresh exception with e's parts (raising one object again and again would chain its tracebacks)."""
    new = e.__class__.__new__(e.__class__)
    new.__dict__.update(e.__dict__)
    new.args = e.args
    return new


def _table(path: str | None, key: tuple, text: str | None, params_json: str) -> RawData:
    """_cached(...), remembering a refusal too: asking again for a table of 10,000 text columns (each
    summary, each Train) must not read and profile it again while the server's others wait."""
    k = (path, key, text, params_json, limits())  # a raised limit (limits.toml) asks again
    with _refusals_lock:
        known = _refusals.get(k)
    if known is not None:
        raise _clone(known)
    try:
        return _cached(path, key, text, params_json)
    except SpecError as e:
        with _refusals_lock:
            if len(_refusals) >= MAX_REFUSALS:
                _refusals.pop(next(iter(_refusals)))
            _refusals[k] = _clone(e)
        raise


@functools.lru_cache(maxsize=4)
def _cached(path: str | None, key: tuple, text: str | None, params_json: str) -> RawData:
    p = json.loads(params_json)
    if path is not None and table_process.is_large(path):   # read and profiled in a process of its own
        refuse_from_profile(table_process.profile(path, key, p["header"], p["delimiter"]), p)
        return read_only(table_process.call(build_apart, path, key, params_json))
    df = read_table(Path(path) if path else None, text, "data.params.text" if text else "data.params.path",
                    p["header"], p["delimiter"])
    return read_only(build_table(df, p))


def build_apart(path: str, key: tuple, params_json: str) -> RawData:
    """In the table process: build_table of a large table file, with the profile that process keeps."""
    p = json.loads(params_json)
    df = table_process.read(path, p["header"], p["delimiter"])
    return build_table(df, p, table_process.own_profile(df, path, key, p["header"], p["delimiter"]))


@functools.lru_cache(maxsize=16)
def _columns(path: str | None, key: tuple, text: str | None, header: str, delimiter: str) -> tuple[str, ...]:
    if path is not None and table_process.is_large(path):
        return tuple(table_process.profile(path, key, header, delimiter).columns)
    df = read_table(Path(path) if path else None, text, "data.params.path", header, delimiter)
    return tuple(str(c) for c in df.columns)


def table_columns(params: dict[str, Any], root: Path | None) -> list[str]:
    """The column names of a csv source's table, in order (for upgrades of old projects)."""
    p = Csv().resolve(params)
    if p["text"]:
        return list(_columns(None, (), p["text"], p["header"], p["delimiter"]))
    path = find_file(need_root(root, "data.params.path"), p["path"], TABLE_EXTS, "data.params.path", msg("CSV file"))
    return list(_columns(str(path), stamp(path), None, p["header"], p["delimiter"]))


@register
class Csv(DataSource):
    name = "csv"
    builtin = False
    summary = "Your own table (CSV or TSV file, or pasted text): one row per sample."
    params = (
        Param("path", "str", "", "CSV/TSV file inside the project (empty: the first table in data/)."),
        Param("text", "str", "", "Pasted table text (used instead of a file when not empty)."),
        Param("target", "str", "", "Column to predict (required: LayerLab never picks it by itself)."),
        Param("roles", "dict", {}, "Column name → feature, target or ignored (others are features)."),
        Param("task", "choice", "auto", "classification, regression, or auto (from the target's values).",
              choices=("auto", "classification", "regression")),
        Param("missing", "choice", "mean", "Missing values: drop the row, or fill with the column's mean, "
              "median, most frequent value or zero.", choices=MISSING_RULES),
        Param("categorical", "choice", "onehot", "Text columns as one-hot columns or as integer codes.",
              choices=("onehot", "codes")),
        Param("header", "choice", "auto", "Whether the first row holds column names.", choices=("auto", "yes", "no"),
              expert=True),
        Param("delimiter", "choice", "auto", "Field separator.", choices=("auto", ",", ";", "tab", "|"),
              expert=True),
        Param("max_categories", "int", 50, "Text columns with more different values are ignored (names, ids).",
              min=2, expert=True),
    )
    cases = (SourceCase({"text": "size,colour,kind\n1.5,red,a\n2.0,blue,b\n,red,a\n3.1,green,b\n0.4,red,c\n"
                                 "2.2,blue,c\n1.1,green,a\n", "target": "kind"}),
             SourceCase({"target": "y", "missing": "drop"},
                        {"data/t.csv": "x1;x2;y\n1;2;3.5\n2;1;3.0\n4;4;8.5\n0;1;1.0\n3;;2.0\n5;2;7.0\n"}),
             SourceCase({"text": "a,b\n1,2\n3,4\n"}, error="does not say which column to predict"))

    def _raw(self, p: dict[str, Any], root: Path | None) -> RawData:
        params_json = json.dumps(p, sort_keys=True)
        if p["text"]:
            return _table(None, (), p["text"], params_json)
        root = need_root(root, "data.params.path")
        path = find_file(root, p["path"], TABLE_EXTS, "data.params.path", msg("CSV file"))
        return _table(str(path), stamp(path), None, params_json)

    def info(self, p: dict[str, Any], root: Path | None) -> DataInfo:
        return self._raw(p, root).info

    def rows(self, p: dict[str, Any], root: Path | None) -> pd.DataFrame:
        """The table's rows as read, one per sample in sample order (for downloads beside predictions)."""
        raw = self._raw(p, root)
        path = None if p["text"] else find_file(need_root(root, "data.params.path"), p["path"], TABLE_EXTS,
                                                  "data.params.path", msg("CSV file"))
        df = read_table(path, p["text"] or None, "data.params.path", p["header"], p["delimiter"])
        df.columns = [str(c) for c in df.columns]
        return df.iloc[raw.rows]

    def load(self, p: dict[str, Any], root: Path | None, seed: int) -> RawData:
        return self._raw(p, root)


register_table_columns(table_columns)
