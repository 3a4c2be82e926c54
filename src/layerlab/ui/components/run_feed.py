"""The bridge from a training run's worker thread to one page: events go into a queue that
the page's ui.timer drains a few times a second, so the page never waits on training and
training never waits on the page. The model itself is never polled.

>>> from layerlab import api_events as ev
>>> class FakeRun:
...     def subscribe(self, cb, replay=True):
...         cb(ev.RunPaused(run_id="r", epoch=1, batch=2)); return lambda: None
>>> feed = RunFeed(FakeRun())
>>> [e.name for e in feed.drain()]
['RunPaused']
"""
from __future__ import annotations

import queue
from typing import Any

MAX_PER_TICK = 500  # a tick never handles more; the rest waits for the next tick


class RunFeed:
    """Subscribes to a runner Run (replaying its past events) and hands them out on drain()."""

    def __init__(self, run: Any) -> None:
        self.run = run
        self._queue: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
        self._unsubscribe = run.subscribe(self._queue.put, replay=True)

    def drain(self, limit: int = MAX_PER_TICK) -> list[Any]:
        """Events received since the last call (oldest first)."""
        out = []
        while len(out) < limit:
            try:
                out.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return out

    def close(self) -> None:
        """Stop receiving events (the page went away)."""
        self._unsubscribe()
