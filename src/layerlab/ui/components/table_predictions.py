"""Predictions for a whole uploaded table (CSV) on the Test page: one row per sample with the
predicted class and its probability (or the predicted values for regression), and a download of
all rows with their predictions as CSV."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from nicegui import events, run, ui

from ...i18n.numbers import number
from ...api_errors import SpecError
from ..i18n import err_text, t
from .csv_downloads import send_csv
from .data_view import pager_props
from .refusals import explain

MAX_ROWS = 1000  # shown in pages of 10; more would only slow the browser


def table_rows(probs: np.ndarray, classes: list[str] | None, lang: str | None = None) -> list[dict[str, Any]]:
    """Rows for the result table.

    >>> table_rows(np.array([[0.2, 0.8]]), ["a", "b"])
    [{'row': 1, 'predicted': 'b', 'confidence': '80.0 %'}]
    """
    out = []
    for i, p in enumerate(np.asarray(probs)[:MAX_ROWS]):
        if classes:
            k = int(np.argmax(p))
            out.append({"row": i + 1, "predicted": classes[k], "confidence": f"{number(100 * float(p[k]), lang, digits=1)} %"})
        else:
            out.append({"row": i + 1, "predicted": ", ".join(number(float(v), lang, significant=4) for v in np.reshape(p, -1)),
                        "confidence": ""})
    return out


class TablePredictions:
    """An upload for a CSV and the table of its predictions; `get_loaded()` gives the newest run."""

    def __init__(self, project: Any, lang: str, get_loaded) -> None:
        self.project, self.lang, self.get_loaded = project, lang, get_loaded
        explain(ui.upload(label=t("tp.upload", lang), auto_upload=True, max_file_size=20 * 1024 * 1024,
                          on_upload=self._uploaded).props('accept=".csv,.tsv,.txt"').classes("w-full").mark("test-csv"),
                lang)
        self.message = ui.label("").classes("text-sm").props('aria-live="polite"').mark("test-csv-message")
        self.box = ui.column().classes("w-full")

    async def _uploaded(self, e: events.UploadEventArguments) -> None:
        data = await e.file.read()
        loaded = self.get_loaded()
        if loaded is None:
            return
        try:
            probs = await run.io_bound(self.project.predict, [data], loaded.run_id)
        except (SpecError, ValueError, UnicodeDecodeError) as exc:
            self.message.set_text(t("tp.failed", self.lang, error=err_text(exc, self.lang)))
            self.message.classes(add="text-negative")
            return
        if probs is None:
            return
        classes = loaded.info.classes if loaded.info.task == "classification" else None
        rows = table_rows(probs, classes, self.lang)
        self.message.classes(remove="text-negative")
        self.message.set_text(t("tp.count", self.lang, n=len(probs)))
        columns = [{"name": k, "label": t(f"tp.{k}", self.lang), "field": k, "align": "left"}
                   for k in ("row", "predicted", "confidence") if classes or k != "confidence"]
        self.box.clear()
        name = Path(e.file.name).stem or "table"
        with self.box:
            ui.table(columns=columns, rows=rows, row_key="row", pagination=10) \
                .props(f"dense flat {pager_props(self.lang)}") \
                .classes("w-full").mark("test-csv-table")
            # every row (not only the shown ones) beside its prediction and the class probabilities
            ui.button(t("csv.predictions", self.lang), icon="download",
                      on_click=lambda: send_csv(lambda: self.project.predictions_csv([data], loaded.run_id),
                                                f"{name}-predictions.csv", self.lang)) \
                .props("outline no-caps").mark("test-csv-download")
