"""A layer's parameter form, generated from its Param declarations (Param.to_dict()).

Nothing here is written per layer: the kind of each declared parameter picks the input
(int/float -> number with min/max, choice -> select, bool -> switch, int_or_ints / ints /
floats -> text of comma-separated numbers, str -> text). Whatever the user enters goes into
the document as it is; the analysis then says, in four parts, what is wrong with it.

>>> parse_numbers("3, 3", "int_or_ints")
[3, 3]
>>> parse_numbers("5", "int_or_ints")
5
>>> parse_numbers("2.5", "floats")
[2.5]
>>> parse_numbers("x", "ints")
'x'
"""
from __future__ import annotations

import json
from typing import Any, Callable

from nicegui import ui

from ...i18n import msg
from ...i18n.numbers import number
from ..i18n import t
from .local_number import LocalNumber
from .param_labels import choice as choice_label, label as param_label


SetParam = Callable[[str, Any], Any]


def parse_numbers(text: str, kind: str) -> Any:
    """'3, 3' -> [3, 3]; '3' -> 3 for int_or_ints; text that is no number list stays text (the analysis explains)."""
    parts = [p.strip() for p in str(text).replace(";", ",").split(",") if p.strip()]
    try:
        nums = [float(p) if kind == "floats" else int(p) for p in parts]
    except ValueError:
        return text
    if kind == "int_or_ints" and len(nums) == 1:
        return nums[0]
    return nums


def format_value(value: Any) -> str:
    """A parameter value as the text a person would type."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def visible_params(params: list[dict[str, Any]], layer: dict[str, Any], expert: bool) -> list[dict[str, Any]]:
    """Parameters to show: all in expert mode; in beginner mode the essential ones and any set by hand."""
    return [p for p in params if expert or not p["expert"] or p["name"] in layer]


def help_text(p: dict[str, Any], lang: str) -> str:
    """The parameter's description in the language, with its range."""
    text = p.get("description_de") if lang == "de" else p.get("description")
    rng = []
    if p.get("min") is not None:
        rng.append(f"≥ {number(p['min'], lang)}")
    if p.get("max") is not None:
        rng.append(f"≤ {number(p['max'], lang)}")
    return f"{text} ({', '.join(rng)})" if rng else str(text or "")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def render(params: list[dict[str, Any]], layer: dict[str, Any], resolved: dict[str, Any], on_set: SetParam,
           *, expert: bool, lang: str, marker: str, owner: str | None = None) -> int:
    """Build one input per visible parameter; returns how many expert parameters are hidden."""
    shown = visible_params(params, layer, expert)
    with ui.element("div").classes("grid gap-x-3 gap-y-1 w-full grid-cols-1 sm:grid-cols-2"):
        for p in shown:
            value = layer.get(p["name"], resolved.get(p["name"], p["default"]))
            _field(p, value, on_set, lang, f"{marker}-{p['name']}", owner)
    return len(params) - len(shown)


def _field(p: dict[str, Any], value: Any, on_set: SetParam, lang: str, marker: str, owner: str | None = None) -> None:
    name, kind = p["name"], p["kind"]
    label = param_label(name, lang, owner)
    if isinstance(value, dict) and set(value) == {"search"} and isinstance(value["search"], dict):
        _range_field(name, label, value["search"], on_set, lang, marker)
        return
    hint = help_text(p, lang)
    if kind in ("int", "float"):
        # no min/max on the input: the browser would clamp -5 to 1 without a word; the value is kept
        # as typed, the field says what is wrong, and the analysis shows the 4-part error with its fix
        el = LocalNumber(label, value=value, step=1 if kind == "int" else _step(value), lang=lang,
                       format="%d" if kind == "int" else None, validation=lambda v: range_problem(v, p, lang),
                       on_change=lambda e: on_set(name, _number(e.value, kind)))
        el.props("dense debounce=300")
    elif kind == "bool":
        el = ui.switch(label, value=bool(value), on_change=lambda e: on_set(name, bool(e.value)))
    elif kind == "choice":
        options = {c: choice_label(name, c, lang) for c in p.get("choices") or []}   # the value stays the value
        if p.get("nullable"):
            options = {None: t("form.none", lang), **options}
        if value not in options:
            options[value] = str(value)  # an invalid value stays visible until the user picks a valid one
        el = ui.select(options, label=label, value=value, on_change=lambda e: on_set(name, e.value)).props("dense")
    elif kind in ("ints", "int_or_ints", "floats"):
        el = ui.input(label, value=format_value(value),
                      on_change=lambda e: on_set(name, parse_numbers(e.value, kind) if e.value.strip() else None))
        el.props("dense debounce=300")
    elif kind == "dict":
        el = ui.input(label, value=json.dumps(value or {}), on_change=lambda e: on_set(name, _json(e.value)))
        el.props("dense debounce=300")
    else:
        el = ui.input(label, value=format_value(value), on_change=lambda e: on_set(name, e.value)).props("dense debounce=300")
    el.classes("w-full").mark(marker).tooltip(hint)
    el.props(f'aria-description="{_attr(hint)}"')
    if kind != "bool":
        el.props(f'hint="{_attr(_short(hint))}" hide-bottom-space')


def _range_field(name: str, label: str, body: dict[str, Any], on_set: SetParam, lang: str, marker: str) -> None:
    """A setting that holds a search range (the Search page): said in words, with a way back to one value."""
    values = ", ".join(str(v) for k, v in body.items() if k != "default")
    default = body.get("default", "–")
    with ui.row().classes("items-center gap-1 w-full").mark("layer-range"):
        ui.label(t("form.range", lang, label=label, values=values, default=default)).classes("text-sm").mark(marker)
        if "default" in body:
            ui.button(icon="filter_1", on_click=lambda: on_set(name, body["default"])) \
                .props(f'flat round dense aria-label="{t("form.range_drop", lang)}"').tooltip(t("form.range_drop", lang))


def range_problem(value: Any, p: dict[str, Any], lang: str) -> str | None:
    """What is wrong with a number for this parameter (outside its range, not whole), or None.

    >>> range_problem(-5, {"kind": "int", "min": 1, "max": 65536}, "en")
    'must be at least 1'
    >>> range_problem(1e9, {"kind": "int", "min": 1, "max": 65536}, "de")
    'darf höchstens 65.536 sein'
    >>> range_problem(2.5, {"kind": "int"}, "en"), range_problem(None, {"kind": "int"}, "en")
    ('must be a whole number', None)
    """
    if value is None or value == "":
        return None
    if p["kind"] == "int" and not float(value).is_integer():
        return msg("must be a whole number").to(lang)
    if p.get("min") is not None and value < p["min"]:
        return msg("must be at least {low}", low=number(p["min"], lang)).to(lang)
    if p.get("max") is not None and value > p["max"]:
        return msg("must be at most {high}", high=number(p["max"], lang)).to(lang)
    return None


def _number(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == "int" and float(value).is_integer():
        return int(value)
    return float(value) if kind == "float" else value


def _step(value: Any) -> float:
    try:
        v = abs(float(value))
    except (TypeError, ValueError):
        return 0.1
    return 0.1 if v >= 0.1 or v == 0 else 10 ** -len(f"{v:.10f}".split(".")[1].rstrip("0"))


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;")
