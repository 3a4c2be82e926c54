"""Download buttons for tables: a run's history and its validation predictions as CSV (Train page,
one pair per run), and the predictions of an uploaded table (Test page). The CSV comes from the
facade (`Project.history_csv`, `Project.predictions_csv`) and is made when the button is pressed."""
from __future__ import annotations

import logging
from typing import Any, Callable

from nicegui import run, ui

from ...api_errors import SpecError
from ..i18n import err_text, t

log = logging.getLogger(__name__)


async def send_csv(make: Callable[[], str], filename: str, lang: str) -> None:
    """Make the CSV in a worker thread and hand it to the browser as a download."""
    try:
        text = await run.io_bound(make)
    except (SpecError, ValueError, OSError) as e:
        log.info("csv %s not made: %s", filename, e)
        ui.notify(t("csv.failed", lang, error=err_text(e, lang)), type="warning", multi_line=True)
        return
    ui.download.content(text.encode("utf-8"), filename, "text/csv")


def run_buttons(session: Any, run_id: str, lang: str) -> None:
    """Two small buttons for one run: its per-epoch history, and its predictions of the validation split."""
    name = session.id

    def history() -> str:
        return session.project.history_csv(run_id)

    def validation() -> str:
        return session.project.predictions_csv(run_id=run_id, split="validation")

    ui.button(icon="timeline", on_click=lambda: send_csv(history, f"{name}-{run_id}-history.csv", lang)) \
        .props(f'flat dense round size=sm aria-label="{t("csv.history", lang)}"').tooltip(t("csv.history", lang)) \
        .mark(f"history-csv-{run_id}")
    ui.button(icon="fact_check", on_click=lambda: send_csv(validation, f"{name}-{run_id}-validation.csv", lang)) \
        .props(f'flat dense round size=sm aria-label="{t("csv.val", lang)}"').tooltip(t("csv.val", lang)) \
        .mark(f"val-csv-{run_id}")
