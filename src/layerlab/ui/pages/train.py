"""Train: settings, Start/Pause/Continue/Stop, live curves, per-epoch validation views and
earlier runs. Training runs in the engine's worker; events reach this page through a
RunFeed queue that a timer drains four times a second (see components/run_feed.py).
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from nicegui import background_tasks, run, ui

from ...api_owners import owner_of
from ...engine import events as ev
from ...engine.runner import ACTIVE, default_runner
from ...spec.errors import SpecError
from ..components.charts import Curves, TrainingCharts
from ..components.epoch_panels import BoundaryImage, ConfusionTable, SampleGrid
from ..components.evaluation import evaluate
from ..components.predicting import PredictingLine
from ..components.run_feed import RunFeed
from ..components.training_form import TrainingForm
from ..frame import expert, frame, href, lang, tr
from ..i18n import add, err_text
from ..components.run_list import EarlierRuns, load_curves

log = logging.getLogger(__name__)
TICK_S = 0.25  # UI refresh rate for run events: fast enough for a live chart, cheap for the browser

add({
    "train.title": "Train", "train.settings": "Settings", "train.start": "Train", "train.pause": "Pause",
    "train.resume": "Continue", "train.stop": "Stop", "train.more": "Train {n} more epochs",
    "train.idle": "Not trained yet. Press Train.", "train.queued": "Starting the training…",
    "train.queued_next": "Queued: yours is next.", "train.queued_n": "Queued, {n} ahead of you.",
    "train.running": "Training: epoch {epoch} of {epochs}", "train.paused": "Paused at epoch {epoch}, batch {batch}",
    "train.finished": "Finished after {epochs} epochs.", "train.stopped": "Stopped after {epochs} epochs. "
    "Continue to train on from there.", "train.failed": "Training stopped with a problem.",
    "train.speed": "{sps} samples/s", "train.eta": "about {eta} left", "train.fix_model": "Open the model",
    "train.cannot_start": "Training cannot start: {error}", "train.last": "Last run: {run}",
    "train.blocked": "Train is off until the settings are fixed: {what}", "train.apply_fix": "Fix: {fix}",
    "train.empty_classes": "Add pictures to {classes} on the Data page before training.",
    "train.data_page": "Open the data",
    "train.kept": "Predictions, Inspect and Export use these weights: {which}.",
}, {
    "train.title": "Training", "train.settings": "Einstellungen", "train.start": "Trainieren",
    "train.pause": "Pause", "train.resume": "Fortsetzen", "train.stop": "Stopp",
    "train.more": "{n} weitere Epochen trainieren", "train.idle": "Noch nicht trainiert. Drücke Trainieren.",
    "train.queued": "Das Training startet…",
    "train.queued_next": "In der Warteschlange: deiner ist als Nächstes dran.",
    "train.queued_n": "In der Warteschlange, {n} vor dir.",
    "train.running": "Training: Epoche {epoch} von {epochs}", "train.paused": "Pausiert in Epoche {epoch}, Batch {batch}",
    "train.finished": "Fertig nach {epochs} Epochen.", "train.stopped": "Gestoppt nach {epochs} Epochen. "
    "Fortsetzen trainiert von dort weiter.", "train.failed": "Das Training wurde wegen eines Problems beendet.",
    "train.speed": "{sps} Beispiele/s", "train.eta": "noch etwa {eta}", "train.fix_model": "Modell öffnen",
    "train.cannot_start": "Das Training kann nicht starten: {error}", "train.last": "Letzter Lauf: {run}",
    "train.blocked": "Trainieren ist aus, bis die Einstellungen stimmen: {what}", "train.apply_fix": "Beheben: {fix}",
    "train.empty_classes": "Füge {classes} auf der Datenseite Bilder hinzu, bevor du trainierst.",
    "train.data_page": "Daten öffnen",
    "train.kept": "Vorhersagen, Untersuchen und Export nutzen diese Gewichte: {which}.",
})


def _duration(s: float) -> str:
    s = max(0, int(round(s)))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _attr(text: str) -> str:
    """Text for a quoted HTML attribute."""
    return text.replace("&", "&amp;").replace('"', "&quot;")


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
    """The page's state: the attached run, its feed, charts and panels."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.lang = lang()
        self.owner = owner_of(_page_request())  # runs started here are this browser's (a pupil's, on a class server)
        self.run: Any = None
        self.feed: RunFeed | None = None
        self.state = "idle"
        self.epoch = self.batch = 0
        self.end_epoch = 0
        self.n_train = 0
        self.eval_wanted: str | None = None
        self.eval_busy = False
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
        ui.timer(TICK_S, self.tick)
        ui.context.client.on_delete(self.close)

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        ui.label(tr("train.title")).classes("text-2xl font-bold")
        about = _description(self.session.doc, self.lang)
        if about:  # an example says here why it trains as it does (grokking: why so long)
            ui.label(about).classes("text-sm opacity-80").mark("train-description")
        PredictingLine(self.session, self.lang)
        with ui.card().classes("w-full ll-card gap-2"):
            with ui.row().classes("w-full items-center gap-2 flex-wrap"):
                self.start_btn = ui.button(tr("train.start"), icon="play_arrow", on_click=self.start) \
                    .props("color=primary").mark("train-start")
                self.pause_btn = ui.button(tr("train.pause"), icon="pause", on_click=self.pause).mark("train-pause")
                self.resume_btn = ui.button(tr("train.resume"), icon="play_arrow", on_click=self.resume) \
                    .mark("train-resume")
                self.stop_btn = ui.button(tr("train.stop"), icon="stop", on_click=self.stop) \
                    .props("color=negative").mark("train-stop")
                self.more_btn = ui.button("", icon="fast_forward", on_click=self.train_more) \
                    .props("outline").mark("train-more")
            self.blocked = ui.label("").classes("text-sm text-negative").props('aria-live="polite"') \
                .mark("train-blocked")
            self.checks = ui.column().classes("w-full gap-2").mark("train-checks")
            self.status = ui.label(tr("train.idle")).classes("text-base").props('aria-live="polite"') \
                .mark("train-status")
            self.kept = ui.label("").classes("text-sm").mark("train-kept")  # best: epoch 14 of 50
            with ui.row().classes("gap-4 text-sm opacity-80"):
                self.speed = ui.label("").mark("train-speed")
                self.eta = ui.label("").mark("train-eta")
            self.progress = ui.linear_progress(value=0, show_value=False).props("rounded size=8px")
            self.problem = ui.column().classes("w-full")
        with ui.expansion(tr("train.settings"), icon="tune", value=True).classes("w-full ll-card"):
            task = self.info.task if self.info else self.session.doc.get("task", "classification")
            self.form = TrainingForm(self.session, self.lang, expert(), task, on_validity=self._show_state)
        self.charts = TrainingCharts(self.lang)
        with ui.element("div").classes("w-full grid gap-4 grid-cols-1 lg:grid-cols-3"):
            with ui.column().classes("lg:col-span-2"):
                self.grid = SampleGrid(self.lang)
            with ui.column().classes("gap-4"):
                self.boundary = BoundaryImage(self.lang) if self._is_2d() else None
                self.confusion = ConfusionTable(self.lang) if self._is_classification() else None
        self.runs = EarlierRuns(self.session, self.lang, self._overlays_changed)
        self._show_state()
        self._show_checks()
        self.session.subscribe(self._show_checks, ui.context.client)  # a data or model change: no stale error

    def _is_2d(self) -> bool:
        return bool(self.info and self.info.kind == "points" and tuple(self.info.input_shape) == (2,))

    def _is_classification(self) -> bool:
        return bool(self.info and self.info.task == "classification")

    # -- attaching to runs ------------------------------------------------------------------
    def _attach_latest(self) -> None:
        """Show the newest run of this project: live if it runs in this server, else from disk."""
        mine = [r for r in default_runner().runs() if _same_folder(r.project.dir, self.session.folder)]
        if mine:
            self._attach(mine[-1])
            return
        latest = self.runs.latest_id()
        if latest:
            self.charts.curves = load_curves(self.session.folder, latest)
            self.charts.dirty = True
            self.eval_wanted = latest
            self._show_kept(latest)

    def _show_kept(self, run_id: str | None) -> None:
        """Which epoch's weights the rest of the studio uses ("best: epoch 14 of 50")."""
        try:
            row = next((r for r in self.session.project.runs() if r["run_id"] == run_id), None)
        except Exception as e:  # noqa: BLE001 - a line of information must never break the page
            log.info("no run record for %s: %s", run_id, e)
            row = None
        note = row.get("weights_note") if row else None
        self.kept.set_text(tr("train.kept", which=err_text(note, self.lang)) if note else "")

    def _attach(self, r: Any) -> None:
        if self.feed is not None:
            self.feed.close()
        self.run = r
        self.state = r.status
        self.charts.reset()
        self.feed = RunFeed(r)
        self.runs.current = r.run_id

    def close(self) -> None:
        """The browser tab went away: stop listening (the run itself goes on)."""
        if self.feed is not None:
            self.feed.close()
            self.feed = None

    # -- buttons ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start a new run from the current settings."""
        self._submit(lambda p: p.train(background=True, owner=self.owner))

    def train_more(self) -> None:
        """A new run that goes on from the last run's weights for the set number of epochs."""
        rid = self.run.run_id if self.run is not None else self.runs.latest_id()
        self._submit(lambda p: p.continue_run(rid, epochs=self._epochs(), background=True, owner=self.owner))

    def _submit(self, how) -> None:
        self.problem.clear()
        try:
            r = how(self.session.project)
        except (SpecError, ValueError, FileNotFoundError) as e:
            self._show_problem(tr("train.cannot_start", error=err_text(e)), getattr(e, "path", None))
            return
        self._attach(r)
        self.state = "queued"
        self._show_state()

    def pause(self) -> None:
        if self.run is not None:
            self.run.pause()

    def resume(self) -> None:
        if self.run is not None:
            self.run.resume()

    def stop(self) -> None:
        if self.run is not None:
            self.run.stop()

    def _epochs(self) -> int:
        return int((self.session.doc.get("training") or {}).get("epochs", 20))

    # -- events -----------------------------------------------------------------------------
    def tick(self) -> None:
        """Apply queued run events to the page (called by the timer)."""
        if self.feed is not None:
            for e in self.feed.drain():
                self._apply(e)
        if self.state == "queued":  # the place in the queue changes without events
            self._show_state()
        self.charts.redraw()
        if self.eval_wanted and not self.eval_busy:
            rid, self.eval_wanted = self.eval_wanted, None
            self.eval_busy = True
            background_tasks.create(self._evaluate(rid), name="train-evaluate")

    def _apply(self, e: ev.Event) -> None:
        if isinstance(e, ev.RunStarted):
            self.state, self.end_epoch, self.n_train = "running", e.epochs, e.n_train
            self.epoch = e.start_epoch
            if e.continued_from:  # continuing: keep the earlier epochs on the chart
                self.charts.curves = load_curves(self.session.folder, e.continued_from)
            self.runs.refresh()  # the new run is listed while it trains
        elif isinstance(e, ev.BatchEnded):
            self.epoch, self.batch = e.epoch, e.batch
            self.charts.curves.add_batch(e.epoch, e.batch, e.batches, e.loss)
            self.charts.dirty = True
            self._show_speed(e.samples_per_s, self._eta(e))
            self.progress.set_value(((e.epoch - 1) + e.batch / max(e.batches, 1)) / max(self.end_epoch, 1))
        elif isinstance(e, ev.EpochEnded):
            self.epoch, self.end_epoch = e.epoch, e.epochs
            self.charts.curves.add_epoch(e.epoch, e.metrics)
            self.charts.dirty = True
            self._show_speed(e.samples_per_s, e.eta_s)
            self.progress.set_value(e.epoch / max(e.epochs, 1))
        elif isinstance(e, ev.CheckpointSaved) and e.kind == "last":
            self.eval_wanted = e.run_id
        elif isinstance(e, ev.RunPaused):
            self.state, self.epoch, self.batch = "paused", e.epoch, e.batch
        elif isinstance(e, ev.RunResumed):
            self.state = "running"
        elif isinstance(e, ev.RunYielded):  # another user's turn; it goes on by itself later
            self.state = "queued"
        elif isinstance(e, (ev.RunFinished, ev.RunStopped)):
            self.state = "finished" if isinstance(e, ev.RunFinished) else "stopped"
            self.epoch = e.epochs_done
            if isinstance(e, ev.RunFinished):  # early stopping ends before the last planned epoch
                self.progress.set_value(1.0)
            self.eta.set_text("")
            self.runs.refresh()
            self._show_kept(e.run_id)
        elif isinstance(e, ev.RunFailed):
            self.state = "failed"
            self._show_problem(" ".join(x for x in (e.text("message"), e.text("hint")) if x), e.path)
            self.runs.refresh()
            self._show_kept(e.run_id)
        self._show_state()

    def _eta(self, e: ev.BatchEnded) -> float | None:
        if not e.samples_per_s or not self.n_train:
            return None
        left = (self.end_epoch - e.epoch) * self.n_train + (1 - e.batch / max(e.batches, 1)) * self.n_train
        return left / e.samples_per_s

    def _show_speed(self, sps: float, eta: float | None) -> None:
        self.speed.set_text(tr("train.speed", sps=f"{sps:,.0f}"))
        self.eta.set_text(tr("train.eta", eta=_duration(eta)) if eta is not None and self.state == "running" else "")

    def _show_state(self) -> None:
        s = self.state
        active = s in ACTIVE
        self.start_btn.set_visibility(not active)
        self.pause_btn.set_visibility(s == "running")
        self.resume_btn.set_visibility(s == "paused")
        self.stop_btn.set_visibility(active)
        can_more = not active and (self.run is not None and self.run.status in ("finished", "stopped")
                                   or self.run is None and self.runs.latest_id() is not None)
        self.more_btn.set_visibility(can_more)
        why = self.form.blocked() if hasattr(self, "form") else None
        for b in (self.start_btn, self.more_btn):  # a value that is not saved must not train silently
            b.set_enabled(why is None)
            (b.props(f'title="{_attr(tr("train.blocked", what=why))}"') if why else b.props(remove="title"))
        self.blocked.set_text(tr("train.blocked", what=why) if why else "")
        self.more_btn.set_text(tr("train.more", n=self._epochs()))
        texts = {"idle": tr("train.idle"), "queued": tr("train.queued"),
                 "running": tr("train.running", epoch=max(self.epoch, 1), epochs=self.end_epoch or "…"),
                 "paused": tr("train.paused", epoch=self.epoch, batch=self.batch),
                 "finished": tr("train.finished", epochs=self.epoch), "stopped": tr("train.stopped", epochs=self.epoch),
                 "failed": tr("train.failed")}
        ahead = self.run.position if s == "queued" and self.run is not None else None
        if ahead is not None:
            texts["queued"] = tr("train.queued_n", n=ahead) if ahead else tr("train.queued_next")
        if s == "idle" and self.runs.latest_id():
            texts["idle"] = tr("train.last", run=self.runs.latest_id())
        self.status.set_text(texts.get(s, s))

    def _show_checks(self) -> None:
        """The project's current errors, each with its one-click fix, and a gentle hint for empty classes."""
        self.checks.clear()
        errors = self.session.errors()
        with self.checks:
            for i, e in enumerate(errors):
                with ui.card().classes("w-full ll-error gap-1").props('role="alert"').mark(f"train-error-{i}"):
                    ui.label(err_text(e)).classes("text-negative")
                    with ui.row().classes("gap-2 flex-wrap"):
                        for fix in e.fixes[:1]:
                            ui.button(tr("train.apply_fix", fix=err_text(fix.description)), icon="auto_fix_high",
                                      on_click=lambda f=fix: self.session.apply(f)).props("outline") \
                                .mark(f"train-fix-{i}")
                        if str(e.path or "").startswith("model"):
                            ui.link(tr("train.fix_model"), href(self.session.id, "model"))
            empty = self._empty_classes() if not errors else []
            if empty:
                with ui.row().classes("items-center gap-2").mark("train-hint"):
                    ui.icon("info", color="primary")
                    ui.label(tr("train.empty_classes", classes=", ".join(empty))).classes("text-sm")
                    ui.link(tr("train.data_page"), href(self.session.id, "data")).classes("text-sm")

    def _empty_classes(self) -> list[str]:
        try:
            return list(self.session.project.data_info().extra.get("empty_classes") or [])
        except Exception:  # noqa: BLE001 - the errors above say what is wrong with the data
            return []

    def _show_problem(self, text: str, path: str | None) -> None:
        self.problem.clear()
        with self.problem:
            with ui.card().classes("w-full ll-error").props('role="alert"').mark("train-problem"):
                ui.label(text).classes("text-negative")
                if path and str(path).startswith("model"):
                    ui.link(tr("train.fix_model"), href(self.session.id, "model"))

    async def _evaluate(self, run_id: str) -> None:
        project = self.run.project if self.run is not None and self.run.run_id == run_id else self.session.project
        try:
            result = await run.io_bound(evaluate, project, run_id)
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
        if self.boundary is not None:
            self.boundary.show(result)

    def _overlays_changed(self, overlays: dict[str, Curves]) -> None:
        self.charts.set_overlays(overlays)


def _description(doc: dict[str, Any], lang: str) -> str:
    """The project's description; an example's in German from its catalogue when the page is German."""
    text = str(doc.get("description") or "")
    if lang == "de" and text:
        from ...api import examples
        text = next((e["description_de"] for e in examples() if e["description"] == text), text)
    return text


@ui.page("/p/{project_id}/train")
def train_page(project_id: str) -> None:
    """The Train page of one project."""
    with frame(project_id, "train") as session:
        if session is None:
            return
        TrainView(session)
