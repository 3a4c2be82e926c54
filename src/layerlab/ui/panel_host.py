"""Shared body of the pages that mount a panel another package contributes (inspect, export)."""
from __future__ import annotations

import importlib
import importlib.util
import logging

from nicegui import ui

from .frame import tr
from .state import Session

log = logging.getLogger(__name__)


def mount(module: str, project_id: str, session: Session, missing_key: str) -> None:
    """Call layerlab.ui.panels.<module>.render(project_id, session), or say honestly that it is missing."""
    name = f"layerlab.ui.panels.{module}"
    if importlib.util.find_spec(name) is None:
        with ui.card().classes("ll-card w-full").mark("panel-missing"):
            ui.label(tr(missing_key)).classes("text-lg")
        return
    panel = importlib.import_module(name)
    panel.render(project_id, session)
