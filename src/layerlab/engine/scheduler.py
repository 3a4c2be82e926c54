"""The one scheduler of training runs: N at once, one per user while others wait, time slices.

The studio, the HTTP API, the CLI and `Project.train()` all submit to it (through
`runner.default_runner()`). Rules, applied whenever a run is submitted, ends, pauses or
finishes an epoch:

- At most `max_running` runs hold a slot (LAYERLAB_MAX_RUNS; default: half the physical
  cores, at least 1); the rest wait in a queue and know their place ("2 ahead of you").
- The next run is the oldest waiting run of a user (its `owner`) who has none running;
  only when every waiting user already runs something does a user get a second slot.
- A run that has held its slot longer than `time_slice_s` (LAYERLAB_TIME_SLICE_S, default
  120 s) while another user's run waits gives way at its next epoch boundary: it saves
  weights, optimizer, schedule, early-stopping patience and random state, goes to the back
  of the queue, and later goes on in the same run folder under the same id toward the
  same last epoch (its history is the same as without the pause; tests prove it).
- A paused run holds no slot (its process waits); Continue takes a free slot or queues. Step
  (one batch, then paused again) takes a free slot or queues the same way, and gives it back
  when the batch is done, so a pupil stepping through a run never keeps others waiting.
- Stop ends a run at its next batch; a worker that has not stopped `stop_grace_s` (1 s)
  later is killed, and the run is recorded as stopped with its last saved epoch.
- A worker process that dies (a crash, out of memory, kill -9) fails its run in plain
  words; the other runs and the server go on, and a fresh worker takes its place.

One warm worker is kept idle (`spare`) so that Train starts without waiting for a process.
"""
from __future__ import annotations

import itertools
import logging
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from ..i18n import msg
from ..spec import env
from ..store import registry
from ..store.runs import RunFolder, runs_dir
from . import datacache
from . import events as ev
from .setup import physical_cores
from .worker import Worker, job_for

log = logging.getLogger(__name__)
STOP_GRACE_S = 1.0
DEFAULT_TIME_SLICE_S = 120.0
MAX_START_FAILURES = 3  # workers that die before ready, in a row: fall back to threads


