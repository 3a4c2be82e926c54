"""Export page: mounts the export panel (layerlab.ui.panels.export_panel) in the frame."""
from __future__ import annotations

from nicegui import ui

from ..frame import frame
from ..panel_host import mount


@ui.page("/p/{project_id}/export")
def export_page(project_id: str) -> None:
    with frame(project_id, "export") as session:
        if session is not None:
            mount("export_panel", project_id, session)
