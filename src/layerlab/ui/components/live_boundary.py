"""The decision boundary redrawn while it forms: in slow motion and after each Step the training
process shares the network's weights (a LiveWeights event); this draws the newest of them, one
picture at a time in a worker thread (never on the page's event loop), skipping any that arrived
while the last one was drawn.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from nicegui import background_tasks, run

from ... import api_events as ev
from .epoch_panels import BoundaryImage
from .evaluation import boundary_picture, training_points

log = logging.getLogger(__name__)
_lock = threading.Lock()  # two pages watching one run share its network object


def live_picture(project: Any, e: ev.LiveWeights, points: Any) -> str:
    """The boundary picture of the weights in e (a data URL)."""
    with _lock:
        loaded = project.live_network(e.run_id, e.weights)
        return boundary_picture(project, loaded, points=points)


class LiveBoundary:
    """Feeds a BoundaryImage from LiveWeights events; `offer()` from the page's event handling, `tick()`
    from its timer. `drawn` counts the pictures shown (what the browser test watches)."""

    def __init__(self, image: BoundaryImage) -> None:
        self.image = image
        self.latest: tuple[Any, ev.LiveWeights] | None = None
        self.busy = False
        self.drawn = 0
        self._points: dict[str, Any] = {}

    def prepare(self, project: Any) -> None:
        """Read the training points now (the first read of a dataset takes seconds), so the first live
        picture comes with the first batch."""
        async def read() -> None:
            key = str(project.dir)
            try:
                self._points.setdefault(key, await run.io_bound(training_points, project))
            except Exception as exc:  # noqa: BLE001 - the data's own errors are shown elsewhere
                log.info("no training points for the live boundary: %s", exc)
        background_tasks.create(read(), name="train-live-points")

    def offer(self, project: Any, e: ev.LiveWeights) -> None:
        self.latest = (project, e)

    def tick(self) -> None:
        if self.latest is None or self.busy:
            return
        project, e = self.latest
        self.latest, self.busy = None, True
        background_tasks.create(self._draw(project, e), name="train-live-boundary")

    async def _draw(self, project: Any, e: ev.LiveWeights) -> None:
        try:
            key = str(project.dir)
            if key not in self._points:
                self._points[key] = await run.io_bound(training_points, project)
            url = await run.io_bound(live_picture, project, e, self._points[key])
        except Exception as exc:  # noqa: BLE001 - a picture that cannot be drawn must not end the page
            log.info("live boundary of %s not drawn: %s", e.run_id, exc)
            return
        finally:
            self.busy = False
        self.image.show_url(url)
        self.drawn += 1
