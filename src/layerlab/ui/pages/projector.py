"""A pupil's project as the teacher sees it: read-only, big enough for the projector.

    /teacher/pupils/<pupil id>/<project id>

The network diagram, its layers with their shapes, and the latest run's curves; nothing can be
changed here. Under /teacher, so only the teacher reaches it (the security middleware answers a
pupil with 403); the teacher opens it from the pupils' table.
"""
from __future__ import annotations

import re
from typing import Any

from fastapi import HTTPException
from nicegui import run, ui

from ...api import load
from ...i18n import msg
from ..components.chart_numbers import localized
from ..components.charts import Curves, loss_options, metric_options
from ..components.diagram import diagram_layers, network_svg, shape_text
from ..frame import frame, lang, tr
from . import teacher

FULL_SCREEN_JS = "document.documentElement.requestFullscreen && document.documentElement.requestFullscreen()"


def _latest_history(project: Any) -> tuple[str | None, list[dict[str, Any]]]:
    """(run id, history) of the newest run that saved epochs, else (None, [])."""
    for row in project.runs():
        if row.get("epochs_done"):
            return row["run_id"], project.load_run(row["run_id"]).history
    return None, []


@ui.page("/teacher/pupils/{pupil_id}/{project_id}")
async def pupil_project(pupil_id: str, project_id: str) -> None:
    """One pupil's project, read-only (teacher only)."""
    provider = teacher.PROVIDER
    classroom = provider.classroom if provider is not None else None
    if classroom is None or pupil_id not in classroom.pupils or not re.fullmatch(r"[a-z0-9_-]{1,64}", project_id) \
            or not (classroom.pupil_home(pupil_id) / project_id / "project.json").is_file():
        raise HTTPException(404, msg("no such project of a pupil in this class").to(lang()))
    folder = classroom.pupil_home(pupil_id) / project_id
    project = load(folder)
    with frame(None, "teacher"):
        with ui.row().classes("w-full items-center gap-3"):
            ui.label(f"{classroom.pupils[pupil_id].name} · {project.name}").classes("text-h5").mark("projector-title")
            ui.space()
            ui.button(msg("Full screen").to(lang()), icon="fullscreen",
                      on_click=lambda: ui.run_javascript(FULL_SCREEN_JS)).props("outline")
            ui.link(msg("Back to the class").to(lang()), "/teacher")
        ui.label(msg("Read-only: what the pupil built, as it is now.").to(lang())).classes("text-caption")
        analysis = project.summary()
        with ui.row().classes("w-full gap-6 items-start flex-wrap"):
            with ui.card().classes("min-w-0"):
                ui.html(network_svg(analysis.input_shape, diagram_layers(analysis, {}), tr("model.diagram"),
                                    tr("model.input_layer"), tr("model.more_layers", n="{n}"), lang=lang())) \
                    .mark("projector-diagram").props('data-testid="projector-diagram"')
            with ui.column().classes("gap-1"):
                for r in analysis.rows:
                    ui.label(f"{r.index + 1}. {r.type} → {shape_text(r.out_shape)}").classes("text-body1 font-mono")
        run_id, history = await run.io_bound(_latest_history, project)
        if not history:
            ui.label(msg("No finished run yet.").to(lang())).classes("text-body1")
            return
        curves = Curves.from_history(history)
        with ui.row().classes("w-full gap-4 flex-wrap"):
            ui.echart(localized(loss_options(curves, lang=lang()), lang())).classes("w-full md:w-[48%] h-72")
            ui.echart(localized(metric_options(curves, lang=lang()), lang())).classes("w-full md:w-[48%] h-72")
