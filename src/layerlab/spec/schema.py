"""The JSON Schema of a project file: pydantic's for the structure, the layer registry's for layers."""
from __future__ import annotations

from typing import Any

from .models import Project


def layer_schema(kind) -> dict[str, Any]:
    """Schema of one layer kind: its type constant plus each declared parameter."""
    props: dict[str, Any] = {"type": {"const": kind.name, "description": kind.summary}}
    for p in kind.params:
        props[p.name] = p.json_schema()
    if kind.name == "residual":
        props["layers"] = {"type": "array", "items": {"$ref": "#/$defs/Layer"}}
    return {"type": "object", "title": kind.name, "properties": props, "required": ["type"],
            "additionalProperties": False}


def project_schema() -> dict[str, Any]:
    """The whole schema (draft 2020-12)."""
    from ..layers import load_all
    schema = Project.model_json_schema()
    defs = schema.setdefault("$defs", {})
    defs["Layer"] = {"oneOf": [layer_schema(k) for k in load_all().values()]}
    defs["ModelSpec"]["properties"]["layers"]["items"] = {"$ref": "#/$defs/Layer"}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "LayerLab project"
    return schema
