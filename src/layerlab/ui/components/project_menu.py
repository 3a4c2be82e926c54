"""Home's project management: a menu per project (rename, duplicate, download, delete), "Open project
file", and the trash with Restore and an explicit Empty.

Everything goes through the facade (`layerlab.api`); after a change the page reloads, so the
list shows the workspace as it is on disk.
"""
from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from nicegui import events, ui

from ... import api
from ... import api_workspace as workspace
from ...api_errors import SpecError
from ..frame import href, tr
from ..i18n import err_text
from .refusals import explain

log = logging.getLogger(__name__)


def _failed(err: Exception) -> None:
    text = err_text(err) if isinstance(err, SpecError) else f"{type(err).__name__}: {err}"
    if not isinstance(err, SpecError):
        log.warning("project action failed", exc_info=err)
    ui.notify(tr("pm.failed", error=text), type="negative", multi_line=True)


def marked(element: Any, name: str) -> Any:
    """element with a marker for the user tests and a data-testid for the browser tests."""
    return element.props(f'data-testid="{name}"').mark(name)


def project_menu(p: dict[str, Any]) -> None:
    """The ⋮ button of one project row with its menu; clicks on it do not open the project."""
    pid, name = p["id"], p["name"]
    with ui.element("div").on("click.stop", lambda: None).on("keydown.enter.stop", lambda: None):
        button = ui.button(icon="more_vert").props(f'flat round dense aria-label="{tr("pm.menu", name=name)}"')
        with marked(button, f"menu-{pid}"), marked(ui.menu(), f"menu-items-{pid}"):
            marked(ui.menu_item(tr("pm.rename"), lambda: _rename_dialog(pid, name)), f"rename-{pid}")
            marked(ui.menu_item(tr("pm.duplicate"), lambda: _duplicate(pid)), f"duplicate-{pid}")
            marked(ui.menu_item(tr("pm.download"), lambda: _download(pid)), f"download-{pid}")
            ui.separator()
            marked(ui.menu_item(tr("pm.delete"), lambda: _delete(pid, name)), f"delete-{pid}")


def _rename_dialog(pid: str, name: str) -> None:
    with ui.dialog() as dialog, ui.card().classes("w-80 max-w-full"):
        field = marked(ui.input(tr("pm.new_name"), value=name).classes("w-full").props("autofocus"), "rename-input")

        def save() -> None:
            try:
                out = api.rename_project(pid, field.value or "")
            except SpecError as err:
                field.props["error"] = True  # set as values: the message may hold quotes
                field.props["error-message"] = err_text(err)
                field.update()
                return
            dialog.close()
            ui.notify(tr("pm.renamed", name=out["name"]), type="positive")
            ui.navigate.to("/")
        field.on("keydown.enter", save)
        with ui.row().classes("justify-end w-full"):
            ui.button(tr("pm.cancel"), on_click=dialog.close).props("flat")
            marked(ui.button(tr("pm.save"), on_click=save), "rename-save")
    dialog.open()


async def _duplicate(pid: str) -> None:
    try:
        out = await asyncio.to_thread(api.duplicate_project, pid)
    except Exception as err:  # noqa: BLE001 - shown to the user; the page stays usable
        return _failed(err)
    ui.notify(tr("pm.copied", name=out["name"]), type="positive")
    ui.navigate.to("/")


async def _download(pid: str) -> None:
    # served from a file, not through the page's socket: a project with its pictures can be large
    tmp = Path(tempfile.mkdtemp(prefix="layerlab-pack-"))
    try:
        # the workspace's folder, never a path: a folder of that name where the server was started would win
        packed = await asyncio.to_thread(api.pack_project, workspace.project_dir(pid), tmp / f"{pid}.layerlab")
    except Exception as err:  # noqa: BLE001
        shutil.rmtree(tmp, ignore_errors=True)
        return _failed(err)
    ui.download.file(packed.path, f"{pid}.layerlab", "application/zip")
    ui.context.client.on_delete(lambda: shutil.rmtree(tmp, ignore_errors=True))
    asyncio.get_running_loop().call_later(3600, shutil.rmtree, tmp, True)  # a tab left open an hour


def _delete(pid: str, name: str) -> None:
    try:
        api.delete_project(pid)
    except Exception as err:  # noqa: BLE001
        return _failed(err)
    ui.notify(tr("pm.deleted", name=name))
    ui.navigate.to("/")


def open_file_card() -> None:
    """'Open project file': a .layerlab upload that becomes a project (checked like any upload)."""
    with marked(ui.card().classes("ll-card w-full"), "open-project-file"):
        ui.label(tr("pm.open")).classes("text-lg font-semibold")
        ui.label(tr("pm.open_hint")).classes("text-sm opacity-80")
        upload = ui.upload(label=tr("pm.open_choose"), on_upload=_on_open, auto_upload=True, max_files=1)
        marked(upload.props('accept=".layerlab" flat bordered color=primary').classes("w-full max-w-md"), "open-upload")
        explain(upload, None)


async def _on_open(e: events.UploadEventArguments) -> None:
    data = await e.file.read()
    try:
        out = await asyncio.to_thread(api.unpack_project, data)
    except SpecError as err:
        ui.notify(tr("pm.open_failed", error=err_text(err)), type="negative", multi_line=True)
        return
    ui.navigate.to(href(out["id"], "model"))


def trash_view() -> None:
    """The deleted projects with when, each with Restore; Empty trash asks first."""
    entries = api.trash()
    with marked(ui.expansion(tr("pm.trash", n=len(entries)), icon="delete").classes("w-full"), "trash"):
        if not entries:
            ui.label(tr("pm.trash_empty")).classes("opacity-70")
            return
        with ui.list().props("separator").classes("w-full"):
            for e in entries:
                when = datetime.fromtimestamp(e["deleted"]).strftime("%Y-%m-%d %H:%M")
                with marked(ui.item(), f"trashed-{e['project_id']}"):
                    with ui.item_section():
                        ui.item_label(e["name"])
                        ui.item_label(tr("pm.deleted_at", when=when)).props("caption")
                    with ui.item_section().props("side"):
                        restore = ui.button(tr("pm.restore"), icon="restore_from_trash",
                                            on_click=lambda key=e["id"]: _restore(key)).props("flat dense")
                        marked(restore, f"restore-{e['project_id']}")
        empty = ui.button(tr("pm.empty"), icon="delete_forever", on_click=lambda: _confirm_empty(len(entries)))
        marked(empty.props("flat color=negative"), "empty-trash")


def _restore(key: str) -> None:
    try:
        out = api.restore_project(key)
    except Exception as err:  # noqa: BLE001
        return _failed(err)
    ui.notify(tr("pm.restored", name=out["name"]), type="positive")
    ui.navigate.to("/")


def _confirm_empty(n: int) -> None:
    with ui.dialog() as dialog, ui.card():
        ui.label(tr("pm.empty_confirm", n=n))
        with ui.row().classes("justify-end w-full"):
            ui.button(tr("pm.cancel"), on_click=dialog.close).props("flat")

            def empty() -> None:
                count = api.empty_trash()
                dialog.close()
                ui.notify(tr("pm.emptied", n=count))
                ui.navigate.to("/")
            marked(ui.button(tr("pm.empty_yes"), on_click=empty).props("color=negative"), "empty-yes")
    dialog.open()
