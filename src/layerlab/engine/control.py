"""Stop, pause and resume of a running run, checked by the loop between batches; yield at epoch ends."""
from __future__ import annotations

import threading
from typing import Callable


class Stopped(Exception):
    """Raised inside the loop when the user asked the run to stop."""


class Yielded(Exception):
    """Raised at an epoch boundary when the scheduler asked the run to give way to another user's run."""


class Control:
    """Thread-safe flags a Run handle sets and the training loop obeys between batches."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._yield = threading.Event()

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

    def pause(self) -> None:
        """Ask the run to wait after the current batch until resume() or stop()."""
        if not self._stop.is_set():
            self._running.clear()

    def resume(self) -> None:
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
