"""One line that says what a table project predicts: "predicting: species (3 classes)" or
"predicting: price (a number)". Shown on the Data, Model and Train pages, so the column the
user chose is never a surprise; it follows the session when the data changes.
"""
from __future__ import annotations

import logging
from typing import Any

from nicegui import ui

from ..i18n import add, t

log = logging.getLogger(__name__)

add({"pred.classes": "predicting: {target} ({n} classes)", "pred.number": "predicting: {target} (a number)",
     "pred.numbers": "predicting: {target} ({n} numbers)"},
    {"pred.classes": "Vorhersage: {target} ({n} Klassen)", "pred.number": "Vorhersage: {target} (eine Zahl)",
     "pred.numbers": "Vorhersage: {target} ({n} Zahlen)"})


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
    """The line, refreshed after each change of the session (hidden when there is nothing to say)."""

    def __init__(self, session: Any, lang: str) -> None:
        self.session, self.lang = session, lang
        self.label = ui.label("").classes("text-base font-medium").props('aria-live="polite"').mark("predicting")
        self.refresh()
        session.subscribe(self.refresh, ui.context.client)

    def refresh(self) -> None:
        try:
            text = predicting_text(self.session.project.data_info(), self.lang)
        except Exception as e:  # noqa: BLE001 - no readable data yet: the page shows that error itself
            log.debug("no target line: %s", e)
            text = ""
        self.label.set_text(text)
        self.label.set_visibility(bool(text))
