"""Apply the concrete edits a SpecError offers, one action for the user.

>>> doc = {"model": {"layers": [{"type": "conv2d"}, {"type": "dense", "units": 10}]}}
>>> apply_fix(doc, Fix("insert flatten", [{"op": "insert", "path": "model.layers[1]", "value": {"type": "flatten"}}]))["model"]["layers"][1]
{'type': 'flatten'}
"""
from __future__ import annotations

import copy
from typing import Any

from . import paths
from .errors import Fix


def apply_edits(doc: dict[str, Any], edits: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of doc with the edits applied in order."""
    out = copy.deepcopy(doc)
    for e in edits:
        op, path = e["op"], e["path"]
        if op == "set":
            _ensure_parents(out, path)
            paths.set_(out, path, copy.deepcopy(e["value"]))
        elif op == "insert":
            paths.insert(out, path, copy.deepcopy(e["value"]))
        elif op == "remove":
            paths.remove(out, path)
        else:
            raise ValueError(f"unknown edit op {op!r}")
    return out


def apply_fix(doc: dict[str, Any], fix: Fix) -> dict[str, Any]:
    """A copy of doc with one fix applied."""
    return apply_edits(doc, fix.edits)


def _ensure_parents(doc: dict[str, Any], path: str) -> None:
    parts = paths.parse(path)
    node: Any = doc
    for p, nxt in zip(parts[:-1], parts[1:]):
        if isinstance(p, str) and isinstance(node, dict) and p not in node:
            node[p] = [] if isinstance(nxt, int) else {}
        node = node[p]
