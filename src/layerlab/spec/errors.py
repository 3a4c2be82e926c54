"""Errors that teach: what is wrong, where (the spec path), what was received, and how to fix it.

>>> e = SpecError("model.layers[2].units", "must be a positive whole number", received=-3,
...               hint="set units to e.g. 10")
>>> print(e)
model.layers[2].units: must be a positive whole number. Received: -3. Fix: set units to e.g. 10
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_MISSING = object()


@dataclass
class Fix:
    """A concrete spec edit that makes an error go away, applied with `spec.fixes.apply_fix`.

    Each edit is {"op": "set"|"insert"|"remove", "path": "...", "value": ...}; for "insert"
    the path names a list element position (e.g. "model.layers[3]") and the value is put
    before what is there now.
    """

    description: str
    edits: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"description": self.description, "edits": self.edits}


class SpecError(ValueError):
    """An invalid project: four parts (path, message, received, hint) and optional fixes."""

    def __init__(self, path: str, message: str, received: Any = _MISSING, hint: str = "",
                 fixes: list[Fix] | None = None):
        self.path = path
        self.message = message
        self.received = received
        self.hint = hint
        self.fixes = list(fixes or [])
        super().__init__(self.__str__())

    @property
    def has_received(self) -> bool:
        return self.received is not _MISSING

    def __str__(self) -> str:
        parts = [f"{self.path}: {self.message}" if self.path else self.message]
        if self.has_received:
            parts.append(f"Received: {_short(self.received)}")
        if self.hint:
            parts.append(f"Fix: {self.hint}")
        return ". ".join(p.rstrip(".") for p in parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "message": self.message,
            "received": _jsonable(self.received) if self.has_received else None,
            "hint": self.hint,
            "fixes": [f.to_dict() for f in self.fixes],
        }


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
