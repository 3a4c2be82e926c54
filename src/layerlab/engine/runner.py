"""Runs training off the caller's thread: a queue and a worker; each run has a handle.

The studio, the CLI and `Project.train()` all go through here, so a UI stays responsive
and several runs queue up instead of fighting over the CPU (torch's random generator and
thread pool are per process, so runs execute one after another; that is also what makes
them reproducible).

API::

    from layerlab.engine.runner import default_runner
    run = default_runner().submit(project, epochs=None, on_event=None)   # -> Run, at once
    run.run_id            # '20261125-142301-123-a3f9' (sorts by time); folder project/runs/<run_id>/
    run.status            # 'queued' | 'running' | 'paused' | 'finished' | 'stopped' | 'failed'
    unsubscribe = run.subscribe(callback, replay=True)   # callback(event) from the worker thread;
                          # replay=True first delivers the events so far (except BatchEnded)
    run.pause(); run.resume(); run.stop()   # take effect between batches; stop() also cancels a queued run
    run.wait(timeout=None)                  # -> the run, once it ended (TimeoutError after timeout)
    run.history           # per-epoch dicts: epoch, loss, accuracy, val_loss, val_accuracy, lr, ...
    run.final             # the kept epoch's metrics (the best one when early stopping restored it)
    run.failure           # the RunFailed event (message, hint, kind, epoch, batch, path) or None
    run.to_dict()         # JSON summary for a UI
    default_runner().submit(project, epochs=10, continue_from=run.run_id)   # a new run that goes on
                          # from a saved run's weights, optimizer, schedule and random state
    default_runner().get(run_id), default_runner().runs()

Callbacks run on the worker thread: a UI should hand events to its own loop (they are
rate-limited: at most 10 BatchEnded per second). An exception in a callback is logged and
never stops the run.
"""
from __future__ import annotations

import copy
import logging
import queue
import threading
from typing import Any, Callable

from ..i18n import msg
from . import events as ev
from .control import Control

log = logging.getLogger(__name__)
Callback = Callable[[ev.Event], None]
ACTIVE = ("queued", "running", "paused")


class Run:
    """Handle of one submitted run."""

    def __init__(self, run_id: str, project: Any, epochs: int | None, dataset: Any, continue_from: str | None):
        self.run_id = run_id
        self.project = project
        self.project_name = project.name
        self.epochs, self.dataset, self.continue_from = epochs, dataset, continue_from
        self.status = "queued"
        self.history: list[dict[str, Any]] = []
        self.final: dict[str, float] = {}
        self.failure: ev.RunFailed | None = None
        self.events: list[ev.Event] = []          # every event except BatchEnded
        self.last_batch: ev.BatchEnded | None = None
        self.control = Control()
        self._subs: list[Callback] = []
        self._lock = threading.Lock()
        self._done = threading.Event()

    # -- observing -------------------------------------------------------------------------
    def subscribe(self, callback: Callback, replay: bool = True) -> Callable[[], None]:
        """Call callback(event) for every event from now on (and the past ones when replay); returns unsubscribe."""
        with self._lock:
            past = list(self.events) if replay else []
            self._subs.append(callback)
        for e in past:
            self._call(callback, e)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subs:
                    self._subs.remove(callback)
        return unsubscribe

    @staticmethod
    def _call(cb: Callback, e: ev.Event) -> None:
        try:
            cb(e)
        except Exception:  # noqa: BLE001 - a broken listener must not break the run
            log.exception("a run event listener failed on %s", e.name)

    def _dispatch(self, e: ev.Event) -> None:
        with self._lock:
            if isinstance(e, ev.BatchEnded):
                self.last_batch = e
            else:
                self.events.append(e)
            if isinstance(e, ev.RunStarted):
                self.status = "running"
            elif isinstance(e, ev.RunPaused):
                self.status = "paused"
            elif isinstance(e, ev.RunResumed):
                self.status = "running"
            elif isinstance(e, ev.EpochEnded):
                self.history.append({"epoch": e.epoch, **e.metrics, "lr": e.learning_rate,
                                     "samples_per_s": e.samples_per_s, "elapsed_s": round(e.elapsed_s, 4)})
            elif isinstance(e, (ev.RunFinished, ev.RunStopped)):
                self.final = dict(e.final)
            elif isinstance(e, ev.RunFailed):
                self.failure = e
            subs = list(self._subs)
        for cb in subs:
            self._call(cb, e)

    def _ended(self, status: str, history: list[dict[str, Any]], final: dict[str, float]) -> None:
        with self._lock:
            self.status = status
            if history:
                self.history = list(history)
            if final:
                self.final = dict(final)
        self._done.set()

    # -- controlling -----------------------------------------------------------------------
    def stop(self) -> None:
        """Stop after the current batch; the last finished epoch stays saved (continue it later)."""
        self.control.stop()

    def pause(self) -> None:
        """Hold the run after the current batch until resume() or stop()."""
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> "Run":
        """Block until the run ended; returns the run (TimeoutError when timeout passes first)."""
        if threading.current_thread().name == Runner.THREAD_NAME:
            raise RuntimeError("wait() from a run event callback would wait forever; use background runs there")
        if not self._done.wait(timeout):
            raise TimeoutError(f"run {self.run_id} still {self.status} after {timeout} s")
        return self

    def to_dict(self) -> dict[str, Any]:
        """A JSON summary for a UI."""
        return {"run_id": self.run_id, "project": self.project_name, "status": self.status,
                "epochs_done": self.history[-1]["epoch"] if self.history else 0, "final": self.final,
                "failure": self.failure.to_dict() if self.failure else None,
                "continued_from": self.continue_from}

    def __repr__(self) -> str:
        return f"<layerlab Run {self.run_id} {self.status}>"


