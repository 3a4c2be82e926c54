"""A project whose project.json cannot be opened, as an entry of Home's project list.

It says what is wrong with the file, where the file is, and how to repair it, and offers to
move it to the trash; it opens nothing (there is nothing to open), and the projects around it
work as always.
"""
from __future__ import annotations

from typing import Any

from nicegui import ui

from ... import api
from ...api_errors import SpecError
from ..i18n import err_text, t


def damaged_item(row: dict[str, Any]) -> None:
    """One list item for a row of `workspace.list_projects()` that has `damaged`."""
    d, pid = row["damaged"], row["id"]
    marker = f"damaged-{pid}"
    with ui.item().mark(marker).props(f'role="listitem" data-testid="{marker}"'):
        with ui.item_section().props("avatar"):
            ui.icon("report_problem", color="negative").props('aria-hidden="true"')
        with ui.item_section():
            ui.item_label(t("damaged.title", name=row["name"])).classes("font-medium")
            ui.item_label(d["text"]).props("caption").classes("text-negative break-words")
            ui.item_label(t("damaged.file", file=d["file"])).props("caption").classes("break-all")
            ui.item_label(d["remove"]).props("caption").classes("break-words")
        with ui.item_section().props("side"):
            ui.button(t("damaged.trash"), icon="delete", on_click=lambda: _trash(pid, row["name"])) \
                .props(f'flat dense no-caps data-testid="trash-{marker}"').mark(f"trash-{marker}")


def _trash(pid: str, name: str) -> None:
    try:
        api.delete_project(pid)
    except (SpecError, OSError) as err:
        ui.notify(t("damaged.failed", error=err_text(err)), type="negative", multi_line=True)
        return
    ui.notify(t("damaged.trashed", name=name))
    ui.navigate.to("/")
