"""Search ranges written in the project document itself (issue 19.2).

Any setting may hold a range instead of a value, and any layer may be optional:

    "units": {"search": {"choice": [16, 32, 64]}}
    "learning_rate": {"search": {"loguniform": [1e-4, 1e-1], "default": 0.003}}
    "rate": {"search": {"uniform": [0.0, 0.5]}}
    "batch_size": {"search": {"int": [16, 128]}}
    {"type": "dropout", "rate": 0.2, "search": {"optional": true}}     # the layer is in or out

`ranges(doc)` finds them (with their spec paths), `check_space(doc)` refuses a range that is
malformed, empty, or reaches a value the setting cannot take (it validates the document at
each end of every range), `resolve(doc, values)` writes chosen values in (an optional layer
left out is removed), and `with_defaults(doc)` gives the document a plain `train` uses: each
range's `default`, or a 4-part error pointing to `layerlab search` when one has none.

>>> doc = {"model": {"layers": [{"type": "dense", "units": {"search": {"choice": [8, 16], "default": 8}}}]}}
>>> [(r.path, r.kind, r.values) for r in ranges(doc)]
[('model.layers[0].units', 'choice', [8, 16])]
>>> resolve(doc, {"model.layers[0].units": 16})["model"]["layers"][0]["units"]
16
>>> with_defaults(doc)["model"]["layers"][0]["units"]
8
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..i18n import msg
from .errors import SpecError
from .paths import join, parse

KINDS = ("choice", "uniform", "loguniform", "int")
OPTIONAL = "optional"
MAX_CHOICES = 100


@dataclass(frozen=True)
class Range:
    """One searched setting: its spec path, kind and values (choices, or [low, high])."""

    path: str
    kind: str                 # choice | uniform | loguniform | int | optional
    values: list[Any]
    default: Any = None
    has_default: bool = False

    def ends(self) -> list[Any]:
        """The values that bound the range (every choice; low and high)."""
        return list(self.values)

    def first(self) -> Any:
        return self.default if self.has_default else self.values[0]

    def value_of(self, drawn: Any) -> Any:
        """The setting's value for what a sampler drew: choices and optional layers are drawn by
        index (Optuna's categorical values must be plain numbers or strings), ranges as the value.

        >>> Range("units", "choice", [16, 32]).value_of(1), Range("lr", "uniform", [0.0, 1.0]).value_of(0.5)
        (32, 0.5)
        """
        return self.values[drawn] if self.kind in ("choice", OPTIONAL) else drawn


def _is_range(node: Any) -> bool:
    return isinstance(node, dict) and set(node) == {"search"}


def ranges(doc: Any) -> list[Range]:
    """Every range in the document, in document order (raises SpecError for a malformed one)."""
    out: list[Range] = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(doc, ())]
    while stack:
        node, where = stack.pop()
        if _is_range(node):
            out.append(_parse(node["search"], join(*where)))
            continue
        if isinstance(node, dict):
            is_layer = "type" in node and bool(where) and isinstance(where[-1], int)
            if is_layer and "search" in node:
                out.append(_parse_optional(node["search"], join(*where)))
            stack.extend(reversed([(v, (*where, str(k))) for k, v in node.items()
                                   if not (is_layer and k == "search")]))
        elif isinstance(node, list):
            stack.extend(reversed([(v, (*where, i)) for i, v in enumerate(node)]))
    return out


def _bad(path: str, message: Any, received: Any, hint: Any) -> SpecError:
    return SpecError(path, message, received, hint)


def _parse(body: Any, path: str) -> Range:
    example = msg('write it as {{"search": {{"choice": [16, 32, 64]}}}} or {{"search": {{"loguniform": '
                  '[0.0001, 0.1]}}}} (kinds: choice, uniform, loguniform, int; "default" optional)')
    if not isinstance(body, dict):
        raise _bad(path, msg("a search range must be an object"), body, example)
    kinds = [k for k in body if k in KINDS]
    unknown = [k for k in body if k not in KINDS and k != "default"]
    if len(kinds) != 1 or unknown:
        raise _bad(path, msg("a search range needs exactly one of choice, uniform, loguniform or int"), body, example)
    kind = kinds[0]
    values = body[kind]
    has_default = "default" in body
    default = body.get("default")
    if kind == "choice":
        if not isinstance(values, list) or not values:
            raise _bad(path, msg("the choice is empty"), values, msg("list two or more values, e.g. [16, 32, 64]"))
        if len(values) > MAX_CHOICES:
            raise _bad(path, msg("a choice may list at most {n} values", n=MAX_CHOICES), len(values),
                       msg("list fewer values, or use a range"))
        if has_default and default not in values:
            raise _bad(path, msg("the default is not one of the choices"), default,
                       msg("make the default one of {values}", values=values))
        return Range(path, kind, list(values), default, has_default)
    if not (isinstance(values, list) and len(values) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)):
        raise _bad(path, msg("a {kind} range is two numbers, [low, high]", kind=kind), values,
                   msg("write e.g. [0.0001, 0.1]"))
    low, high = values
    if not low < high:
        raise _bad(path, msg("the range is empty: low must be below high"), values,
                   msg("write the smaller number first, e.g. [{a}, {b}]", a=min(low, high), b=max(low, high) or 1))
    if kind == "loguniform" and low <= 0:
        raise _bad(path, msg("a loguniform range must lie above 0"), values,
                   msg("start it at a small positive number such as 0.0001"))
    if kind == "int" and not (float(low).is_integer() and float(high).is_integer()):
        raise _bad(path, msg("an int range needs whole numbers"), values, msg("write e.g. [16, 128]"))
    if kind == "int":
        low, high = int(low), int(high)
    if has_default and not (isinstance(default, (int, float)) and low <= default <= high):
        raise _bad(path, msg("the default lies outside the range"), default,
                   msg("choose a default between {low} and {high}", low=low, high=high))
    return Range(path, kind, [low, high], default, has_default)


def _parse_optional(body: Any, path: str) -> Range:
    if not (isinstance(body, dict) and body.get(OPTIONAL) is True and set(body) <= {OPTIONAL, "default"}):
        raise _bad(join(path, "search"), msg("a layer's search setting can only make it optional"), body,
                   msg('write "search": {{"optional": true}} on the layer'))
    has_default = "default" in body
    if has_default and not isinstance(body["default"], bool):
        raise _bad(join(path, "search"), msg("an optional layer's default is true or false"), body["default"],
                   msg('write "default": true to keep the layer when training without a search'))
    return Range(path, OPTIONAL, [True, False], body.get("default"), has_default)


def resolve(doc: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A copy of doc with each range replaced by values[path] (optional layers: True keeps, False drops)."""
    found = ranges(doc)
    out = copy.deepcopy(doc)
    drops: list[tuple[list, int]] = []
    for r in found:
        value = values[r.path] if r.path in values else r.first()
        parent, key = _locate(out, r.path)
        if r.kind == OPTIONAL:
            layer = parent[key]
            layer.pop("search", None)
            if not value:
                drops.append((parent, key))
        else:
            if r.kind == "int":
                value = int(round(value))
            parent[key] = value
    for parent, key in sorted(drops, key=lambda d: d[1], reverse=True):  # last first keeps indices right
        del parent[key]
    return out


def _locate(doc: Any, path: str) -> tuple[Any, Any]:
    parts = parse(path)
    node = doc
    for p in parts[:-1]:
        node = node[p]
    return node, parts[-1]


def with_defaults(doc: dict[str, Any]) -> dict[str, Any]:
    """The document train uses: every range at its default; a range without one is a 4-part error."""
    found = ranges(doc)
    if not found:
        return doc
    missing = [r for r in found if not r.has_default]
    if missing:
        r = missing[0]
        raise SpecError(r.path, msg("is a search range without a default, so there is no single value to train with"),
                        {"search": r.kind}, msg("run `layerlab search` to try the range, or add \"default\": ... "
                                                "to it"))
    return resolve(doc, {r.path: r.default for r in found})


def check_space(doc: dict[str, Any], parse: Any) -> list[Range]:
    """Every range, each checked at its ends by `parse(document)` (refusing what a setting cannot take)."""
    found = ranges(doc)
    if not found:
        raise SpecError("", msg("the project declares no search ranges"), None,
                        msg('write a range on a setting, e.g. "units": {{"search": {{"choice": [16, 32, 64]}}}}'))
    base = {r.path: r.first() for r in found}
    for r in found:
        for value in r.ends():
            try:
                parse(resolve(doc, {**base, r.path: value}))
            except SpecError as err:
                raise SpecError(r.path, msg("the search range reaches {value}, which the project cannot take: "
                                            "{error}", value=value, error=err.message), r.values,
                                msg("narrow the range to values the setting accepts ({hint})",
                                    hint=err.hint or err.path)) from None
    return found


def sample_space(found: list[Range], trial: Any) -> dict[str, Any]:
    """Values for one Optuna trial (the same on Ray Tune and in local processes)."""
    out: dict[str, Any] = {}
    for r in found:
        if r.kind == "choice" or r.kind == OPTIONAL:
            out[r.path] = r.value_of(trial.suggest_categorical(r.path, list(range(len(r.values)))))
        elif r.kind == "int":
            out[r.path] = trial.suggest_int(r.path, r.values[0], r.values[1])
        else:
            out[r.path] = trial.suggest_float(r.path, r.values[0], r.values[1], log=r.kind == "loguniform")
    return out


def use_values(doc: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A copy of doc whose ranges default to `values` ("use the best"): train then uses them, and the
    ranges stay for the next search. The previous defaults are gone from this copy, not from `doc`."""
    out = copy.deepcopy(doc)
    for r in ranges(doc):
        if r.path not in values:
            continue
        parent, key = _locate(out, r.path)
        body = parent[key]["search"]
        body["default"] = bool(values[r.path]) if r.kind == OPTIONAL else values[r.path]
    return out
