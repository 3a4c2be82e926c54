"""Upgrade old project files step by step to the current version; never reject them silently.

Version 1 (the first sketch) kept `epochs`/`batch_size` and friends at the top of
`training` as now, but named the schedule `lr_schedule` (a string) and the loss
`categorical_crossentropy`-style Keras names. Version 3 turned early stopping on by default:
a version-2 file without `training.early_stopping` gets it written in as null (off), so it
keeps training every epoch as before; and it made a table's target column required: a
version-2 table without one predicted its last column, which is written in. Each step is a
small registered function.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

from ..i18n import msg
from .errors import SpecError

SPEC_VERSION = 3  # 3: early stopping on by default (upgrade keeps older projects without it)

_STEPS: dict[int, Callable[..., dict[str, Any]]] = {}
_NEEDS_FOLDER = {2}   # steps that take the project's folder as a second argument

KERAS_LOSSES = {
    "categorical_crossentropy": "cross_entropy", "sparse_categorical_crossentropy": "cross_entropy",
    "binary_crossentropy": "binary_cross_entropy", "mean_squared_error": "mse",
    "mean_absolute_error": "mae", "kullback_leibler_divergence": "kl_divergence",
    "kld": "kl_divergence", "cosine_proximity": "cosine_similarity", "logcosh": "log_cosh",
}


def step(from_version: int):
    """Register the function that upgrades from_version to from_version + 1."""
    def deco(fn):
        _STEPS[from_version] = fn
        return fn
    return deco


@step(1)
def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    tr = doc.get("training")
    tr = tr if isinstance(tr, dict) else {}  # not an object: validation reports it with its path
    if isinstance(tr.get("lr_schedule"), str):
        # a schedule set since (e.g. by a fix applied to the old file) wins over the old name
        old = tr.pop("lr_schedule")
        tr.setdefault("schedule", {"type": old})
    if isinstance(tr.get("loss"), str):
        tr["loss"] = KERAS_LOSSES.get(tr["loss"], tr["loss"])
    doc["version"] = 2
    return doc


# The data package registers how to read a table's column names (data imports spec, never the
# reverse): (csv params, project folder or None) -> the columns in order.
_table_columns: Callable[[dict[str, Any], Path | None], list[str]] | None = None


def register_table_columns(reader: Callable[[dict[str, Any], Path | None], list[str]]) -> None:
    """Called by layerlab.data.tabular so that upgrades can name a table's columns."""
    global _table_columns
    _table_columns = reader


def _implied_target(doc: dict[str, Any], folder: Path | None) -> None:
    """Version 3 needs the target column named; before, a table without one predicted its last column.

    That column is written in, so an old project predicts what it did. When the table cannot be
    read (no folder given, file gone), nothing is written and the table source asks for the target.
    """
    data = doc.get("data")
    params = data.get("params") if isinstance(data, dict) and data.get("source") == "csv" else None
    if not isinstance(params, dict) or params.get("target") or _table_columns is None:
        return
    roles = params.get("roles")
    if isinstance(roles, dict) and "target" in roles.values():
        return
    try:
        columns = _table_columns(params, folder)
    except Exception:  # noqa: BLE001 - unreadable here: the source reports the file's own error later
        return
    if columns:
        params["target"] = columns[-1]


@step(2)
def _v2_to_v3(doc: dict[str, Any], folder: Path | None = None) -> dict[str, Any]:
    # version 3 turned early stopping on by default; a version-2 project without it trained
    # every epoch, so it is written in as off and the project behaves as before
    tr = doc.setdefault("training", {})
    if isinstance(tr, dict) and "early_stopping" not in tr:
        tr["early_stopping"] = None
    _implied_target(doc, folder)
    doc["version"] = 3
    return doc


def upgrade(doc: dict[str, Any], folder: Path | None = None) -> dict[str, Any]:
    """A copy of doc at the current version (doc itself is not changed).

    folder is the project's folder, for steps that read the project's data (a table's columns).
    """
    doc = copy.deepcopy(doc)
    v = doc.get("version", 1)
    if not isinstance(v, int) or v < 1:
        raise SpecError("version", msg("must be a whole number of 1 or more"), v,
                        msg("use {value!r}", value=SPEC_VERSION))
    if v > SPEC_VERSION:
        raise SpecError("version", msg("is newer than this LayerLab understands (up to {version})",
                                       version=SPEC_VERSION), v,
                        msg("update LayerLab (pip install -U layerlab)"))
    while v < SPEC_VERSION:
        doc = _STEPS[v](doc, folder) if v in _NEEDS_FOLDER else _STEPS[v](doc)
        v = doc["version"]
    return doc
