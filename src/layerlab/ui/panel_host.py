"""Shared body of the pages that mount a panel another package contributes (inspect, export)."""
from __future__ import annotations

import logging
from typing import Callable

from .panels import export_panel, inspect_panel
from .state import Session

log = logging.getLogger(__name__)


PANELS: dict[str, Callable[[str, Session], None]] = {"export_panel": export_panel.render,
                                                     "inspect_panel": inspect_panel.render}


def mount(module: str, project_id: str, session: Session) -> None:
    """Call layerlab.ui.panels.<module>.render(project_id, session)."""
    PANELS[module](project_id, session)
