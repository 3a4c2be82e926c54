"""One line that says what a table project predicts: "predicting: species (3 classes)" or
"predicting: price (a number)". Shown on the Data, Model and Train pages, so the column the
user chose is never a surprise; it follows the session when the data changes. On the Data page
it can be changed (the same picker as for a new table).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from nicegui import run, ui

from ...api import Project, describe_table
from ...api_errors import SpecError
from ..i18n import err_text, t
from .target_picker import TargetPicker

log = logging.getLogger(__name__)


def predicting_text(info: Any, lang: str) -> str:
    """The line for a DataInfo of a table, or '' for data without a named target column.

    >>> from layerlab.data.base import DataInfo
    >>> predicting_text(DataInfo("tabular", (6,), "classification", ["a", "b", "c"],
    ...                          extra={"target": "species"}), "en")
    'predicting: species (3 classes)'
    >>> predicting_text(DataInfo("tabular", (6,), "regression", extra={"target": "price"}), "de")
    'Vorhersage: price (eine Zahl)'
    """
    target = (getattr(info, "extra", None) or {}).get("target")
    if not target:
        return ""
    if info.task == "classification":
        return t("pred.classes", lang, target=target, n=len(info.classes or []))
    n = info.outputs or 1
    return t("pred.number", lang, target=target) if n == 1 else t("pred.numbers", lang, target=target, n=n)


class PredictingLine:
    """The line, refreshed after each change of the session (hidden when there is nothing to say).

    With on_change (the Data page), a Change button asks again which column to predict; the
    output layer then follows the new target and on_change() is called.
    """

    def __init__(self, session: Any, lang: str, on_change: Callable[[], Any] | None = None) -> None:
        self.session, self.lang, self.on_change = session, lang, on_change
        with ui.row().classes("items-center gap-2") as self.row:
            self.label = ui.label("").classes("text-base font-medium").props('aria-live="polite"').mark("predicting")
            if on_change is not None and self._table_path() is not None:
                ui.button(t("pred.change", lang), icon="edit", on_click=self.ask) \
                    .props("flat dense no-caps").mark("change-target")
        self.refresh()
        session.subscribe(self.refresh, ui.context.client)

    def refresh(self) -> None:
        try:
            text = predicting_text(self.session.project.data_info(), self.lang)
        except Exception as e:  # noqa: BLE001 - no readable data yet: the page shows that error itself
            log.debug("no target line: %s", e)
            text = ""
        self.label.set_text(text)
        self.row.set_visibility(bool(text))

    def _params(self) -> dict[str, Any]:
        data = self.session.doc.get("data") or {}
        return (data.get("params") or {}) if data.get("source") == "csv" else {}

    def _table_path(self) -> Path | None:
        rel = self._params().get("path")
        return self.session.folder / rel if rel else None

    async def ask(self) -> None:
        """The picker for the project's table, the current target preselected."""
        params = self._params()
        try:
            table = await run.io_bound(describe_table, self._table_path())
        except SpecError as e:
            ui.notify(err_text(e, self.lang), type="negative", multi_line=True)
            return
        table["guess"] = params.get("target") or table["guess"]
        with ui.dialog() as dialog, ui.card().classes("w-full max-w-2xl gap-2").mark("change-target-dialog"):
            TargetPicker(table, self.lang, lambda target, roles: self._use(dialog, target, roles),
                         t("pred.use", self.lang))
            ui.button(t("pred.cancel", self.lang), on_click=dialog.close).props("flat")
        dialog.on("hide", dialog.delete)
        dialog.open()

    def _use(self, dialog: Any, target: str, roles: dict[str, str]) -> None:
        folder = self.session.folder

        def change(d: dict[str, Any]) -> None:
            data = d["data"]
            params = data.setdefault("params", {})
            params["target"] = target
            params["roles"] = roles
            params.pop("task", None)          # classification or regression follows the new target's values
            try:
                task = Project(d, folder).data_info().task
            except Exception as e:  # noqa: BLE001 - the Data page shows the data error itself
                log.info("task of the new target unknown: %s", e)
                return
            d["task"] = task
            _output_activation(d, task)
            pre = data.setdefault("preprocessing", {})
            if task == "regression":
                pre["standardize_target"] = True   # any target scale trains well, as for a new table
            else:
                pre.pop("standardize_target", None)
        self.session.edit(change)
        for note in self.session.data_changed():   # the output layer follows the new target
            ui.notify(err_text(note, self.lang), type="info", position="bottom")
        dialog.close()
        if self.on_change is not None:
            self.on_change()


def _output_activation(doc: dict[str, Any], task: str) -> None:
    """A changed task changes what the last dense layer squashes with (its units follow the data elsewhere).

    >>> d = {"model": {"layers": [{"type": "dense", "units": 3, "activation": "softmax"}]}}
    >>> _output_activation(d, "regression"); d["model"]["layers"][-1]["activation"]
    'linear'
    """
    layers = (doc.get("model") or {}).get("layers") or []
    last = layers[-1] if layers and isinstance(layers[-1], dict) and layers[-1].get("type") == "dense" else None
    if last is None:
        return
    if task == "regression" and last.get("activation") in ("softmax", "sigmoid"):
        last["activation"] = "linear"
    elif task == "classification" and last.get("activation") in (None, "linear"):
        last["activation"] = "softmax"
