"""Runs training off the caller: every run trains in a worker process, chosen by one scheduler.

The studio, the CLI, the HTTP API and `Project.train()` all go through here, so a UI stays
responsive, one run's crash or out-of-memory ends that run only, and several users share
the machine fairly (see `scheduler.py` for the rules and `worker.py` for the processes).

API::

    from layerlab.engine.runner import default_runner
    run = default_runner().submit(project, epochs=None, on_event=None, owner="local")   # -> Run, at once
    run.run_id            # '20261125-142301-123-a3f9' (sorts by time); folder project/runs/<run_id>/
    run.status            # 'queued' | 'running' | 'paused' | 'finished' | 'stopped' | 'failed'
    run.position          # while queued: how many runs go first ("queued, 2 ahead of you"), else None
    unsubscribe = run.subscribe(callback, replay=True)   # callback(event) from a runner thread;
                          # replay=True first delivers the events so far (except BatchEnded)
    run.pause(); run.resume(); run.stop()   # between batches; stop() also cancels a queued run, and a
                                            # worker that has not stopped 1 s later is killed
    run.step()            # one batch, then paused again (BatchEnded and LiveWeights follow)
    run.set_pace(0.05)    # slow motion: wait after every batch, share the weights (LiveWeights); 0 = off
    run.wait(timeout=None)                  # -> the run, once it ended (TimeoutError after timeout)
    run.history           # per-epoch dicts: epoch, loss, accuracy, val_loss, val_accuracy, lr, ...
    run.final             # the kept epoch's metrics (the best one when early stopping restored it)
    run.failure           # the RunFailed event (message, hint, kind, epoch, batch, path) or None
    run.to_dict()         # JSON summary for a UI
    default_runner().submit(project, epochs=10, continue_from=run.run_id)   # a new run that goes on
                          # from a saved run's weights, optimizer, schedule and random state
    default_runner().get(run_id), default_runner().runs()

Callbacks run on a runner thread of this process (events arrive from the worker over a
socket): a UI should hand them to its own loop (they are rate-limited: at most 10
BatchEnded per second). An exception in a callback is logged and never stops the run.
"""
from __future__ import annotations

import copy
import logging
import threading
from typing import Any, Callable

from ..i18n import msg
from ..store.registry import mark_interrupted
from ..store.runs import new_run_id, open_run, weights_note
from . import datacache
from . import events as ev
from .control import Control
from .worker import THREAD_PREFIX

log = logging.getLogger(__name__)
Callback = Callable[[ev.Event], None]
ACTIVE = ("queued", "running", "paused")


class Run:
    """Handle of one submitted run."""

    def __init__(self, run_id: str, project: Any, epochs: int | None, dataset: Any, continue_from: str | None,
                 owner: str = "local", scheduler: Any = None):
        self.run_id = run_id
        self.project = project
        self.project_name = project.name
        self.epochs, self.dataset, self.continue_from = epochs, dataset, continue_from
        self.owner = owner
        self.status = "queued"
        # the scheduler's bookkeeping
        self._scheduler = scheduler
        self._worker: Any = None
        self._seq = 0
        self._segments = 0             # how many times a worker took it up (>1 after giving way)
        self._segment_start = 0.0
        self._yield_asked = False
        self._waiting_resume = False   # paused, continued, waiting for a free slot
        self._go_on = "resume"         # what it does once that slot is free: resume, or step (one batch)
        self._data_path: str | None = None
        self._given_data = False
        self.history: list[dict[str, Any]] = []
        self.final: dict[str, float] = {}
        self.best_epoch: int | None = None  # the epoch whose weights predictions use (best so far)
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
            elif isinstance(e, ev.LiveWeights):  # large and only for who watches now: not kept
                pass
            else:
                self.events.append(e)
            if isinstance(e, ev.RunStarted):
                self.status = "running"
            elif isinstance(e, ev.RunPaused):
                self.status = "paused"
            elif isinstance(e, ev.RunResumed):
                self.status = "running"
            elif isinstance(e, ev.RunYielded):
                self.status = "queued"
            elif isinstance(e, ev.EpochEnded):
                self.history.append({"epoch": e.epoch, **e.metrics, "lr": e.learning_rate,
                                     "samples_per_s": e.samples_per_s, "elapsed_s": round(e.elapsed_s, 4)})
                if e.best:
                    self.best_epoch = e.epoch
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
        if self._scheduler is not None and not self.done:
            self._scheduler.stop(self)
        else:
            self.control.stop()

    def pause(self) -> None:
        """Hold the run after the current batch until resume() or stop(); it gives up its slot meanwhile."""
        if self._scheduler is not None and not self.done:
            self._scheduler.pause(self)
        else:
            self.control.pause()

    def resume(self) -> None:
        """Go on after a pause (at once when a slot is free, else when one is)."""
        if self._scheduler is not None and not self.done:
            self._scheduler.resume(self)
        else:
            self.control.resume()

    def step(self) -> None:
        """Train one batch, then pause again (its slot is held for that batch only)."""
        if self._scheduler is not None and not self.done:
            self._scheduler.step(self)
        else:
            self.control.step()

    def set_pace(self, seconds: float) -> None:
        """Slow motion: wait this long after every batch and share the weights (0: full speed)."""
        if self._scheduler is not None and not self.done:
            self._scheduler.pace(self, seconds)
        else:
            self.control.set_pace(seconds)

    @property
    def position(self) -> int | None:
        """While queued: how many runs go first (0 = next); None once it runs or ended."""
        if self.status != "queued" or self._scheduler is None:
            return None
        return self._scheduler.position(self)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> "Run":
        """Block until the run ended; returns the run (TimeoutError when timeout passes first)."""
        if threading.current_thread().name.startswith(Runner.THREAD_NAME):
            raise RuntimeError("wait() from a run event callback would wait forever; use background runs there")
        if not self._done.wait(timeout):
            raise TimeoutError(f"run {self.run_id} still {self.status} after {timeout} s")
        return self

    def to_dict(self) -> dict[str, Any]:
        """A JSON summary for a UI."""
        return {"run_id": self.run_id, "project": self.project_name, "status": self.status,
                "epochs_done": self.history[-1]["epoch"] if self.history else 0, "final": self.final,
                "failure": self.failure.to_dict() if self.failure else None,
                "continued_from": self.continue_from, "owner": self.owner, "position": self.position,
                **self._kept()}

    def _kept(self) -> dict[str, Any]:
        """best_epoch and weights_note ("best: epoch 14 of 50", a Text) of the weights predictions use."""
        done = self.history[-1]["epoch"] if self.history else 0
        best = self.best_epoch or (self.final.get("epoch") if self.final else None)
        return {"best_epoch": best,
                "weights_note": weights_note({"epochs_done": done, "best_epoch": best}) if done else None}

    def __repr__(self) -> str:
        return f"<layerlab Run {self.run_id} {self.status}>"


