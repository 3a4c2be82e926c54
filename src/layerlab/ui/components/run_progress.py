"""One truth for a run's status on the Train page: the progress bar, the epoch counter, the ETA and the
current run's row in the runs list all read this one object, which only run events change.

It keeps where the run is (epochs done, batches done in the epoch in progress) and derives every
number shown from that, so they cannot disagree ("epoch 50 of 50" beside a bar at 22 % was two
numbers updated from different events). No UI here: tested on its own.

>>> from layerlab import api_events as ev
>>> p = RunProgress()
>>> p.apply(ev.RunStarted(run_id="r", project="x", epochs=4, n_train=100, n_val=0, time=0.0))
>>> p.apply(ev.BatchEnded(run_id="r", epoch=2, batch=1, batches=4, loss=1.0, samples_per_s=9e9, time=2.5))
>>> p.state, p.epoch, p.fraction, p.eta_s, p.samples_per_s   # 1.25 of 4 epochs in 2.5 s
('running', 2, 0.3125, 5.5, 50.0)
>>> p.apply(ev.EpochEnded(run_id="r", epoch=2, epochs=4, train={}, val={}, learning_rate=0.1,
...                       samples_per_s=50.0, eta_s=4.0, elapsed_s=1.0, time=4.0))
>>> p.epoch, p.fraction, p.eta_s
(3, 0.5, 4.0)
>>> p.apply(ev.RunPaused(run_id="r", epoch=3, batch=3, time=9.0))   # paused before batch 3: two done
>>> p.state, p.where(), p.fraction, p.eta_s
('paused', (3, 2), 0.625, None)

Speed and time left come from the same positions and the events' times (the last few seconds of
training; a pause starts the measurement afresh), not from a batch's own rate, which is far off
right after an epoch begins and ignores slow motion's waits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ... import api_events as ev


@dataclass
class RunProgress:
    """Where a run is, from its events."""

    state: str = "idle"      # idle | queued | running | paused | finished | stopped | failed
    start_epoch: int = 0     # epochs done before this run (a continued run)
    end_epoch: int = 0       # the epoch it ends at (0: not known yet)
    done: int = 0            # epochs finished
    batch: int = 0           # batches finished in the epoch in progress
    batches: int = 0         # batches per epoch (0: not known yet)
    n_train: int = 0
    _marks: list[tuple[float, float]] = field(default_factory=list)  # (event time, fraction) while training

    WINDOW_S = 5.0  # speed is measured over about this many seconds of training

    def apply(self, e: Any) -> None:
        """Move on by one run event."""
        self._move(e)
        if isinstance(e, (ev.RunStarted, ev.RunResumed)):
            self._marks = [(e.time, self.fraction)]
        elif isinstance(e, (ev.RunPaused, ev.RunYielded)) or not self.active:
            self._marks = []
        elif isinstance(e, (ev.BatchEnded, ev.EpochEnded)) and self._marks:
            self._marks.append((e.time, self.fraction))
            while len(self._marks) > 2 and e.time - self._marks[1][0] >= self.WINDOW_S:
                self._marks.pop(0)

    def _move(self, e: Any) -> None:
        if isinstance(e, ev.RunStarted):
            self.state, self.start_epoch, self.end_epoch, self.n_train = "running", e.start_epoch, e.epochs, e.n_train
            self.done, self.batch = e.start_epoch, 0
        elif isinstance(e, ev.BatchEnded):
            self.batches = e.batches
            if e.epoch > self.done:  # a batch of an epoch already reported as ended changes nothing
                self.done, self.batch = e.epoch - 1, e.batch
        elif isinstance(e, ev.EpochEnded):
            self.done, self.batch, self.end_epoch = e.epoch, 0, e.epochs
        elif isinstance(e, ev.RunPaused):
            self.state, self.done, self.batch = "paused", e.epoch - 1, max(e.batch - 1, 0)
        elif isinstance(e, ev.RunResumed):
            self.state = "running"
        elif isinstance(e, ev.RunYielded):  # another user's turn; it goes on by itself later
            self.state, self.done, self.batch = "queued", e.epoch, 0
        elif isinstance(e, ev.RunFinished):
            self.state, self.done, self.batch = "finished", e.epochs_done, 0
            self.end_epoch = self.end_epoch or e.epochs_done
        elif isinstance(e, ev.RunStopped):
            self.state, self.done, self.batch = "stopped", e.epochs_done or self.done, 0
        elif isinstance(e, ev.RunFailed):
            self.state = "failed"

    # -- what is shown ------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.state in ("queued", "running", "paused")

    @property
    def epoch(self) -> int:
        """The epoch the counter names while training: the one in progress (never past the last)."""
        e = self.done + 1
        return min(e, self.end_epoch) if self.end_epoch else e

    def where(self) -> tuple[int, int]:
        """(epoch, batch) of the last batch trained, for "paused at epoch 3, batch 2"."""
        if self.batch or not self.done:
            return self.done + 1, self.batch
        return self.done, self.batches

    @property
    def fraction(self) -> float:
        """Share of the run's epochs done (a continued run counts from epoch 1, like its counter)."""
        if not self.end_epoch:
            return 0.0
        if self.state == "finished":  # early stopping ends before the planned last epoch: done is done
            return 1.0
        part = self.batch / self.batches if self.batches else 0.0
        return min(1.0, (self.done + part) / self.end_epoch)

    @property
    def _rate(self) -> float:
        """Share of the run per second over the last few seconds of training (0: not known yet)."""
        if len(self._marks) < 2:
            return 0.0
        (t0, f0), (t1, f1) = self._marks[0], self._marks[-1]
        return (f1 - f0) / (t1 - t0) if t1 > t0 and f1 > f0 else 0.0

    @property
    def samples_per_s(self) -> float:
        """Training samples per second, from the same positions as the bar (waits of slow motion included)."""
        return self._rate * self.end_epoch * self.n_train

    @property
    def eta_s(self) -> float | None:
        """Seconds left at that speed, while running (None when paused, ended or not known yet)."""
        if self.state != "running" or not self._rate:
            return None
        return (1 - self.fraction) / self._rate
