"""Edits of the model's layer list: pure functions from a document to a changed document.

Every studio action on the model is one of these, applied through Session.edit so it is
saved, undoable and re-analysed.

>>> doc = {"model": {"layers": [{"type": "dense", "units": 8}]}}
>>> doc = add_layer(doc, "flatten", 0); [l["type"] for l in doc["model"]["layers"]]
['flatten', 'dense']
>>> doc = move_layer(doc, 0, 1); [l["type"] for l in doc["model"]["layers"]]
['dense', 'flatten']
>>> set_param(doc, 0, "units", 4)["model"]["layers"][0]["units"]
4
>>> [l["type"] for l in remove_layer(doc, 1)["model"]["layers"]]
['dense']
"""
from __future__ import annotations

import copy
from typing import Any

Doc = dict[str, Any]


def _layers(doc: Doc) -> list[dict[str, Any]]:
    model = doc.setdefault("model", {})
    if not isinstance(model.get("layers"), list):
        model["layers"] = []
    return model["layers"]


def add_layer(doc: Doc, kind: str, at: int | None = None) -> Doc:
    """A copy with a new layer of kind inserted before position `at` (None: at the end)."""
    out = copy.deepcopy(doc)
    layers = _layers(out)
    pos = len(layers) if at is None else max(0, min(at, len(layers)))
    layers.insert(pos, {"type": kind})
    return out


def remove_layer(doc: Doc, index: int) -> Doc:
    """A copy without the layer at index."""
    out = copy.deepcopy(doc)
    layers = _layers(out)
    if 0 <= index < len(layers):
        del layers[index]
    return out


def move_layer(doc: Doc, src: int, dst: int) -> Doc:
    """A copy with the layer at src moved to position dst (both clamped to the list)."""
    out = copy.deepcopy(doc)
    layers = _layers(out)
    if not 0 <= src < len(layers):
        return out
    dst = max(0, min(dst, len(layers) - 1))
    layers.insert(dst, layers.pop(src))
    return out


def set_param(doc: Doc, index: int, name: str, value: Any) -> Doc:
    """A copy with one parameter of one layer set (the value is kept even if invalid: the analysis explains)."""
    out = copy.deepcopy(doc)
    layers = _layers(out)
    if 0 <= index < len(layers) and isinstance(layers[index], dict):
        layers[index][name] = value
    return out
