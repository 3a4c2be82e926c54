"""The Train page's problems: the project's current errors (each with its one-click fix), a gentle
hint for classes without pictures, and the problem of the last attempt (a run that could not start
or failed). Everything here is redrawn from the project as it is now on every change, so an error
disappears the moment its cause does (a deleted empty class, a fixed setting), without a reload.
"""
from __future__ import annotations

from typing import Any

from nicegui import ui

from ..frame import href
from ..i18n import err_text, t


class TrainChecks:
    """Errors and hints above the charts; `refresh()` after any change of the project."""

    def __init__(self, session: Any, lang: str) -> None:
        self.session, self.lang = session, lang
        self.box = ui.column().classes("w-full gap-2").mark("train-checks")
        self.problem = ui.column().classes("w-full")
        self.refresh()

    def refresh(self) -> None:
        """Redraw the project's errors as they are now; a problem of the last attempt goes with its cause."""
        self.box.clear()
        errors = self.session.errors()
        with self.box:
            for i, e in enumerate(errors):
                with ui.card().classes("w-full ll-error gap-1").props('role="alert"').mark(f"train-error-{i}"):
                    ui.label(err_text(e, self.lang)).classes("text-negative")
                    with ui.row().classes("gap-2 flex-wrap"):
                        for fix in e.fixes[:1]:
                            ui.button(t("tc.apply_fix", self.lang, fix=err_text(fix.description, self.lang)),
                                      icon="auto_fix_high", on_click=lambda f=fix: self.session.apply(f)) \
                                .props("outline").mark(f"train-fix-{i}")
                        if str(e.path or "").startswith("model"):
                            ui.link(t("tc.fix_model", self.lang), href(self.session.id, "model"))
            empty = self._empty_classes() if not errors else []
            if empty:
                with ui.row().classes("items-center gap-2").mark("train-hint"):
                    ui.icon("info", color="primary")
                    ui.label(t("tc.empty_classes", self.lang, classes=", ".join(empty))).classes("text-sm")
                    ui.link(t("tc.data_page", self.lang), href(self.session.id, "data")).classes("text-sm")

    def project_changed(self) -> None:
        """The data or the model changed: the last attempt's problem may be gone with it (a new attempt
        says so again if not); the project's own errors are re-read."""
        self.problem.clear()
        self.refresh()

    def _empty_classes(self) -> list[str]:
        try:
            return list(self.session.project.data_info().extra.get("empty_classes") or [])
        except Exception:  # noqa: BLE001 - the errors above say what is wrong with the data
            return []

    def show_problem(self, text: str, path: str | None) -> None:
        """A run could not start or failed: what happened, and where to fix it."""
        self.problem.clear()
        with self.problem:
            with ui.card().classes("w-full ll-error").props('role="alert"').mark("train-problem"):
                ui.label(text).classes("text-negative")
                if path and str(path).startswith("model"):
                    ui.link(t("tc.fix_model", self.lang), href(self.session.id, "model"))

    def clear_problem(self) -> None:
        self.problem.clear()
