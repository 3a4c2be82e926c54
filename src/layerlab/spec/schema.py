"""The JSON Schema of a project file: pydantic's for the structure, the layer registry's for layers,
and the catalogue's names for the training choices (so editors can complete and check them).

>>> s = project_schema()
>>> s["$defs"]["TrainingSpec"]["properties"]["optimizer"]["enum"][:2]
['sgd', 'adam']
"""
from __future__ import annotations

from typing import Any

from ..layers import load_all
from . import catalog
from .models import Project


def layer_schema(kind) -> dict[str, Any]:
    """Schema of one layer kind: its type constant plus each declared parameter."""
    props: dict[str, Any] = {
        "type": {"const": kind.name, "description": kind.summary},
        "name": {"type": "string", "description": "Your own label for this layer."},
        "comment": {"type": "string", "description": "A note; ignored by LayerLab."},
    }
    for p in kind.params:
        props[p.name] = p.json_schema()
    if kind.holds_layers:
        props["layers"] = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/Layer"},
                           "description": "The layers inside the block (its body)."}
    required = ["type", "layers"] if kind.holds_layers else ["type"]
    return {"type": "object", "title": kind.name, "description": kind.summary, "properties": props,
            "required": required, "additionalProperties": False}


def _names(prop: dict[str, Any], names: list[str]) -> None:
    """Restrict a string (or nullable string, or list of strings) property to known names."""
    for option in prop.get("anyOf", [prop]):
        if option.get("type") == "string":
            option.pop("type")
            option["enum"] = names
        elif option.get("type") == "array":
            option["items"] = {"enum": names}


def project_schema() -> dict[str, Any]:
    """The whole schema (draft 2020-12)."""
    schema = Project.model_json_schema()
    defs = schema.setdefault("$defs", {})
    defs["Layer"] = {"oneOf": [layer_schema(k) for k in load_all().values()]}
    defs["ModelSpec"]["properties"]["layers"]["items"] = {"$ref": "#/$defs/Layer"}
    training = defs["TrainingSpec"]["properties"]
    _names(training["optimizer"], list(catalog.OPTIMIZERS))
    _names(training["loss"], list(catalog.LOSSES))
    _names(training["metrics"], list(catalog.METRICS))
    _names(defs["ScheduleSpec"]["properties"]["type"], list(catalog.SCHEDULES))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "LayerLab project"
    return schema
