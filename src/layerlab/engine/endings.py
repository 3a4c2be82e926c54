"""How a run segment ends: finished, given way to another run (yielded), stopped, or failed.

Every ending first writes what is still pending (the checkpointer's last snapshot, the inspection
records), then closes meta.json with the status and the final metrics, sends the last event and
returns the Outcome; a failure is explained in plain words (diagnose.explain) and never raised.
The Trainer (loop.py) inherits these from `RunEndings`; they read what the trainer set up: folder,
history, tr, best_epoch, start_epoch, ckpt, tap, _where, _started, n_classes and net, and call its
emit() and meta(). An ending can come before the setup finished, so those set up late are read
with getattr.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from . import events as ev
from .diagnose import explain


@dataclass
class Outcome:
    """What a run segment ended with."""

    status: str                      # finished | stopped | failed | yielded (resumed later, same run id)
    history: list[dict[str, Any]] = field(default_factory=list)
    final: dict[str, float] = field(default_factory=dict)
    failure: ev.RunFailed | None = None


class RunEndings:
    """The endings of a Trainer's run segment (see the module's docstring)."""

    def _flush(self) -> None:
        """Write the pending snapshot now and report it."""
        ckpt = getattr(self, "ckpt", None)
        if ckpt is None:
            return
        ckpt.flush()
        tap = getattr(self, "tap", None)
        if tap is not None:
            tap.save(self.folder.path)
        for e in ckpt.drain():
            self.emit(e)

    def _final(self, last: bool = False) -> dict[str, float]:
        """The metrics of the weights the run delivers by default: the best epoch's (best.safetensors),
        unless early stopping says restore_best false; last=True: the last epoch's."""
        es = self.tr.early_stopping
        best = getattr(self, "best_epoch", None)  # unset when the setup itself failed
        if not last and best is not None and (es is None or es.restore_best):
            row = next((h for h in self.history if h["epoch"] == best), None)
        else:
            row = self.history[-1] if self.history else None
        skip = ("lr", "samples_per_s", "elapsed_s", "epoch_s")
        return {k: v for k, v in (row or {}).items() if k not in skip}

    def _end(self, status: str, **meta: Any) -> None:
        ended = time.time()
        kept = {"best_epoch": getattr(self, "best_epoch", None), "last": self._final(last=True)} \
            if getattr(self, "tr", None) is not None else {}
        self.meta(status=status, ended=ended, duration_s=round(ended - self._started, 3),
                  threads=getattr(self, "threads", None), **{**kept, **meta})

    def _finished(self, early: bool) -> Outcome:
        self._flush()  # weights.safetensors: the last epoch (continue goes on from it); best.safetensors: the best
        final = self._final()
        epochs_done = self.history[-1]["epoch"] if self.history else self.start_epoch
        self._end("finished", final=final, epochs_done=epochs_done, best_epoch=self.best_epoch)
        self.emit(ev.RunFinished(run_id=self.run_id, final=final, epochs_done=epochs_done,
                                 elapsed_s=time.time() - self._started, best_epoch=self.best_epoch,
                                 early_stopped=early))
        return Outcome("finished", self.history, final)

    def _yielded(self) -> Outcome:
        """Everything to go on (weights, optimizer, schedule, patience, random state) is on disk; meta
        stays 'running' (the run is not over), and the scheduler resumes it later in this folder."""
        self._flush()
        epoch = self.history[-1]["epoch"] if self.history else self.start_epoch
        self.emit(ev.RunYielded(run_id=self.run_id, epoch=epoch))
        return Outcome("yielded", self.history, {})

    def _stopped(self) -> Outcome:
        self._flush()
        final = self._final()
        epochs_done = self.history[-1]["epoch"] if self.history else 0
        self._end("stopped", final=final, epochs_done=epochs_done)
        self.emit(ev.RunStopped(run_id=self.run_id, final=final, epochs_done=epochs_done,
                                elapsed_s=time.time() - self._started))
        return Outcome("stopped", self.history, final)

    def _failed(self, exc: BaseException) -> Outcome:
        w = self._where
        tr = getattr(self, "tr", None)
        fields = explain(exc, epoch=w.get("epoch"), batch=w.get("batch"), net=getattr(self, "net", None),
                         x=w.get("x"), batch_size=tr.batch_size if tr else None,
                         n_classes=getattr(self, "n_classes", None))
        failure = ev.RunFailed(run_id=self.run_id, **fields)
        try:
            self._flush()  # the last good epoch stays usable (and continuable)
            self._end("failed", message=failure.message, texts=failure.texts, final=self._final() if tr else {},
                      epochs_done=self.history[-1]["epoch"] if self.history else 0)
        except Exception:  # noqa: BLE001 - the disk may be the problem; the event still goes out
            pass
        self.emit(failure)
        return Outcome("failed", self.history, self._final() if tr else {}, failure)
