"""Data: what the project learns from. A preview (image grid, table or 2-D scatter) with class
counts; the user's own classes with upload, webcam bursts and drawing; CSV (with a role per
column) and ZIP import; the source's own settings; augmentation switches with a live preview.
"""
from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from nicegui import ui

from ...api_class import lesson_of
from ..components.augment_panel import AugmentPanel
from ..components.class_manager import ClassManager
from ..components.class_pool import data_page_panel
from ..components.data_import import DataImport
from ..components.data_view import DataOverview
from ..components.predicting import PredictingLine
from ..components.source_settings import SourceSettings
from ..frame import expert, frame, lang, tr


class DataView:
    """The page's parts; a change of the data re-reads the overview."""

    def __init__(self, session: Any) -> None:
        self.session = session
        language = self.lang = lang()
        self.client = ui.context.client
        ui.label(tr("data.title")).classes("text-2xl font-bold")
        PredictingLine(session, language, self.source_changed)
        self.overview = DataOverview(session, language)
        source = (session.doc.get("data") or {}).get("source")
        # a lesson whose data the teacher locked: shown, not edited (the core refuses its files and settings anyway);
        # a class dataset's pool stays open, above: it is the class's, not this project's
        locked = "data" in (lesson_of(session.folder) or {}).get("locked", ())
        self.pool = data_page_panel(session.doc, language, self.changed) if locked else None
        if locked:
            ui.label(tr("data.locked")).classes("text-body2").mark("data-locked")
        with ui.column().classes("w-full gap-4 pointer-events-none opacity-70").mark("data-locked-fields") \
                .props('inert aria-disabled="true"') if locked else nullcontext():
            self.classes = ClassManager(session.folder, language, self.changed) if source == "images" else None
            if not locked:
                self.pool = data_page_panel(session.doc, language, self.changed)  # a class dataset: add to the pool
            SourceSettings(session, language, expert(), self.changed)
            DataImport(session, language, self.source_changed)
            kind = self._kind()
            self.augment = AugmentPanel(session, language, kind) if kind in ("image", "tabular", "points") else None
        ui.timer(0.05, self.overview.load, once=True)
        if self.augment is not None:
            ui.timer(0.1, self.augment.refresh, once=True)
        self.seen_data, self.own_change = session.data_version, False
        session.subscribe(self.elsewhere, self.client)  # another tab changed the data: no stale error here

    def elsewhere(self) -> None:
        """Any change of the project: when the data files changed (a class deleted in another tab), the
        class list and the overview are read again, so an error whose cause is gone goes with it."""
        if self.own_change or self.session.data_version == self.seen_data:
            return
        self.seen_data = self.session.data_version
        if self.classes is not None:
            self.classes.refresh()
        ui.timer(0.01, self.overview.load, once=True)

    def _kind(self) -> str | None:
        try:
            return self.session.project.data_info().kind
        except Exception:  # noqa: BLE001 - no data yet (e.g. no pictures): no augmentation panel
            return "image" if (self.session.doc.get("data") or {}).get("source") == "images" else None

    def changed(self) -> None:
        """Samples or settings changed: the output layer follows the data (a note says so), every page
        re-validates at once, the overview is re-read and the augmentation preview redrawn."""
        with self.client:  # the button that started this may be gone (the class list is redrawn)
            self.own_change = True  # this page's own change: read once, below, not again in elsewhere()
            try:
                notes = self.session.data_changed()
            finally:
                self.own_change = False
            self.seen_data = self.session.data_version
            for note in notes:
                text = note.to(self.lang) if hasattr(note, "to") else str(note)
                if self.classes is not None:
                    self.classes.note(text)
                ui.notify(text[:1].upper() + text[1:], type="info", position="bottom")
            ui.timer(0.01, self.overview.load, once=True)
            if getattr(self, "augment", None) is not None:
                ui.timer(0.05, self.augment.refresh, once=True)

    def source_changed(self) -> None:
        """The data source changed (own pictures, a table): rebuild the page for it."""
        ui.navigate.reload()


@ui.page("/p/{project_id}/data")
def data_page(project_id: str) -> None:
    """The Data page of one project."""
    with frame(project_id, "data") as session:
        if session is None:
            return
        DataView(session)
