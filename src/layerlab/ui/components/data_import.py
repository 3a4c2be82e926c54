"""Bringing the user's own data into a project from the Data page: a CSV table (first the column
to predict, the guess preselected, then the other columns' roles), a ZIP with one folder of pictures per class, or a switch
to own pictures that are then uploaded, captured or drawn class by class.

Files are stored through the server's safe upload helpers (size limits, sanitised names,
Pillow-verified images, zip-slip refusal); the project's data section is changed through the
shell's Session, so the change is saved like any other edit.
"""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any, Awaitable, Callable

from nicegui import events, run, ui

from ...api_data import extract_images, samples, save_file
from ...api_errors import SpecError
from ...api import Project, create_project, describe_table
from ..i18n import err_text, t
from .refusals import explain
from .target_picker import TargetPicker

log = logging.getLogger(__name__)
Fill = Callable[[Path], Awaitable[bool]]  # brings pictures into a project folder; False when refused


def csv_data_section(rel_path: str, roles: dict[str, str], old: dict[str, Any]) -> dict[str, Any]:
    """The data section for a table with chosen column roles (split settings kept).

    >>> csv_data_section("data/tables/t.csv", {"a": "feature", "b": "target", "c": "ignored"}, {"seed": 3})
    {'seed': 3, 'source': 'csv', 'params': {'path': 'data/tables/t.csv', 'target': 'b', 'roles': {'c': 'ignored'}}}
    """
    target = next(c for c, r in roles.items() if r == "target")
    keep = {k: v for k, v in old.items() if k in ("validation_split", "test_split", "seed")}
    return {**keep, "source": "csv", "params": {"path": rel_path, "target": target,
                                                  "roles": {c: r for c, r in roles.items() if r == "ignored"}}}


def merge_class_folders(project_dir: Path, folder: Path) -> int:
    """Move the class folders found in `folder` (maybe inside one wrapping folder) into data/images."""
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and all(q.is_dir() for q in entries[0].iterdir()
                                                          if not q.name.startswith(".")):
        folder = entries[0]  # a ZIP of one folder that holds the class folders
    moved = 0
    for cls in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        dest = samples.add_class(project_dir, cls.name)
        for f in cls.iterdir():
            if f.is_file():
                target = dest / f.name
                if target.exists():
                    target = dest / f"{cls.name}-{moved}-{f.name}"
                os.replace(f, target)
                moved += 1
    return moved


def _images_doc(doc: dict[str, Any]) -> dict[str, Any]:
    """The document with the project's own pictures as its data (split settings kept).

    >>> _images_doc({"task": "regression", "data": {"source": "sine", "seed": 3}})["data"]
    {'seed': 3, 'source': 'images', 'params': {'size': 32, 'channels': 3}}
    """
    old = doc.get("data") or {}
    keep = {k: v for k, v in old.items() if k in ("validation_split", "test_split", "seed")}
    return {**doc, "task": "classification", "data": {**keep, "source": "images", "params": {"size": 32, "channels": 3}}}


