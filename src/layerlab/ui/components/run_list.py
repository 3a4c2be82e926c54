"""Earlier runs of a project on the Train page: status, epochs and final metrics, with a
switch per run that overlays its curves (dashed) on the current charts.

A run's curves come from its run folder (history.json), which is the truth even when the
registry database was lost.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from nicegui import ui

from ...api_runs import open_run
from ...i18n.numbers import number
from ..frame import expert
from ..i18n import t
from .charts import Curves, metric_label
from .csv_downloads import run_buttons
from .run_names import RunNames

log = logging.getLogger(__name__)
MAX_LISTED = 20

STATUS_COLOURS = {"finished": "positive", "failed": "negative"}


def load_curves(project_dir: Path, run_id: str) -> Curves:
    """Per-epoch curves of a saved run (empty when its history cannot be read)."""
    try:
        return Curves.from_history(open_run(project_dir, run_id, need_weights=False).history())
    except Exception as e:  # noqa: BLE001 - a damaged run folder must not break the page
        log.info("no history for run %s: %s", run_id, e)
        return Curves()


def _metric_text(final: dict[str, Any], lang: str) -> str:
    """A run's final metrics in lang: names and decimal comma in German, as the charts write them ('·' between
    them: the page folds the two spaces that stood there into one).

    >>> _metric_text({"val_accuracy": 0.7667, "accuracy": 0.675, "loss": 0.5}, "de")
    'Genauigkeit (Validierung) 0,767 · Genauigkeit 0,675'
    >>> _metric_text({"val_accuracy": 0.7667, "accuracy": 0.675}, "en")
    'val_accuracy 0.767 · accuracy 0.675'
    """
    keys = [k for k in ("val_accuracy", "accuracy", "val_loss", "loss") if isinstance(final.get(k), (int, float))]
    return " · ".join(f"{metric_label(k, lang)} {number(final[k], lang, significant=3)}" for k in keys[:2])


class EarlierRuns:
    """The list of runs with compare switches; calls on_overlays(dict run_id → Curves)."""

    def __init__(self, session: Any, lang: str, on_overlays: Callable[[dict[str, Curves]], Any]) -> None:
        self.session, self.lang, self.on_overlays = session, lang, on_overlays
        self.current: str | None = None
        self.selected: dict[str, Curves] = {}
        self.rows: list[dict[str, Any]] = []
        self._live: dict[str, tuple[Any, Any]] = {}  # run id -> (status badge, epochs label) of listed rows
        self._shown: tuple | None = None
        with ui.card().classes("w-full ll-card gap-1"):
            ui.label(t("runs.title", lang)).classes("text-lg font-medium")
            self.box = ui.column().classes("w-full gap-0").mark("runs-list")
        self.refresh()

    def latest_id(self) -> str | None:
        return self.rows[0]["run_id"] if self.rows else None

    def latest_name(self) -> str | None:
        """The newest run as pupils read it ("Run 3 · 97 % · 2 min ago"), None without runs."""
        rid = self.latest_id()
        return self.names.name(rid) if rid and getattr(self, "names", None) is not None else rid

    def refresh(self) -> None:
        """Re-read the project's runs and redraw the list."""
        self.rows = self._read()
        self._draw()

    async def refresh_later(self) -> None:
        """refresh() with the reading (the run registry on disk) in a worker thread, off the page's loop."""
        from nicegui import run
        self.rows = await run.io_bound(self._read)
        self._draw()

    def _read(self) -> list[dict[str, Any]]:
        try:
            return self.session.project.runs()[:MAX_LISTED]
        except Exception as e:  # noqa: BLE001 - an unreadable registry must not break the page
            log.warning("could not list runs of %s: %s", self.session.id, e)
            return []

    def _draw(self) -> None:
        names = self.names = RunNames(self.rows, self.lang, expert())   # "Run 3 · 97 % · 2 min ago"; ids: expert
        self.box.clear()
        self._live, self._shown = {}, None
        with self.box:
            if not self.rows:
                ui.label(t("runs.none", self.lang)).classes("opacity-70")
            for r in self.rows:
                rid = r["run_id"]
                with ui.row().classes("w-full items-center gap-2 py-1 flex-wrap").mark(f"run-{rid}"):
                    ui.switch(t("runs.overlay", self.lang), value=rid in self.selected,
                              on_change=lambda e, rid=rid: self._toggle(rid, e.value)) \
                        .props("dense").mark(f"compare-{rid}")
                    ui.label(names.name(rid)).classes("font-medium").props(f'data-testid="run-name-{rid}"')
                    status = r.get("status") or ""
                    badge = ui.badge(t(f"runs.status.{status}", self.lang) if status else "?",
                                     color=STATUS_COLOURS.get(status, "grey")).props(f'data-testid="run-status-{rid}"')
                    epochs = ui.label(t("runs.epochs", self.lang, n=r.get("epochs_done") or 0)) \
                        .classes("text-sm opacity-80").props(f'data-testid="run-epochs-{rid}"')
                    self._live[rid] = (badge, epochs)
                    ui.label(_metric_text(r.get("final") or {}, self.lang)).classes("text-sm tabular-nums")
                    if rid == self.current:
                        ui.label(t("runs.current", self.lang)).classes("text-xs italic opacity-70")
                    if status in ("finished", "stopped"):   # runs with weights: history and predictions as CSV
                        run_buttons(self.session, rid, self.lang)

    def show_live(self, run_id: str, status: str, epoch: int, of: int | None) -> None:
        """The run this page follows, as its events say now (the registry learns epochs only at the end):
        while it trains "epoch 3 of 10" as the page's counter says, after it the epochs done."""
        row = self._live.get(run_id)
        if row is None or self._shown == (run_id, status, epoch, of):
            return
        self._shown = (run_id, status, epoch, of)
        badge, epochs = row
        badge.set_text(t(f"runs.status.{status}", self.lang))
        badge.props(f"color={STATUS_COLOURS.get(status, 'grey')}")
        epochs.set_text(t("runs.epoch_of", self.lang, n=epoch, of=of) if of else t("runs.epochs", self.lang, n=epoch))

    def _toggle(self, run_id: str, on: bool) -> None:
        if on:
            self.selected[run_id] = load_curves(self.session.folder, run_id)
        else:
            self.selected.pop(run_id, None)
        self.on_overlays(dict(self.selected))
