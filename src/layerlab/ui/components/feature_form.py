"""A form with one input per feature, for predicting from tabular data or 2-D points.

Numeric columns get a number box (starting at the training mean, or the column's fill value);
categorical columns of a CSV get a choice of the categories seen in training.
"""
from __future__ import annotations

from typing import Any, Callable

from nicegui import ui
from nicegui.events import handle_event

from .local_number import LocalNumber


def feature_fields(info: Any, preprocessor: Any) -> list[dict[str, Any]]:
    """[{'name', 'kind': 'numeric'|'categorical', 'default', 'choices'}] for the model's raw inputs.

    >>> from layerlab.data.base import DataInfo
    >>> [f["name"] for f in feature_fields(DataInfo("points", (2,), "classification", ["a", "b"]), None)]
    ['x1', 'x2']
    """
    columns = getattr(preprocessor, "columns", None)
    if columns:
        return [{"name": c["name"], "kind": c["kind"], "default": c.get("fill"),
                 "choices": list(c.get("categories") or [])} for c in columns]
    n = 1
    for d in info.input_shape:
        n *= int(d)
    names = list(info.feature_names or [f"x{i + 1}" for i in range(n)])
    mean = getattr(preprocessor, "mean", None)
    flat = []
    if mean is not None:
        try:
            import numpy as np
            flat = np.asarray(mean, dtype=float).reshape(-1).tolist()
        except (TypeError, ValueError):
            flat = []
    defaults = flat if len(flat) == len(names) else [0.0] * len(names)
    return [{"name": nm, "kind": "numeric", "default": round(float(v), 4), "choices": []}
            for nm, v in zip(names, defaults)]


class FeatureForm:
    """Inputs for every feature; calls on_change(values dict) after each edit."""

    def __init__(self, fields: list[dict[str, Any]], on_change: Callable[[dict[str, Any]], Any]) -> None:
        self.values: dict[str, Any] = {f["name"]: f["default"] for f in fields}
        self.on_change = on_change
        with ui.element("div").classes("w-full grid gap-2 grid-cols-1 sm:grid-cols-2 lg:grid-cols-3") \
                .mark("feature-form"):
            for i, f in enumerate(fields):
                name = f["name"]
                if f["kind"] == "categorical":
                    ui.select(f["choices"], value=f["default"] if f["default"] in f["choices"] else None,
                              label=name, on_change=lambda e, n=name: self._set(n, e.value)) \
                        .props("outlined dense").classes("w-full").mark(f"feature-{i}")
                else:
                    LocalNumber(name, value=f["default"], format="%.4g",   # '5,1' on a German page
                              on_change=lambda e, n=name: self._set(n, e.value)) \
                        .props("outlined dense").classes("w-full").mark(f"feature-{i}")

    def _set(self, name: str, value: Any) -> None:
        if value is None:
            return  # an empty box while typing: keep the last value
        self.values[name] = value
        handle_event(self.on_change, dict(self.values))