class DataImport:
    """Buttons and uploads that bring own data in; on_change() is called after the data changed."""

    def __init__(self, session: Any, lang: str, on_change: Callable[[], Any]) -> None:
        self.session, self.lang, self.on_change = session, lang, on_change
        with ui.card().classes("w-full ll-card gap-2"):
            ui.label(self.tr("di.title")).classes("text-lg font-medium")
            self.message = ui.label("").classes("text-sm").props('aria-live="polite"').mark("import-message")
            if (session.doc.get("data") or {}).get("source") != "images":
                with ui.row().classes("items-center gap-2 flex-wrap"):
                    ui.button(self.tr("di.images"), icon="add_a_photo", on_click=self.use_images).mark("use-images")
                    ui.label(self.tr("di.images_hint")).classes("text-sm opacity-70")
            with ui.element("div").classes("w-full grid gap-2 grid-cols-1 md:grid-cols-2"):
                explain(ui.upload(label=self.tr("di.csv"), auto_upload=True, max_file_size=50 * 1024 * 1024,
                                  on_upload=self._csv).props('accept=".csv,.tsv,.txt"').classes("w-full")
                        .mark("csv-upload"), self.lang)
                explain(ui.upload(label=self.tr("di.zip"), auto_upload=True, max_file_size=200 * 1024 * 1024,
                                  on_upload=self._zip).props('accept=".zip"').classes("w-full").mark("zip-upload"),
                        self.lang)
            self.roles_box = ui.column().classes("w-full gap-2").mark("column-roles")

    def tr(self, key: str, **fmt: Any) -> str:
        return t(key, self.lang, **fmt)

    def _fail(self, error: Any) -> None:
        self.message.set_text(self.tr("di.failed", error=err_text(error, self.lang)))
        self.message.classes(add="text-negative")

    def _say(self, text: str) -> None:
        self.message.set_text(text)
        self.message.classes(remove="text-negative")

    # -- own pictures ---------------------------------------------------------------------------
    def use_images(self, fill: Fill | None = None) -> None:
        """Ask first: own pictures replace the project's data. A copy keeps this project as it is.

        fill(folder) brings pictures into the chosen project (a ZIP just uploaded) before it is shown."""
        with ui.dialog() as dialog, ui.card().classes("gap-3").mark("own-pictures-dialog"):
            ui.label(self.tr("di.ask_title")).classes("text-lg font-medium")
            ui.label(self.tr("di.ask_text", source=(self.session.doc.get("data") or {}).get("source", "?")))
            with ui.row().classes("w-full justify-end gap-2 flex-wrap"):
                ui.button(self.tr("di.cancel"), on_click=dialog.close).props("flat").mark("own-pictures-cancel")
                ui.button(self.tr("di.replace"), icon="swap_horiz", on_click=lambda: self._switch(fill, dialog)) \
                    .props("outline color=negative").mark("own-pictures-replace")
                ui.button(self.tr("di.copy"), icon="content_copy", on_click=lambda: self._copy(fill, dialog)) \
                    .mark("own-pictures-copy")
        dialog.on("hide", dialog.delete)
        dialog.open()

    async def _copy(self, fill: Fill | None = None, dialog: ui.dialog | None = None) -> None:
        """A new project with this one's model and settings, and the user's own picture folder."""
        if dialog is not None:
            dialog.close()
        doc = _images_doc(self.session.doc)
        project = create_project(self.tr("di.copy_name", name=self.session.name), doc=doc)
        samples.images_dir(project.dir).mkdir(parents=True, exist_ok=True)
        if fill is not None:
            if not await fill(project.dir):
                return
            project.follow_data()  # the output layer follows the classes the ZIP brought
            project.save()
        ui.navigate.to(f"/p/{project.dir.name}/data")

    async def _switch(self, fill: Fill | None = None, dialog: ui.dialog | None = None) -> None:
        """Switch this project to its own picture folder (data/images), keeping the split settings."""
        if dialog is not None:
            dialog.close()
        samples.images_dir(self.session.folder).mkdir(parents=True, exist_ok=True)
        if fill is not None and not await fill(self.session.folder):
            return
        self.session.edit(_images_doc)
        self.session.data_changed()  # the output layer follows the classes a ZIP brought
        self.on_change()

    async def _zip(self, e: events.UploadEventArguments) -> None:
        data = await e.file.read()

        async def fill(folder: Path) -> bool:
            return await self._unzip(folder, data)
        if (self.session.doc.get("data") or {}).get("source") != "images":
            self.use_images(fill)  # the pictures would replace this project's data: ask first
        elif await fill(self.session.folder):
            self.on_change()

    async def _unzip(self, folder: Path, data: bytes) -> bool:
        """Put a ZIP's class folders into folder's data/images; False (and the reason shown) when refused."""
        try:
            result = await run.io_bound(extract_images, folder, data, "upload")
            moved = await run.io_bound(merge_class_folders, folder, folder / result.folder)
        except SpecError as exc:
            self._fail(exc)
            return False
        finally:
            up = folder / "data" / "upload"
            if up.exists():
                shutil.rmtree(up, ignore_errors=True)
        for extra in (folder / "data").glob("upload-*"):
            shutil.rmtree(extra, ignore_errors=True)
        text = self.tr("di.zip_done", n=moved)
        if result.skipped:
            text += " " + self.tr("di.zip_skipped", n=len(result.skipped))
        self._say(text)
        return True

    # -- a table --------------------------------------------------------------------------------
    async def _csv(self, e: events.UploadEventArguments) -> None:
        data = await e.file.read()
        try:
            path = await run.io_bound(save_file, self.session.folder, e.file.name, data, "tables")
            table = await run.io_bound(describe_table, path)
        except SpecError as exc:
            self._fail(exc)
            return
        self._say("")
        rel = path.relative_to(self.session.folder).as_posix()
        self.roles_box.clear()
        with self.roles_box:   # which column to predict (the guess preselected), then the other columns
            TargetPicker(table, self.lang, lambda target, roles: self._use_table(rel, {**roles, target: "target"}),
                         self.tr("di.use_table"), "table_view")

    def _use_table(self, rel: str, roles: dict[str, str]) -> None:
        if list(roles.values()).count("target") != 1:
            self._fail(self.tr("di.need_target"))
            return

        def change(d: dict[str, Any]) -> None:
            d["data"] = csv_data_section(rel, roles, d.get("data") or {})
            try:  # the task follows the target column's values
                d["task"] = Project(d, self.session.folder).data_info().task
            except Exception as exc:  # noqa: BLE001 - the Data page shows the data error itself
                log.info("task of the new table unknown: %s", exc)
        self.session.edit(change)
        self.roles_box.clear()
        self.on_change()
