"""Train: Start/Pause/Continue/Step/Stop and slow motion, the live charts (and the decision boundary
for 2-D points) first, the settings folded below them once a run starts, per-epoch validation views
and earlier runs. Training runs in the engine's worker; events reach this page through a RunFeed
queue that a timer drains four times a second (see components/run_feed.py), and every status
number shown comes from one RunProgress (components/run_progress.py).

The parts: TrainControls (buttons, slow motion), TrainChecks (errors and hints), RunProgress (status),
TrainingCharts, LiveBoundary, the epoch panels and EarlierRuns.
"""
from __future__ import annotations

import importlib.util
import logging
import time
from pathlib import Path
from typing import Any

from nicegui import background_tasks, run, ui

from ...api import examples
from ...api_class import lesson_of
from ...api_owners import owner_of
from ... import api_events as ev
from ...api_runs import default_runner
from ...api_errors import SpecError
from ..components.charts import Curves, TrainingCharts
from ..components.epoch_panels import BoundaryImage, ConfusionTable, SampleGrid
from ..components.evaluation import evaluate
from ..components.live_boundary import LiveBoundary
from ..components.predicting import PredictingLine
from ..components.run_feed import RunFeed
from ..components.run_list import EarlierRuns, load_curves
from ..components.run_progress import RunProgress
from ..components.train_checks import TrainChecks
from ..components.train_controls import TrainControls
from ..components.train_status import StatusPanel
from ..components.training_form import TrainingForm
from ..frame import expert, frame, lang, tr
from ..i18n import err_text

log = logging.getLogger(__name__)
TICK_S = 0.25  # UI refresh rate for run events: fast enough for a live chart, cheap for the browser
LIVE_QUIET_S = 2.0  # after a live picture, an epoch's evaluation leaves the boundary alone this long


