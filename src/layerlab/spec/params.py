"""One declaration per parameter: type, default, range or choices, description, expert flag.

Layers, data sources, augmentations and training options declare their parameters with
`Param`; forms in the studio, CLI flags, the JSON Schema and validation all come from it.

>>> p = Param("units", "int", 32, "Number of neurons.", min=1)
>>> p.coerce(10, "model.layers[0].units")
10
>>> p.coerce(0, "model.layers[0].units")
Traceback (most recent call last):
...
layerlab.spec.errors.SpecError: model.layers[0].units: must be at least 1. Received: 0. Fix: use a whole number of 1 or more, e.g. 32
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..i18n import msg, translate
from .errors import Fix, SpecError

KINDS = ("int", "float", "bool", "str", "choice", "ints", "int_or_ints", "floats", "dict")


@dataclass(frozen=True)
class Param:
    """A declared parameter. `kind` is one of KINDS; `length` bounds tuples for 'ints'."""

    name: str
    kind: str
    default: Any
    description: str
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] | None = None
    expert: bool = False
    nullable: bool = False
    length: int | None = None
    suggested: tuple[Any, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown param kind {self.kind!r}")

    # -- validation --------------------------------------------------------------------
    def coerce(self, value: Any, path: str) -> Any:
        """Return the value converted to this parameter's type, or raise a SpecError."""
        if value is None:
            if self.nullable:
                return None
            raise SpecError(path, msg("must not be empty"), None, msg("set it, e.g. {default!r}", default=self.default))
        k = self.kind
        if k == "int":
            return self._bounded(self._int(value, path), path)
        if k == "float":
            return self._bounded(self._float(value, path), path)
        if k == "bool":
            if isinstance(value, bool):
                return value
            if value in (0, 1, "true", "false"):
                return value in (1, "true")
            raise SpecError(path, msg("must be true or false"), value, msg("use true or false"))
        if k == "str":
            if not isinstance(value, str):
                raise SpecError(path, msg("must be text"), value, msg("use e.g. {example!r}", example=self.default))
            return value
        if k == "choice":
            if value in (self.choices or ()):
                return value
            valid = [str(c) for c in self.choices or ()]
            close = closest(str(value), valid)
            fixes = _set_fix(path, close) if close else []
            raise SpecError(path, msg("is not one of the allowed values"), value, suggest_fix(str(value), valid),
                          fixes)
        if k in ("ints", "int_or_ints", "floats"):
            return self._seq(value, path)
        if k == "dict":
            if not isinstance(value, dict):
                raise SpecError(path, msg("must be an object of names and values"), value,
                                 msg('use {{}} or e.g. {{"a": 1}}'))
            return value
        raise AssertionError(k)

    def _int(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
            raise SpecError(path, msg("must be a whole number"), value, msg("use e.g. {example}", example=self.default))
        return int(value)

    def _float(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                return float(value)  # "0.01" typed into a form
            except (TypeError, ValueError):
                raise SpecError(path, msg("must be a number"), value,
                                msg("use e.g. {example}", example=self.default)) from None
        if value != value:
            raise SpecError(path, msg("must be a number, not NaN"), value, msg("use e.g. {example}", example=self.default))
        return float(value)

    def _bounded(self, v: Any, path: str) -> Any:
        whole = self.kind == "int"
        if self.min is not None and v < self.min:
            hint = msg("use a whole number of {low} or more, e.g. {example}", low=_fmt(self.min), example=self.default) \
                if whole else msg("use a number of {low} or more, e.g. {example}", low=_fmt(self.min), example=self.default)
            raise SpecError(path, msg("must be at least {low}", low=_fmt(self.min)), v, hint)
        if self.max is not None and v > self.max:
            hint = msg("use a whole number of {high} or less, e.g. {example}", high=_fmt(self.max), example=self.default) \
                if whole else msg("use a number of {high} or less, e.g. {example}", high=_fmt(self.max), example=self.default)
            raise SpecError(path, msg("must be at most {high}", high=_fmt(self.max)), v, hint)
        return v

    def _seq(self, value: Any, path: str) -> Any:
        item_kind = "float" if self.kind == "floats" else "int"
        item = Param(self.name, item_kind, self.default, self.description, min=self.min, max=self.max)
        if self.kind == "int_or_ints" and not isinstance(value, (list, tuple)):
            return item.coerce(value, path)
        if not isinstance(value, (list, tuple)):
            raise SpecError(path, msg("must be a list of numbers"), value, msg("use e.g. {example}", example=list(self._example())))
        if self.length is not None and len(value) != self.length:
            raise SpecError(path, msg("must have {n} numbers", n=self.length), value,
                            msg("use e.g. {example}", example=list(self._example())))
        return tuple(item.coerce(v, f"{path}[{i}]") for i, v in enumerate(value))

    def _example(self) -> Iterable[Any]:
        d = self.default
        return d if isinstance(d, (list, tuple)) else [d] * (self.length or 2)

    # -- description -------------------------------------------------------------------
    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema fragment of this parameter."""
        base: dict[str, Any]
        if self.kind in ("int", "float"):
            base = {"type": "integer" if self.kind == "int" else "number"}
            if self.min is not None:
                base["minimum"] = self.min
            if self.max is not None:
                base["maximum"] = self.max
        elif self.kind == "bool":
            base = {"type": "boolean"}
        elif self.kind == "str":
            base = {"type": "string"}
        elif self.kind == "choice":
            base = {"enum": list(self.choices or ())}
        elif self.kind == "dict":
            base = {"type": "object"}
        else:
            item = {"type": "number" if self.kind == "floats" else "integer"}
            arr: dict[str, Any] = {"type": "array", "items": item}
            if self.length:
                arr.update(minItems=self.length, maxItems=self.length)
            base = {"anyOf": [item, arr]} if self.kind == "int_or_ints" else arr
        if self.nullable:
            base = {"anyOf": [base, {"type": "null"}]}
        default = list(self.default) if isinstance(self.default, tuple) else self.default
        return {**base, "default": default, "description": self.description}

    def to_dict(self) -> dict[str, Any]:
        """Everything a form needs to render this parameter."""
        d = {
            "name": self.name, "kind": self.kind, "description": self.description,
            "description_de": translate(self.description, "de"),
            "default": list(self.default) if isinstance(self.default, tuple) else self.default,
            "min": self.min, "max": self.max, "expert": self.expert, "nullable": self.nullable,
            "choices": list(self.choices) if self.choices else None, "length": self.length,
            "suggested": list(self.suggested),
        }
        return d


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def suggest_fix(received: str, valid: list[str]) -> str:
    """'use one of: a, b, c' with the closest name first when there is one (a Text)."""
    close = closest(received, valid)
    listing = ", ".join(valid)
    if close:
        return msg("did you mean {close!r}? Valid values: {listing}", close=close, listing=listing)
    return msg("use one of: {listing}", listing=listing)


def _typo_distance(a: str, b: str) -> int:
    """Edits between two names, a swap of neighbours counting once ('adma' is 1 from 'adam')."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def closest(received: str, valid: Iterable[str]) -> str | None:
    """The closest valid name (an abbreviation's full name, else fewest typing edits), or None."""
    received = received.lower()
    valid = list(valid)
    candidates = difflib.get_close_matches(received, valid, n=5, cutoff=0.5)
    candidates += [v for v in valid if len(received) >= 3 and v.startswith(received) and v not in candidates]
    return min(candidates, key=lambda c: (not c.startswith(received), _typo_distance(received, c)), default=None)


def resolve_params(declared: Iterable[Param], given: dict[str, Any], path: str,
                   what: str, ignore: Iterable[str] = ()) -> dict[str, Any]:
    """Validate given values against declarations, fill defaults, reject unknown names."""
    declared = list(declared)
    names = {p.name for p in declared}
    skip = set(ignore)
    for key in given:
        if key not in names and key not in skip:
            close = closest(key, names)
            valid = ", ".join(sorted(names)) or msg("(none)")
            hint = msg("did you mean {close!r}? Valid parameters: {valid}", close=close, valid=valid) if close \
                else msg("Valid parameters: {valid}", valid=valid)
            raise SpecError(f"{path}.{key}" if path else key, msg("is not a parameter of {what}", what=what),
                            given[key], hint, fixes=_rename_fix(path, key, close, given[key]))
    out: dict[str, Any] = {}
    for p in declared:
        sub = f"{path}.{p.name}" if path else p.name
        out[p.name] = p.coerce(given[p.name], sub) if p.name in given else p.default
    return out


def _set_fix(path: str, value: Any):
    return [Fix(msg("use {value!r}", value=value), [{"op": "set", "path": path, "value": value}])]


def _rename_fix(path: str, key: str, close: str | None, value: Any):
    prefix = f"{path}." if path else ""
    edits = [{"op": "remove", "path": f"{prefix}{key}"}]
    if close:
        return [Fix(msg("rename {key!r} to {close!r}", key=key, close=close),
                    edits + [{"op": "set", "path": f"{prefix}{close}", "value": value}])]
    return [Fix(msg("remove {key!r}", key=key), edits)]
