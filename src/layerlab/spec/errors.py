"""Errors that teach: what is wrong, where (the spec path), what was received, and how to fix it.

>>> e = SpecError("model.layers[2].units", "must be a positive whole number", received=-3,
...               hint="set units to e.g. 10")
>>> print(e)
model.layers[2].units: must be a positive whole number. Received: -3. Fix: set units to e.g. 10
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..i18n import Text, localize, msg

_MISSING = object()


@dataclass
class Fix:
    """A concrete spec edit that makes an error go away, applied with `spec.fixes.apply_fix`.

    Each edit is {"op": "set"|"insert"|"remove", "path": "...", "value": ...}; for "insert"
    the path names a list element position (e.g. "model.layers[3]") and the value is put
    before what is there now.
    """

    description: str  # a Text (see layerlab.i18n) so the studio can show it in German
    edits: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"description": localize(self.description, lang), "edits": self.edits}


class SpecError(ValueError):
    """An invalid project: four parts (path, message, received, hint) and optional fixes.

    message and hint are `msg(...)` Texts: they read as English and `localized("de")` gives German.
    """

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
        return self.localized("en")

    def localized(self, lang: str | None = None) -> str:
        """All four parts in one line, in lang (default: the current page's language)."""
        message = localize(self.message, lang)
        parts = [localize(msg("{path}: {message}", path=self.path, message=message), lang) if self.path
                 else message]
        if self.has_received:
            parts.append(localize(msg("Received: {received}", received=_short(self.received, lang=lang)), lang))
        if self.hint:
            parts.append(localize(msg("Fix: {hint}", hint=localize(self.hint, lang)), lang))
        return ". ".join(p.rstrip(".") for p in parts)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "path": self.path,
            "message": localize(self.message, lang),
            "received": (localize(self.received, lang) if isinstance(self.received, Text)
                         else _jsonable(self.received)) if self.has_received else None,
            "hint": localize(self.hint, lang),
            "fixes": [f.to_dict(lang) for f in self.fixes],
        }


def _short(value: Any, limit: int = 120, lang: str | None = "en") -> str:
    if isinstance(value, Text):  # words describing what came, e.g. "output of shape (3, 4)"
        return localize(value, lang)
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
