"""Content built when it is first shown, not with the page (issue 17: a class of 30 opening pages at once).

Every NiceGUI element costs the server about 0.1-0.2 ms to create and send; a closed expansion's content
is sent with the page although nobody sees it until it is opened. `lazy_expansion` builds it on the
first opening instead (an open one at once); what it shows, once open, is the same.
"""
from __future__ import annotations

from typing import Callable

from nicegui import ui


def lazy_expansion(text: str, build: Callable[[], None], value: bool = False) -> ui.expansion:
    """A ui.expansion whose content `build()` makes inside it when it is first opened (at once if value)."""
    built = False

    def fill() -> None:
        nonlocal built
        if built or box.is_deleted:  # a redrawn page may have dropped it
            return
        built = True
        with box:
            build()

    box = ui.expansion(text, value=value, on_value_change=lambda e: fill() if e.value else None)
    if value:
        fill()
    return box


def lazy_menu(menu: ui.menu, build: Callable[[], None]) -> ui.menu:
    """Fill `menu` with what `build()` makes the first time it opens (a closed menu's items cost every page)."""
    built = False

    def fill(opened: bool) -> None:
        nonlocal built
        if built or not opened or menu.is_deleted:
            return
        built = True
        with menu:
            build()

    menu.on_value_change(lambda e: fill(e.value))
    return menu
