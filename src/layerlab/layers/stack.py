"""Shape inference over an ordered list of layers, without building any torch module.

>>> rows = infer_stack([{"type": "dense", "units": 4}, {"type": "dense", "units": 2}], (3,))
>>> [(r.type, r.out_shape, r.params) for r in rows]
[('dense', (4,), 16), ('dense', (2,), 10)]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from .base import Shape, get_layer


@dataclass
class Row:
    """One layer's place in the network: resolved parameters, shapes, size, or its error."""

    index: int
    path: str
    type: str
    resolved: dict[str, Any] = field(default_factory=dict)
    in_shape: Shape | None = None
    out_shape: Shape | None = None
    params: int = 0
    flops: int = 0        # one forward pass of one sample
    activations: int = 0  # numbers per sample kept for the backward pass
    error: SpecError | None = None
    children: list["Row"] = field(default_factory=list)  # the body of a residual block

    def to_dict(self) -> dict[str, Any]:
        d = {
            "index": self.index, "path": self.path, "type": self.type,
            "in_shape": list(self.in_shape) if self.in_shape is not None else None,
            "out_shape": list(self.out_shape) if self.out_shape is not None else None,
            "params": self.params, "flops": self.flops, "error": self.error.to_dict() if self.error else None,
        }
        if self.children:
            d["layers"] = [c.to_dict() for c in self.children]
        return d


def infer_stack(layers: list[dict[str, Any]], in_shape: Shape, prefix: str = "model.layers",
                stop_on_error: bool = False) -> list[Row]:
    """Rows for each layer; after the first error later layers get no shapes (error rows stay)."""
    rows: list[Row] = []
    shape: Shape | None = tuple(in_shape)
    for i, raw in enumerate(layers):
        path = f"{prefix}[{i}]"
        row = Row(i, path, str(raw.get("type")) if isinstance(raw, dict) else "?")
        rows.append(row)
        try:
            if not isinstance(raw, dict):
                raise SpecError(path, msg("a layer must be an object with a 'type'"), raw,
                                msg("use e.g. {example}", example='{"type": "dense"}'))
            if "type" not in raw:
                raise missing_type(raw, path)
            kind = get_layer(raw.get("type"), f"{path}.type")
            row.resolved = kind.resolve(raw, path)
            if shape is None:
                continue
            row.in_shape = shape
            if kind.holds_layers:  # the body is inferred once: nested blocks stay linear, not 3^depth
                row.children = infer_stack(row.resolved["layers"], shape, prefix=f"{path}.layers",
                                           stop_on_error=True)
                out, row.params, row.flops, row.activations = kind.from_body(row.resolved, shape, row.children, path)
                row.out_shape = tuple(out)
            else:
                row.out_shape = tuple(kind.infer_shape(row.resolved, shape, path))
                row.params = kind.param_count(row.resolved, shape)
                row.flops = kind.flops(row.resolved, shape, row.out_shape)
                row.activations = kind.activation_size(row.resolved, shape, row.out_shape)
            shape = row.out_shape
        except SpecError as err:
            row.error = err
            shape = None
            if stop_on_error:
                raise
    return rows


# when a layer lacks its type, the first kind (in this order) that takes all its parameters is offered
_TYPE_GUESSES = ("dense", "conv2d", "max_pool2d", "dropout", "reshape", "embedding", "lstm", "activation",
                 "batch_norm", "residual")


def missing_type(raw: dict[str, Any], path: str) -> SpecError:
    """The error for a layer without 'type', offering the kind its parameters suggest."""
    keys = set(raw) - {"name", "comment"}
    guess = None
    for name in _TYPE_GUESSES if keys else ():
        kind = get_layer(name)
        if keys <= {p.name for p in kind.params} | ({"layers"} if name == "residual" else set()):
            guess = name
            break
    fixes = [Fix(msg("make it a {kind} layer", kind=guess),
                 [{"op": "set", "path": f"{path}.type", "value": guess}])] if guess else []
    return SpecError(f"{path}.type", msg("is missing: every layer needs a 'type'"), raw,
                     msg('add "type": "{kind}"; `layerlab layers` lists the types', kind=guess or "dense"), fixes)


def heaviest(rows: list[Row]) -> str:
    """Path of the layer with the most parameters, looking inside blocks."""
    best, path, todo = -1, "model.layers", list(rows)
    while todo:
        r = todo.pop()
        if r.children:
            todo.extend(r.children)
        elif r.params > best:
            best, path = r.params, r.path
    return path


def first_error(rows: list[Row]) -> SpecError | None:
    """The first error among rows, or None."""
    return next((r.error for r in rows if r.error is not None), None)
