"""Home's "start from your own data": a ZIP of picture folders becomes a project at once; a table
first asks which column to predict (and what the other columns are) in a dialog, then becomes a
project that opens on its Data page, where "predicting: …" confirms the choice.

The upload waits in a private temporary folder until the project is made or the dialog closes.
"""
from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from nicegui import events, ui

from ... import api
from ...api_errors import SpecError
from ... import api_workspace as workspace
from ..frame import href
from ..i18n import err_text, page_lang, t
from .target_picker import TargetPicker

log = logging.getLogger(__name__)
TABLES = (".csv", ".tsv", ".txt", ".tab")


def _fail(error: Any) -> None:
    ui.notify(t("ods.failed", error=err_text(error)), type="negative", multi_line=True)


async def start_from_upload(e: events.UploadEventArguments) -> None:
    """The upload handler: a table asks for its target first; anything else becomes a project now."""
    filename = Path(e.file.name).name or "data"
    tmp = Path(tempfile.mkdtemp(prefix="layerlab-upload-"))
    path = tmp / filename
    await e.file.save(path)
    if path.suffix.lower() not in TABLES:
        await _create(path, tmp, None, None, "model")
        return
    try:
        table = await asyncio.to_thread(api.describe_table, path)
    except SpecError as err:
        shutil.rmtree(tmp, ignore_errors=True)
        _fail(err)
        return
    _ask_target(path, tmp, table)


def _ask_target(path: Path, tmp: Path, table: dict[str, Any]) -> None:
    lang = page_lang()
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-2xl gap-2").mark("target-dialog"):
        ui.label(t("ods.title", lang, file=path.name)).classes("text-lg font-semibold break-all")

        async def done(target: str, roles: dict[str, str]) -> None:
            if await _create(path, tmp, target, roles, "data"):
                dialog.close()
        TargetPicker(table, lang, done, t("ods.create", lang), "add")
        ui.button(t("ods.cancel", lang), on_click=dialog.close).props("flat").mark("target-cancel")
    dialog.on_value_change(lambda ev: None if ev.value else shutil.rmtree(tmp, ignore_errors=True))
    dialog.open()


async def _create(path: Path, tmp: Path, target: str | None, roles: dict[str, str] | None, page: str) -> bool:
    """Make the project in the workspace and open it on page; False (and a notice) when the data is refused."""
    name = path.stem or "my data"
    folder = workspace.home() / workspace.unique_id(name)
    try:
        project = await asyncio.to_thread(api.new, folder, data=path, target=target, roles=roles, lang=page_lang())
    except SpecError as err:
        _fail(err)
        return False
    except Exception as err:  # a reader bug must still answer the user, not only the log
        log.warning("upload %s failed", path.name, exc_info=True)
        _fail(f"{type(err).__name__}: {err}")
        return False
    finally:
        if target is None:          # no dialog holds the file
            shutil.rmtree(tmp, ignore_errors=True)
    ui.navigate.to(href(project.dir.name, page))
    return True
