"""Home's "New image project", Teachable Machine style: name the project and its classes (two or
more), choose the picture size, and go to the Data page to fill each class by upload, webcam
burst or drawing. The project comes from `api.new_image_project` (a small CNN for the size).
"""
from __future__ import annotations

from typing import Any

from nicegui import run, ui

from ... import api
from ...api_data import IMAGE_SIZES as SIZES
from ...api_errors import SpecError
from ... import api_workspace as workspace
from ..i18n import err_text, t


class ImageProjectCard:
    """The Home card and its dialog; creating the project opens its Data page."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        with ui.card().classes("ll-card w-full").mark("image-project"):
            ui.label(self.tr("ip.title")).classes("text-lg font-semibold")
            ui.label(self.tr("ip.hint")).classes("text-sm opacity-80")
            ui.button(self.tr("ip.start"), icon="add_a_photo", on_click=self.open).mark("new-image-project")
        self.dialog: ui.dialog | None = None
        self.class_inputs: list[ui.input] = []

    def tr(self, key: str, **fmt: Any) -> str:
        return t(key, self.lang, **fmt)

    def open(self) -> None:
        with ui.dialog() as self.dialog, ui.card().classes("w-full max-w-md gap-2").mark("image-project-dialog"):
            ui.label(self.tr("ip.title")).classes("text-lg font-medium")
            self.name = ui.input(self.tr("ip.name"), value=self.tr("ip.default_name")) \
                .props("outlined dense").classes("w-full").mark("ip-name")
            self.classes_box = ui.column().classes("w-full gap-1")
            self.class_inputs = []
            for _ in range(2):
                self._class_row()
            ui.button(self.tr("ip.add_class"), icon="add", on_click=self._class_row).props("flat dense") \
                .mark("ip-add-class")
            with ui.row().classes("w-full items-center gap-4 flex-wrap"):
                self.size = ui.select(list(SIZES), value=32, label=self.tr("ip.size")).props("outlined dense") \
                    .classes("w-40").mark("ip-size")
                self.colour = ui.switch(self.tr("ip.colour"), value=True).mark("ip-colour")
            self.error = ui.label("").classes("text-negative text-sm").props('role="alert"').mark("ip-error")
            with ui.row().classes("w-full justify-end gap-2"):
                ui.button(self.tr("ip.cancel"), on_click=self.dialog.close).props("flat").mark("ip-cancel")
                ui.button(self.tr("ip.create"), icon="check", on_click=self.create).mark("ip-create")
        self.dialog.on("hide", self.dialog.delete)
        self.dialog.open()

    def _class_row(self) -> None:
        i = len(self.class_inputs) + 1
        with self.classes_box:
            field = ui.input(self.tr("ip.class", i=i)).props("outlined dense").classes("w-full") \
                .mark(f"ip-class-{i}").on("keydown.enter", self.create)
        self.class_inputs.append(field)

    async def create(self) -> None:
        name = (self.name.value or "").strip() or self.tr("ip.default_name")
        classes = [f.value or "" for f in self.class_inputs]
        folder = workspace.home() / workspace.unique_id(name)
        try:
            project = await run.io_bound(api.new_image_project, folder, classes, name, int(self.size.value),
                                         3 if self.colour.value else 1, self.lang)
        except SpecError as e:
            self.error.set_text(err_text(e, self.lang))
            return
        if self.dialog is not None:
            self.dialog.close()
        ui.navigate.to(f"/p/{project.dir.name}/data")
