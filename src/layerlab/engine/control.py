"""Stop, pause, resume and step of a running run, checked by the loop between batches; yield at epoch
ends; an optional pace (slow motion) between batches, so people can watch a small network learn."""
from __future__ import annotations

import threading
from typing import Callable


class Stopped(Exception):
    """Raised inside the loop when the user asked the run to stop."""


class Yielded(Exception):
    """Raised at an epoch boundary when the scheduler asked the run to give way to another user's run."""


MAX_PACE_S = 2.0  # slow motion never waits longer than this between batches


class Control:
    """Thread-safe flags a Run handle sets and the training loop obeys between batches."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._yield = threading.Event()
        self._wake = threading.Event()  # ends a pace's wait early (stop, pause, a new pace)
        self._pace = 0.0                # seconds to wait after each batch (0: full speed)
        self._stepping = False          # one batch was granted by step(): pause again after it

    def set_pace(self, seconds: float) -> None:
        """Wait this long after every batch (slow motion); 0 trains at full speed again."""
        self._pace = min(max(float(seconds), 0.0), MAX_PACE_S)
        self._wake.set()

    @property
    def pace(self) -> float:
        return self._pace

    def step(self) -> None:
        """Train exactly one more batch, then pause again (from a pause; while running it pauses after the next)."""
        if not self._stop.is_set():
            self._stepping = True
            self._running.set()

    @property
    def stepping(self) -> bool:
        return self._stepping

    @property
    def watched(self) -> bool:
        """Someone watches batch by batch (slow motion or a step): every step's weights are worth sharing."""
        return self._pace > 0 or self._stepping

    def after_batch(self) -> None:
        """Called by the loop after each batch: a granted step pauses here; slow motion waits its pace."""
        if self._stepping:
            self._stepping = False
            if not self._stop.is_set():
                self._running.clear()
            return
        if self._pace > 0 and self._running.is_set() and not self._stop.is_set():
            self._wake.wait(self._pace)
            self._wake.clear()

    def request_yield(self) -> None:
        """Ask the run to save everything and give way at the end of the current epoch (time slice over)."""
        self._yield.set()

    @property
    def yield_requested(self) -> bool:
        return self._yield.is_set()

    def stop(self) -> None:
        """Ask the run to stop after the current batch (also ends a pause)."""
        self._stop.set()
        self._running.set()
        self._wake.set()

    def pause(self) -> None:
        """Ask the run to wait after the current batch until resume() or stop()."""
        if not self._stop.is_set():
            self._stepping = False
            self._running.clear()
            self._wake.set()

    def resume(self) -> None:
        self._stepping = False
        self._running.set()

    @property
    def wants_attention(self) -> bool:
        """Cheap per-batch test: a stop or a pause was asked for."""
        return self._stop.is_set() or not self._running.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def checkpoint(self, on_pause_change: Callable[[bool], None] | None = None) -> None:
        """Raise Stopped when stopping; block while paused (reporting the pause and the resume)."""
        if self._stop.is_set():
            raise Stopped()
        if not self._running.is_set():
            if on_pause_change:
                on_pause_change(True)
            self._running.wait()
            if self._stop.is_set():
                raise Stopped()
            if on_pause_change:
                on_pause_change(False)