class Runner:
    """A queue of runs and one worker thread that executes them in order."""

    THREAD_NAME = "layerlab-runner"

    def __init__(self) -> None:
        self._queue: "queue.Queue[Run]" = queue.Queue()
        self._runs: dict[str, Run] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, project: Any, epochs: int | None = None, on_event: Callback | None = None,
               dataset: Any = None, continue_from: str | None = None) -> Run:
        """Queue a run of project (its document is snapshotted now); returns its handle at once."""
        from ..store.runs import new_run_id
        if project.dir is None:
            raise ValueError(msg("save the project to a folder before training: its runs are kept there"))
        if continue_from is not None:
            from ..store.runs import open_run
            parent = open_run(project.dir, continue_from, need_weights=False)
            parent.training_state()  # fails early, in the caller's thread, when there is nothing to continue
            doc = parent.doc()
        else:
            doc = copy.deepcopy(project.doc)
        snapshot = type(project)(doc, project.dir)
        run = Run(new_run_id(), snapshot, epochs, dataset, continue_from)
        if on_event is not None:
            run.subscribe(on_event)
        with self._lock:
            self._runs[run.run_id] = run
            self._ensure_worker()
        self._queue.put(run)
        return run

    def get(self, run_id: str) -> Run | None:
        """A run handle submitted in this process, by id."""
        return self._runs.get(run_id)

    def runs(self) -> list[Run]:
        """Every run submitted in this process, oldest first."""
        return sorted(self._runs.values(), key=lambda r: r.run_id)

    def live_ids(self) -> set[str]:
        return {r.run_id for r in self._runs.values() if r.status in ACTIVE}

    def _ensure_worker(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name=self.THREAD_NAME, daemon=True)
            self._thread.start()

    def _work(self) -> None:
        while True:
            run = self._queue.get()
            try:
                self._execute(run)
            except BaseException as exc:  # noqa: BLE001 - keep the worker alive for the next runs
                log.exception("run %s crashed the runner", run.run_id)
                run._dispatch(ev.RunFailed(run_id=run.run_id, message=msg("The run crashed: {error}", error=str(exc)),
                                            detail=repr(exc)))
                run._ended("failed", [], {})

    def _execute(self, run: Run) -> None:
        from ..store import registry
        from ..store.runs import RunFolder, open_run
        from .loop import Trainer
        if run.control.stop_requested:  # cancelled while queued: nothing ran, nothing saved
            run._dispatch(ev.RunStopped(run_id=run.run_id, final={}, epochs_done=0, elapsed_s=0.0))
            run._ended("stopped", [], {})
            return
        parent = open_run(run.project.dir, run.continue_from, need_weights=False) if run.continue_from else None
        folder = RunFolder.create(run.project.dir, run.run_id)
        if parent is not None:  # charts of a continued run start with the epochs it continues
            run.history = list(parent.history())

        def on_meta(meta: dict[str, Any]) -> None:
            try:
                registry.record(meta)
            except Exception:  # noqa: BLE001 - the run folder is the truth; the registry can be rebuilt
                log.warning("could not update the run registry for %s", run.run_id, exc_info=True)

        trainer = Trainer(run.project, folder, epochs=run.epochs, dataset=run.dataset, parent=parent,
                          control=run.control, emit=run._dispatch, on_meta=on_meta)
        outcome = trainer.run()
        run._ended(outcome.status, outcome.history, outcome.final)


_default: Runner | None = None
_default_lock = threading.Lock()


def default_runner() -> Runner:
    """The process-wide runner (created on first use; it marks runs left 'running' by dead processes)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Runner()
            try:
                from ..store.registry import mark_interrupted
                mark_interrupted()
            except Exception:  # noqa: BLE001 - an unreadable registry must not block training
                log.warning("could not check the run registry for interrupted runs", exc_info=True)
        return _default
