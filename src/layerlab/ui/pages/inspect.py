"""Inspect page: mounts the inspect panel (layerlab.ui.panels.inspect_panel) in the frame."""
from __future__ import annotations

from nicegui import ui

from ..frame import frame
from ..panel_host import mount


@ui.page("/p/{project_id}/inspect")
def inspect_page(project_id: str) -> None:
    with frame(project_id, "inspect") as session:
        if session is not None:
            mount("inspect_panel", project_id, session)
