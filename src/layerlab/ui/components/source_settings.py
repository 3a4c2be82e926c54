"""The data source's own settings on the Data page (e.g. picture size, colour and fit; samples and
noise of a generated set), as a form generated from the source's parameter declarations.

Text and table settings (file paths, target and column roles) have their own controls (the CSV
import's role picker), so only number, switch and choice settings appear here. A change is
autosaved in `data.params` through the Session, and the page re-reads the data.
"""
from __future__ import annotations

from typing import Any, Callable

from nicegui import ui

from ...api_data import get_source
from ..i18n import t
from . import layer_form


SHOWN = ("int", "float", "bool", "choice", "ints", "int_or_ints", "floats")


def editable_params(source: str) -> list[dict[str, Any]]:
    """The declared parameters of a source that this form edits (none for an unknown source)."""
    try:
        declared = get_source(source).params
    except Exception:  # noqa: BLE001 - an unknown source is reported by the overview, with its fix
        return []
    return [p.to_dict() for p in declared if p.kind in SHOWN]


class SourceSettings:
    """A card with one field per editable setting of the project's data source."""

    def __init__(self, session: Any, lang: str, expert: bool, on_change: Callable[[], Any]) -> None:
        self.session, self.on_change = session, on_change
        data = session.doc.get("data") or {}
        params = editable_params(str(data.get("source")))
        if not params:
            return
        with ui.card().classes("w-full ll-card gap-2").mark("source-settings"):
            ui.label(t("src.title", lang)).classes("text-lg font-medium")
            hidden = layer_form.render(params, data.get("params") or {}, {}, self.set_param,
                                       expert=expert, lang=lang, marker="src", owner=str(data.get("source")))
            if hidden:
                ui.label(t("model.hidden", lang, n=hidden)).classes("text-xs opacity-60")

    def set_param(self, name: str, value: Any) -> None:
        """Save one setting (an emptied field goes back to the default) and re-read the data."""
        def change(d: dict[str, Any]) -> None:
            params = d.setdefault("data", {}).setdefault("params", {})
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        self.session.edit(change)
        self.on_change()
