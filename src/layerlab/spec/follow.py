"""The output layer follows the data: when the number of classes (or a regression target's
width) changes, the last dense layer gets one unit per output, and a one-line note says so.

Only a change that is safe is made by itself: the network must end in that dense layer's
units (layers after it may only keep the values' meaning, like an activation or dropout).
Anything else (a network that ends in a block, a convolution) stays as it is, and the
analysis reports it with its one-click fix.

>>> from layerlab.spec.models import parse_project
>>> from layerlab.spec.check import Target, analyze
>>> doc = {"name": "x", "task": "classification", "data": {"source": "xor"},
...        "model": {"layers": [{"type": "dense", "units": 8, "activation": "relu"},
...                             {"type": "dense", "units": 3, "activation": "softmax"}]}}
>>> t = Target((2,), "classification", 2)
>>> fix = follow_fix(parse_project(doc), analyze(parse_project(doc), t), t)
>>> fix.description, fix.edits
('output layer now has 2 units, one per class', [{'op': 'set', 'path': 'model.layers[1].units', 'value': 2}])
"""
from __future__ import annotations

from typing import Any

from ..i18n import msg
from ..layers.base import get_layer
from .check import Analysis, Target, analyze
from .errors import Fix
from .fixes import apply_edits
from .models import Project, parse_project


def _output_dense(a: Analysis) -> Any:
    """The top-level dense layer whose units are the network's output, or None."""
    for r in reversed(a.rows):
        if r.type == "dense" and "units" in r.resolved:
            return r
        if not (get_layer(r.type).transparent or r.type == "activation"):  # those keep the width
            return None
    return None


def follow_fix(project: Project, a: Analysis, t: Target) -> Fix | None:
    """The edits that make the output fit the data, or None (already fits, or not safely possible)."""
    n, out = t.n_outputs, a.output_shape
    if n is None or not a.rows or any(r.error for r in a.rows) or out is None or len(out) != 1:
        return None
    if out == (n,) or (t.task == "classification" and n == 2 and out == (1,)):
        return None
    row = _output_dense(a)
    if row is None or out != (row.resolved["units"],):
        return None
    edits: list[dict[str, Any]] = [{"op": "set", "path": f"{row.path}.units", "value": n}]
    if t.task == "classification" and n > 1 and row.resolved.get("activation") == "sigmoid":
        edits.append({"op": "set", "path": f"{row.path}.activation", "value": "softmax"})
    note = msg("output layer now has {n} units, one per class", n=n) if t.task == "classification" else \
        msg("output layer now has {n} units, one per target value", n=n)
    return Fix(note, edits)


def follow_doc(doc: dict[str, Any], t: Target) -> tuple[dict[str, Any], Fix | None]:
    """(doc with the output following the data, the applied fix or None); doc itself is not changed."""
    project = parse_project(doc)
    fix = follow_fix(project, analyze(project, t), t)
    if fix is None:
        return doc, None
    new = apply_edits(doc, fix.edits)
    after = analyze(parse_project(new), t)
    if after.output_shape != (t.n_outputs,):  # a layer after it changed the shape after all: leave it to the user
        return doc, None
    return new, fix
