"""On the teacher's page: the queue of training runs, and ending the class (issue 17.7, 17.8).

The class server hands the page its provider (server/classroom.py's ClassServer): `queue()` gives
the runs training and waiting in order with the pupils' names, `end(archive)` ends the class.
"""
from __future__ import annotations

from typing import Any, Callable

from nicegui import run, ui

from ...i18n import msg
from ..frame import lang

NAMES_SHOWN = 5


def _t(text: Any) -> str:
    return text.to(lang())


def queue_text(q: dict[str, Any]) -> str:
    """ "2 training, 3 waiting (1 at a time) · next: Ben, Cleo, Dan" in the page's language."""
    if not q["runs"]:
        return _t(msg("Nobody is training right now."))
    head = _t(msg("{running} training, {queued} waiting ({slots} at a time)", running=q["running"],
                  queued=q["queued"], slots=q["slots"]))
    waiting = [r.get("name") or _t(msg("teacher")) for r in q["runs"] if r["status"] == "queued"]
    if not waiting:
        return head
    more = f", … (+{len(waiting) - NAMES_SHOWN})" if len(waiting) > NAMES_SHOWN else ""
    return head + " · " + _t(msg("next: {names}", names=", ".join(waiting[:NAMES_SHOWN]) + more))


class QueueLine:
    """One line above the pupils' table, refreshed with it."""

    def __init__(self, provider: Any, every_s: float):
        self.p = provider
        self.label = ui.label("").classes("text-body2").mark("class-queue")
        self.refresh()
        ui.timer(every_s, self.refresh)

    def refresh(self) -> None:
        text = queue_text(self.p.queue())
        if text != self.label.text:
            self.label.set_text(text)


def end_class_button(provider: Any, on_end: Callable[[], None] | None = None) -> None:
    """ "End the class…": a dialog that asks first, keeps an archive (.zip) unless told not to, then deletes
    every pupil and their data and offers the archive as a download; on_end then updates the page (joining
    is closed)."""
    with ui.dialog() as d, ui.card().classes("max-w-lg"):
        ui.label(_t(msg("End the class?"))).classes("text-h6")
        ui.label(_t(msg("Every pupil and all their projects are deleted from this server and their codes stop "
                        "working; joining is closed. Your own projects stay.")))
        keep = ui.checkbox(_t(msg("First keep an archive of the whole class (.zip)")), value=True)
        with ui.row():
            ui.button(_t(msg("Cancel")), on_click=d.close).props("flat")
            go = ui.button(_t(msg("End the class")), color="negative")

    async def really() -> None:
        go.disable()
        try:
            done = await run.io_bound(provider.end, bool(keep.value))
        finally:
            go.enable()
        d.close()
        if on_end is not None:
            on_end()
        saved = done.get("archive")
        if saved:
            ui.download(saved["download"], saved["name"])
            ui.notify(_t(msg("The class ended: {n} pupils deleted; the archive {name} is downloading.",
                             n=done["pupils_deleted"], name=saved["name"])), type="positive")
        else:
            ui.notify(_t(msg("The class ended: {n} pupils deleted.", n=done["pupils_deleted"])), type="positive")
    go.on_click(really)
    ui.button(_t(msg("End the class…")), icon="logout", on_click=d.open).props("outline color=negative") \
        .mark("end-class")