class Runner:
    """Submits runs to one Scheduler (worker processes) and keeps their handles."""

    THREAD_NAME = THREAD_PREFIX  # event callbacks run on threads whose names start with this

    def __init__(self, max_running: int | None = None, time_slice_s: float | None = None,
                 executor: str | None = None, spare: int = 1) -> None:
        from .scheduler import Scheduler  # start-up time: the scheduler and its workers load with the first run
        self.scheduler = Scheduler(max_running, time_slice_s, executor, spare)
        self._runs: dict[str, Run] = {}
        self._lock = threading.Lock()

    def submit(self, project: Any, epochs: int | None = None, on_event: Callback | None = None,
               dataset: Any = None, continue_from: str | None = None, owner: str = "local") -> Run:
        """Queue a run of project (its document is snapshotted now); returns its handle at once.

        owner: who the run is for (a workspace or pupil); the scheduler runs one per owner while
        others wait. dataset (advanced): a prepared in-memory Dataset to train on instead of
        project.dataset(); it is written to the dataset cache for the worker process.
        """
        if project.dir is None:
            raise ValueError(msg("save the project to a folder before training: its runs are kept there"))
        parent = None
        if continue_from is not None:
            parent = open_run(project.dir, continue_from, need_weights=False)
            parent.training_state()  # fails early, in the caller's thread, when there is nothing to continue
            doc = parent.doc()
        else:
            doc = copy.deepcopy(project.doc)
        snapshot = type(project)(doc, project.dir)
        run = Run(new_run_id(), snapshot, epochs, None, continue_from, owner, self.scheduler)
        if parent is not None:  # charts of a continued run start with the epochs it continues
            run.history = list(parent.history())
        if dataset is not None:
            run._data_path, run._given_data = self._stage(dataset, run.run_id), True
        if on_event is not None:
            run.subscribe(on_event)
        with self._lock:
            self._runs[run.run_id] = run
        self.scheduler.submit(run)
        return run

    @staticmethod
    def _stage(dataset: Any, run_id: str) -> str:
        if not datacache.cacheable(dataset):
            raise ValueError(msg("train(dataset=...) takes an in-memory dataset (tensors); "
                                 "leave it out to train on the project's own data"))
        return str(datacache.save(dataset, datacache.cache_root() / f"given-{run_id}"))

    def get(self, run_id: str) -> Run | None:
        """A run handle submitted in this process, by id."""
        return self._runs.get(run_id)

    def runs(self) -> list[Run]:
        """Every run submitted in this process, oldest first."""
        return sorted(self._runs.values(), key=lambda r: r.run_id)

    def live_ids(self) -> set[str]:
        return {r.run_id for r in self._runs.values() if r.status in ACTIVE}

    def warm(self) -> None:
        """Start the spare worker process now, so the first Train does not wait for it."""
        self.scheduler.warm()

    def close(self) -> None:
        """Stop every run and end the workers."""
        self.scheduler.close()


_default: Runner | None = None
_default_lock = threading.Lock()


def default_runner() -> Runner:
    """The process-wide runner (created on first use; it marks runs left 'running' by dead processes)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Runner()
            try:
                mark_interrupted()
            except Exception:  # noqa: BLE001 - an unreadable registry must not block training
                log.warning("could not check the run registry for interrupted runs", exc_info=True)
            _default.warm()
        return _default
