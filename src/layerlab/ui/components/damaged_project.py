"""A project whose project.json cannot be opened, as an entry of Home's project list.

It says what is wrong with the file, where the file is, and how to repair or remove it; it
links nowhere (there is nothing to open), and the projects around it work as always.
"""
from __future__ import annotations

from typing import Any

from nicegui import ui

from ..i18n import add, t

add({"damaged.title": "{name}: damaged, cannot be opened", "damaged.file": "File: {file}"},
    {"damaged.title": "{name}: beschädigt, lässt sich nicht öffnen", "damaged.file": "Datei: {file}"})


def damaged_item(row: dict[str, Any]) -> None:
    """One list item for a row of `workspace.list_projects()` that has `damaged`."""
    d = row["damaged"]
    with ui.item().mark(f"damaged-{row['id']}").props('role="listitem"'):
        with ui.item_section().props("avatar"):
            ui.icon("report_problem", color="negative").props('aria-hidden="true"')
        with ui.item_section():
            ui.item_label(t("damaged.title", name=row["name"])).classes("font-medium")
            ui.item_label(d["text"]).props("caption").classes("text-negative break-words")
            ui.item_label(t("damaged.file", file=d["file"])).props("caption").classes("break-all")
            ui.item_label(d["remove"]).props("caption").classes("break-words")