def default_max_running() -> int:
    """LAYERLAB_MAX_RUNS, else half the physical cores (at least 1)."""
    return int(env.number("LAYERLAB_MAX_RUNS", max(1, physical_cores() // 2)))


def default_time_slice() -> float:
    return float(env.number("LAYERLAB_TIME_SLICE_S", DEFAULT_TIME_SLICE_S))


class Scheduler:
    """Queue, slots and worker pool; Run handles call stop/pause/resume here."""

    def __init__(self, max_running: int | None = None, time_slice_s: float | None = None,
                 executor: str | None = None, spare: int = 1, stop_grace_s: float = STOP_GRACE_S):
        self.max_running = max_running or default_max_running()
        self.time_slice_s = default_time_slice() if time_slice_s is None else time_slice_s
        self.executor = executor or os.environ.get("LAYERLAB_EXECUTOR") or ("thread" if os.name == "nt" else "process")
        self.spare, self.stop_grace_s = spare, stop_grace_s
        self._lock = threading.RLock()
        self._seq = itertools.count()
        self.waiting: list[Any] = []
        self.running: dict[str, Any] = {}      # run_id -> Run (holds a slot)
        self.paused: dict[str, Any] = {}       # run_id -> Run (in a worker, no slot)
        self.idle: list[Worker] = []
        self.starting: list[Worker] = []
        self._start_failures = 0
        self._closed = False

    # -- from Run handles and the Runner -------------------------------------------------------
    def submit(self, run: Any) -> None:
        with self._lock:
            self._enqueue(run)
            self._pump()

    def warm(self) -> None:
        """Start the spare worker now (the studio calls this at launch)."""
        with self._lock:
            self._pump()

    def position(self, run: Any) -> int | None:
        """How many waiting runs go before this one (None when it is not waiting)."""
        with self._lock:
            order = self._order()
            return order.index(run) if run in order else None

    def stop(self, run: Any) -> None:
        with self._lock:
            run.control.stop()
            worker = run._worker
            if run in self.waiting:
                self.waiting.remove(run)
                if not run._waiting_resume:  # not in a worker: end it here
                    self._end_here(run, "stopped")
                    return
                run._waiting_resume = False
            if worker is None or worker.run is not run:
                return
            worker.send("control", "stop")
            self.paused.pop(run.run_id, None)
        timer = threading.Timer(self.stop_grace_s, self._kill_if_still, args=(run, worker))
        timer.daemon = True
        timer.start()

    def pause(self, run: Any) -> None:
        with self._lock:
            run.control.pause()
            if run in self.waiting and run._waiting_resume:  # paused again before a slot was free
                self.waiting.remove(run)
                run._waiting_resume = False
                self.paused[run.run_id] = run
                run.status = "paused"
                return
            if run._worker is not None and run._worker.run is run:
                run._worker.send("control", "pause")

    def resume(self, run: Any) -> None:
        self._continue(run, "resume")

    def step(self, run: Any) -> None:
        """One batch, then paused again; the slot is taken for that batch only (RunPaused gives it back)."""
        self._continue(run, "step")

    def pace(self, run: Any, seconds: float) -> None:
        """Slow motion: the run waits this long after every batch (0: full speed)."""
        with self._lock:
            run.control.set_pace(seconds)
            if run._worker is not None and run._worker.run is run:
                run._worker.send("control", "pace", run.control.pace)

    def _continue(self, run: Any, how: str) -> None:
        with self._lock:
            if how == "step":
                run.control.step()
            else:
                run.control.resume()
            if run in self.waiting and run._waiting_resume:  # already waiting for a slot: now for this
                run._go_on = how
            elif run.run_id in self.paused:
                del self.paused[run.run_id]
                if len(self.running) < self.max_running:
                    self.running[run.run_id] = run
                    run._worker.send("control", how)
                else:  # a paused run holds no slot: it waits for one like everybody else
                    run._waiting_resume, run._go_on = True, how
                    run.status = "queued"
                    self._enqueue(run)
            elif run._worker is not None and run._worker.run is run:
                run._worker.send("control", how)

    def close(self) -> None:
        """Stop every run and end every worker (tests; the end of a process does this anyway)."""
        with self._lock:
            self._closed = True
            runs = list(self.waiting) + list(self.running.values()) + list(self.paused.values())
        for r in runs:
            r.stop()
        with self._lock:
            workers = self.idle + self.starting
            self.idle, self.starting = [], []
        for w in workers:
            w.close()

    # -- choosing ----------------------------------------------------------------------------
    def _enqueue(self, run: Any) -> None:
        run._seq = next(self._seq)
        self.waiting.append(run)

    def _order(self) -> list[Any]:
        busy = {r.owner for r in self.running.values()}
        return sorted(self.waiting, key=lambda r: (r.owner in busy, r._seq))

    def _pump(self) -> None:
        """Start what may start; keep a spare worker; ask long runs to give way."""
        if self._closed:
            return
        while self.waiting and len(self.running) < self.max_running:
            run = self._order()[0]
            if run._waiting_resume:
                self.waiting.remove(run)
                run._waiting_resume = False
                self.running[run.run_id] = run
                run._worker.send("control", run._go_on)
                continue
            worker = next((w for w in self.idle if w.alive), None)
            if worker is None:
                break
            self.idle.remove(worker)
            self.waiting.remove(run)
            self._start(run, worker)
        # workers: one per slot plus `spare` warm ones (and those of paused runs); kept, not
        # restarted after each run, so a run never waits for torch to import
        resuming = sum(r._waiting_resume for r in self.waiting)
        busy = len(self.running) + len(self.paused) + resuming
        cap = self.max_running + self.spare + len(self.paused) + resuming
        free = max(self.max_running - len(self.running), 0)
        want = min(len(self.waiting) - resuming, free) + self.spare
        while len(self.idle) + len(self.starting) < want and busy + len(self.idle) + len(self.starting) < cap:
            self._spawn()
        while self.idle and not self.waiting and busy + len(self.idle) + len(self.starting) > cap:
            threading.Thread(target=self.idle.pop(0).close, daemon=True).start()
        self._check_slices()

    def _check_slices(self) -> None:
        if not self.waiting or self.time_slice_s is None:
            return
        now = time.monotonic()
        order = self._order()
        free = self.max_running - len(self.running)
        asked = sum(r._yield_asked for r in self.running.values())
        for w in order[max(free, 0) + asked:]:
            victims = sorted((r for r in self.running.values()
                              if not r._yield_asked and r.owner != w.owner and r.status == "running"
                              and now - r._segment_start >= self.time_slice_s),
                             key=lambda r: r._segment_start)
            if victims:
                victims[0]._yield_asked = True
                victims[0]._worker.send("control", "yield")

    def _spawn(self) -> None:
        executor = self.executor
        if executor == "process" and self._start_failures >= MAX_START_FAILURES:
            executor = "thread"
        try:
            w = Worker(self._on_message, self._on_exit, executor)
        except OSError:
            log.exception("could not start a training worker process; training in threads instead")
            self._start_failures = MAX_START_FAILURES
            w = Worker(self._on_message, self._on_exit, "thread")
        self.starting.append(w)

    def _start(self, run: Any, worker: Worker) -> None:
        resume = run._segments > 0
        run._segments += 1
        worker.run, run._worker = run, worker
        run._segment_start, run._yield_asked = time.monotonic(), False
        self.running[run.run_id] = run
        path = run._data_path
        if path is None and not run._given_data:
            try:
                path = str(datacache.cache_root() / datacache.key_of(run.project))
            except Exception:  # noqa: BLE001 - the worker prepares the data itself and explains a failure
                path = None
        job = job_for(run, path, run._given_data, resume)
        if self.max_running > 1:  # runs side by side share the cores instead of each taking all
            job["env"].setdefault("LAYERLAB_THREADS_CAP", str(max(1, physical_cores() // self.max_running)))
        if not worker.send("job", job):
            return  # the worker just died: _on_exit fails the run
        if run.control.pace:
            worker.send("control", "pace", run.control.pace)
        if run.control.paused:
            worker.send("control", "pause")
        elif run.control.stepping:  # Step pressed before the run began: one batch, then paused
            worker.send("control", "step")

    # -- from workers (their reader threads) ----------------------------------------------------------
    def _on_message(self, worker: Worker, m: tuple) -> None:
        kind = m[0]
        if kind == "ready":
            with self._lock:
                if worker in self.starting:
                    self.starting.remove(worker)
                self._start_failures = 0
                self.idle.append(worker)
                self._pump()
            return
        if kind == "retire":  # its GPU context broke: it exits after this run's result
            worker.retiring = True
            return
        run = worker.run
        if kind == "meta":
            self._record(m[1])
            return
        if run is None:
            return
        if kind == "event":
            e = m[1]
            run._dispatch(e)
            with self._lock:
                if isinstance(e, ev.RunPaused) and self.running.pop(run.run_id, None) is not None:
                    self.paused[run.run_id] = run
                    self._pump()
                elif isinstance(e, ev.EpochEnded):
                    self._check_slices()
        elif kind in ("done", "crashed"):
            with self._lock:
                self.running.pop(run.run_id, None)
                self.paused.pop(run.run_id, None)
                worker.run, run._worker = None, None
                if worker.alive and worker not in self.idle and not getattr(worker, "retiring", False):
                    self.idle.append(worker)
                if kind == "done" and m[1] == "yielded" and not run.control.stop_requested:
                    run.status = "queued"
                    self._enqueue(run)
                    self._pump()
                    return
            if kind == "crashed":
                self._end_here(run, "failed", msg("The run could not start: {error}", error=m[1]))
            elif m[1] == "yielded":  # stopped while giving way
                self._end_here(run, "stopped")
            else:
                self._finish(run, m[1], m[2], m[3])
            with self._lock:
                self._pump()

    def _on_exit(self, worker: Worker) -> None:
        with self._lock:
            for pool in (self.idle, self.starting):
                if worker in pool:
                    pool.remove(worker)
                    if not worker.ready:
                        self._start_failures += 1
            run = worker.run
            worker.run = None
            if run is not None:
                self.running.pop(run.run_id, None)
                self.paused.pop(run.run_id, None)
                if run in self.waiting:
                    self.waiting.remove(run)
                run._worker = None
        if run is not None and not run.done:
            code = worker.returncode
            if run.control.stop_requested:
                self._end_here(run, "stopped")
            else:
                how = msg("killed by signal {n}", n=-code) if code is not None and code < 0 else \
                    msg("exit status {n}", n=code)
                epoch = run.history[-1]["epoch"] if run.history else 0
                self._end_here(run, "failed", msg(
                    "The training process ended unexpectedly ({how}) after epoch {epoch}; the other runs go on.",
                    how=how, epoch=epoch), msg(
                    "If it happens again, the model or the batch size may need more memory than this computer has: "
                    "lower the batch size or make the model smaller. The last saved epoch can be continued."))
        with self._lock:
            self._pump()

    # -- endings -----------------------------------------------------------------------------------------
    def _finish(self, run: Any, status: str, history: list, final: dict) -> None:
        self._drop_given_data(run)
        run._ended(status, history, final)

    def _kill_if_still(self, run: Any, worker: Worker) -> None:
        if not run.done and worker.run is run:
            log.warning("run %s did not stop within %.1f s: ending its worker", run.run_id, self.stop_grace_s)
            worker.kill()

    def _end_here(self, run: Any, status: str, message: Any = None, hint: Any = None) -> None:
        """End a run that no worker will end: write its meta.json, tell its listeners."""
        folder = RunFolder(runs_dir(run.project.dir) / run.run_id)
        # what is on disk is what the run keeps (checkpoints are written at most once a second)
        history = folder.history() if (folder.path / "meta.json").exists() else []
        epochs = history[-1]["epoch"] if history else 0
        skip = ("lr", "samples_per_s", "elapsed_s", "epoch_s")
        final = {k: v for k, v in (history[-1] if history else {}).items() if k not in skip}
        if (folder.path / "meta.json").exists():
            texts = {k: v.to_dict() for k, v in (("message", message), ("hint", hint)) if hasattr(v, "to_dict")}
            try:
                started = folder.meta().get("started") or time.time()
                self._record(folder.update_meta(status=status, ended=time.time(), epochs_done=epochs,
                                                duration_s=round(time.time() - started, 3), final=final,
                                                message=str(message) if message else None, texts=texts))
            except OSError:
                log.warning("could not record the end of run %s", run.run_id, exc_info=True)
        if status == "failed":
            run._dispatch(ev.RunFailed(run_id=run.run_id, message=message, hint=hint or "", kind="crash",
                                       epoch=epochs or None))
        else:
            run._dispatch(ev.RunStopped(run_id=run.run_id, final=final, epochs_done=epochs, elapsed_s=0.0))
        self._drop_given_data(run)
        run._ended(status, history, final)

    @staticmethod
    def _drop_given_data(run: Any) -> None:
        if run._given_data and run._data_path:
            shutil.rmtree(Path(run._data_path), ignore_errors=True)

    @staticmethod
    def _record(meta: dict[str, Any]) -> None:
        try:
            registry.record(meta)
        except Exception:  # noqa: BLE001 - the run folder is the truth; the registry can be rebuilt
            log.warning("could not update the run registry for %s", meta.get("run_id"), exc_info=True)