def _same_folder(a: Any, b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except (TypeError, OSError):
        return False


def _page_request() -> Any:
    """The request that opened this page (None when NiceGUI has none, e.g. in some tests)."""
    try:
        return ui.context.client.request
    except (RuntimeError, AttributeError):
        return None


def _warm_dataset(project: Any) -> None:
    """Prepare the dataset (into the cache the training process reads) while the user reads the page:
    pressing Train then starts at once."""
    try:
        project.warm_training()
    except Exception as e:  # noqa: BLE001 - the run reports data problems itself, in words
        log.info("dataset not prepared in advance: %s", e)


class TrainView:
    """The page's state: the attached run, its feed and progress, and the parts that show them."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.lang = lang()
        self.owner = owner_of(_page_request())  # runs started here are this browser's (a pupil's, on a class server)
        self.run: Any = None
        self.feed: RunFeed | None = None
        self.progress = RunProgress()
        self.eval_wanted: str | None = None
        self.eval_busy = False
        self.live_at = 0.0  # when the last LiveWeights arrived
        info = None
        try:
            info = session.project.data_info()
        except Exception as e:  # noqa: BLE001 - the page still opens; the error is shown
            log.info("no data info for %s: %s", session.id, e)
        self.info = info
        self._build()
        self._attach_latest()
        if self.run is None or self.run.done:
            background_tasks.create(run.io_bound(_warm_dataset, session.project), name="train-warm")
        self._show()
        ui.timer(TICK_S, self.tick)
        ui.context.client.on_delete(self.close)

    # -- layout: what moves first, the settings below ---------------------------------------------
    def _build(self) -> None:
        ui.label(tr("train.title")).classes("text-2xl font-bold")
        about = _description(self.session.doc, self.lang)
        if about:  # an example says here why it trains as it does (grokking: why so long)
            ui.label(about).classes("text-sm opacity-80").mark("train-description")
        PredictingLine(self.session, self.lang)
        with ui.card().classes("w-full ll-card gap-2"):
            self.controls = TrainControls(self.lang, {"start": self.start, "pause": self.pause, "resume": self.resume,
                                                      "step": self.step, "stop": self.stop, "more": self.train_more},
                                          self.slow_changed)
            self.checks = TrainChecks(self.session, self.lang)
            self.status = StatusPanel(self.lang)
        self.live = ui.element("div").classes("w-full grid gap-4 grid-cols-1 lg:grid-cols-3") \
            .props('data-testid="train-live"').mark("train-live")
        with self.live:
            with ui.column().classes("w-full lg:col-span-2" if self._is_2d() else "w-full lg:col-span-3"):
                self.charts = TrainingCharts(self.lang)
            self.boundary = None
            if self._is_2d():
                with ui.column().classes("order-first lg:order-none"):  # on a phone the boundary moves first
                    self.boundary = BoundaryImage(self.lang)
        self.live_boundary = LiveBoundary(self.boundary) if self.boundary is not None else None
        if self.live_boundary is not None:
            self.live_boundary.prepare(self.session.project)
        self.settings = ui.expansion(tr("train.settings"), icon="tune", value=True).classes("w-full ll-card") \
            .props('data-testid="train-settings"').mark("train-settings")
        # a lesson whose training settings the teacher locked: shown, not edited (the store refuses edits anyway)
        locked = "training" in (lesson_of(self.session.folder) or {}).get("locked", ())
        with self.settings:
            if locked:
                ui.label(tr("train.settings_locked")).classes("text-body2").mark("train-settings-locked")
            with ui.column().classes("w-full gap-4" + (" pointer-events-none opacity-70" if locked else "")) \
                    .props('inert aria-disabled="true"' if locked else "").mark("train-settings-fields"):
                task = self.info.task if self.info else self.session.doc.get("task", "classification")
                self.form = TrainingForm(self.session, self.lang, expert(), task, on_validity=self._show)
                self.workers = None
                if expert():
                    has_ray = importlib.util.find_spec("ray") is not None
                    self.workers = ui.number(tr("train.workers"), value=1, min=1, max=64, format="%d") \
                        .props("dense").classes("w-56 max-w-[260px]").mark("train-workers") \
                        .tooltip(tr("train.workers_help" if has_ray else "train.workers_missing"))
                    if not has_ray:
                        self.workers.disable()
                if not locked:   # a search changes the settings: no invitation where they are locked
                    ui.link(tr("train.search_link"), f"/p/{self.session.id}/search").classes("text-sm") \
                        .mark("train-search-link")
        with ui.element("div").classes("w-full grid gap-4 grid-cols-1 lg:grid-cols-3"):
            with ui.column().classes("lg:col-span-2"):
                self.grid = SampleGrid(self.lang)
            with ui.column().classes("gap-4"):
                self.confusion = ConfusionTable(self.lang) if self._is_classification() else None
        self.runs = EarlierRuns(self.session, self.lang, self._overlays_changed)
        self.session.subscribe(self._project_changed, ui.context.client)  # no stale error after a change

    def _is_2d(self) -> bool:
        return bool(self.info and self.info.kind == "points" and tuple(self.info.input_shape) == (2,))

    def _is_classification(self) -> bool:
        return bool(self.info and self.info.task == "classification")

    def _project_changed(self) -> None:
        self.checks.project_changed()
        self._show()

    # -- attaching to runs ------------------------------------------------------------------
    def _attach_latest(self) -> None:
        """Show the newest run of this project: live if it runs in this server, else from disk."""
        mine = [r for r in default_runner().runs() if _same_folder(r.project.dir, self.session.folder)]
        if mine:
            self._attach(mine[-1])
            if self.progress.active:  # a run going on: its charts first, the settings folded
                self.settings.set_value(False)
            return
        latest = self.runs.latest_id()
        if latest:
            self.charts.curves = load_curves(self.session.folder, latest)
            self.charts.dirty = True
            self.eval_wanted = latest
            self._show_kept(latest)

    def _show_kept(self, run_id: str | None) -> None:
        """Which epoch's weights the rest of the studio uses ("best: epoch 14 of 50"), from the runs listed."""
        row = next((r for r in self.runs.rows if r["run_id"] == run_id), None)
        note = row.get("weights_note") if row else None
        self.status.show_kept(err_text(note, self.lang) if note else None)

    def _runs_changed(self, kept: str | None = None) -> None:
        """A run began or ended: re-read the runs list off the page's loop, then show it and what it says."""
        async def later() -> None:
            try:
                await self.runs.refresh_later()
                if kept:
                    self._show_kept(kept)
                self._show()
            except Exception as e:  # noqa: BLE001 - e.g. the tab closed meanwhile: nothing left to show
                log.info("runs list not refreshed: %s", e)
        background_tasks.create(later(), name="train-runs")

    def _attach(self, r: Any) -> None:
        if self.feed is not None:
            self.feed.close()
        self.run = r
        self.progress = RunProgress(state="queued" if r.status in ("queued", "running", "paused") else r.status)
        self.charts.reset()
        self.feed = RunFeed(r)
        for e in self.feed.drain():  # the events so far (replayed), then where its batches are now
            self._apply(e)
        if r.last_batch is not None:
            self._apply(r.last_batch)
        self.runs.current = r.run_id

    def close(self) -> None:
        """The browser tab went away: stop listening (the run itself goes on)."""
        if self.feed is not None:
            self.feed.close()
            self.feed = None

    # -- buttons ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start a new run from the current settings (expert mode: on Ray workers when more than 1)."""
        n = int(self.workers.value or 1) if self.workers is not None else 1
        if n > 1:
            self._submit(lambda p: p.train_distributed(workers=n, background=True))
            return
        self._submit(lambda p: p.train(background=True, owner=self.owner))

    def train_more(self) -> None:
        """A new run that goes on from the last run's weights for the set number of epochs."""
        rid = self.run.run_id if self.run is not None else self.runs.latest_id()
        self._submit(lambda p: p.continue_run(rid, epochs=self._epochs(), background=True, owner=self.owner))

    def step(self) -> None:
        """One batch, then paused (a new run when none is going on)."""
        if self.run is not None and not self.run.done:
            self.run.step()
            return
        self._submit(lambda p: p.train(background=True, owner=self.owner), then=lambda r: r.step())

    def _submit(self, how, then=None) -> None:
        self.checks.clear_problem()
        try:
            r = how(self.session.project)
        except (SpecError, ValueError, FileNotFoundError) as e:
            self.checks.show_problem(tr("train.cannot_start", error=err_text(e)), getattr(e, "path", None))
            return
        if self.controls.pace:
            r.set_pace(self.controls.pace)
        if then is not None:
            then(r)
        self._attach(r)
        self.settings.set_value(False)  # the charts move now: fold the settings and bring the charts into view
        ui.run_javascript('document.querySelector(\'[data-testid="train-status"]\')'  # status, bar and charts
                          '?.scrollIntoView({behavior: "smooth", block: "start"})')
        self._show()

    def pause(self) -> None:
        if self.run is not None:
            try:
                self.run.pause()
            except SpecError as e:  # a data-parallel run cannot pause: say so, it goes on
                self.checks.show_problem(err_text(e), getattr(e, "path", None))

    def resume(self) -> None:
        if self.run is not None:
            self.run.resume()

    def stop(self) -> None:
        if self.run is not None:
            self.run.stop()

    def slow_changed(self, on: bool) -> None:
        if self.run is not None and not self.run.done:
            self.run.set_pace(self.controls.pace)

    def _epochs(self) -> int:
        return int((self.session.doc.get("training") or {}).get("epochs", 20))

    # -- events -----------------------------------------------------------------------------
    def tick(self) -> None:
        """Apply queued run events, then show the one progress everywhere at once (called by the timer)."""
        changed = False
        if self.feed is not None:
            for e in self.feed.drain():
                self._apply(e)
                changed = True
        if changed or self.progress.state == "queued":  # the place in the queue changes without events
            self._show()
        self.charts.redraw()
        if self.live_boundary is not None:
            self.live_boundary.tick()
        if self.eval_wanted and not self.eval_busy:
            rid, self.eval_wanted = self.eval_wanted, None
            self.eval_busy = True
            background_tasks.create(self._evaluate(rid), name="train-evaluate")

    def _apply(self, e: ev.Event) -> None:
        self.progress.apply(e)
        if isinstance(e, ev.RunStarted):
            if e.continued_from:  # continuing: keep the earlier epochs on the chart
                self.charts.curves = load_curves(self.session.folder, e.continued_from)
            self._runs_changed()  # the new run is listed while it trains
        elif isinstance(e, ev.BatchEnded):
            self.charts.curves.add_batch(e.epoch, e.batch, e.batches, e.loss)
            self.charts.dirty = True
        elif isinstance(e, ev.LiveWeights):
            if self.live_boundary is not None and self.run is not None:
                self.live_boundary.offer(self.run.project, e)
                self.live_at = time.monotonic()
        elif isinstance(e, ev.EpochEnded):
            self.charts.curves.add_epoch(e.epoch, e.metrics)
            self.charts.dirty = True
        elif isinstance(e, ev.CheckpointSaved) and e.kind == "last":
            self.eval_wanted = e.run_id
        elif isinstance(e, (ev.RunFinished, ev.RunStopped, ev.RunFailed)):
            if isinstance(e, ev.RunFailed):
                self.checks.show_problem(" ".join(x for x in (e.text("message"), e.text("hint")) if x), e.path)
            self.eval_wanted = e.run_id
            self.live_at = 0.0
            self._runs_changed(kept=e.run_id)

    def _show(self) -> None:
        """Bar, counter, ETA, speed, buttons and the current run's row: all from self.progress, together."""
        p = self.progress
        position = self.run.position if p.state == "queued" and self.run is not None else None
        self.status.show(p, position, self.runs.latest_name())   # "Last run: Run 3 · 97 % · 2 min ago"
        if self.run is not None:
            epoch = p.where()[0] if p.state == "paused" else p.epoch if p.active else p.done  # as the status says
            self.runs.show_live(self.run.run_id, p.state, epoch, p.end_epoch if p.active else None)
        can_more = not p.active and (self.run is not None and p.state in ("finished", "stopped")
                                     or self.run is None and self.runs.latest_id() is not None)
        self.controls.show(p.state, can_more, self._epochs(), self.form.blocked() if hasattr(self, "form") else None)

    async def _evaluate(self, run_id: str) -> None:
        project = self.run.project if self.run is not None and self.run.run_id == run_id else self.session.project
        try:
            live = time.monotonic() - self.live_at < LIVE_QUIET_S  # slow motion draws newer boundaries itself
            result = await run.io_bound(evaluate, project, run_id, boundary=not live)
        except Exception as e:  # noqa: BLE001 - a view that cannot be computed must not end the page
            log.info("evaluation of %s failed: %s", run_id, e)
            result = None
        finally:
            self.eval_busy = False
        if result is None:
            return
        self.grid.show(result)
        if self.confusion is not None:
            self.confusion.show(result)
        if self.boundary is not None and time.monotonic() - self.live_at > LIVE_QUIET_S:
            self.boundary.show(result)

    def _overlays_changed(self, overlays: dict[str, Curves]) -> None:
        self.charts.set_overlays(overlays)


def _description(doc: dict[str, Any], lang: str) -> str:
    """The project's description; an example's in German from its catalogue when the page is German."""
    text = str(doc.get("description") or "")
    if lang == "de" and text:
        text = next((e["description_de"] for e in examples() if e["description"] == text), text)
    return text


@ui.page("/p/{project_id}/train")
def train_page(project_id: str) -> None:
    """The Train page of one project."""
    with frame(project_id, "train") as session:
        if session is None:
            return
        TrainView(session)
