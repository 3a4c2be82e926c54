"""A drawing canvas that works with mouse, touch and pen (pointer events in canvas.js).

After every stroke the browser sends the picture as a PNG data URL; `on_drawn` handlers get a
decoded PIL image. Delete or Backspace on the focused canvas clears it (keyboard users).
"""
from __future__ import annotations

from typing import Any, Callable

from nicegui import ui
from nicegui.events import GenericEventArguments, handle_event
from PIL import Image

from .pictures import PictureError, decode_data_url


class DrawCanvas(ui.element, component="canvas.js"):
    """A square canvas; strokes are emitted as pictures."""

    def __init__(self, *, size: int = 280, ink: str = "#000000", paper: str = "#ffffff",
                 brush: float = 0.07, label: str = "drawing canvas",
                 on_drawn: Callable[[Image.Image], Any] | None = None,
                 on_error: Callable[[str], Any] | None = None, lang: str | None = None) -> None:
        super().__init__()
        self.lang = lang
        self._props.update(size=size, ink=ink, paper=paper, brush=brush, label=label)
        self.picture: Image.Image | None = None
        self._drawn: list[Callable[[Image.Image], Any]] = [on_drawn] if on_drawn else []
        self._cleared: list[Callable[[], Any]] = []
        self._on_error = on_error
        self.on("drawn", self._handle_drawn, args=["url"])
        self.on("cleared", self._handle_cleared, args=[])

    def on_drawn(self, callback: Callable[[Image.Image], Any]) -> "DrawCanvas":
        """Call back with the picture after each stroke."""
        self._drawn.append(callback)
        return self

    def on_cleared(self, callback: Callable[[], Any]) -> "DrawCanvas":
        """Call back when the user clears the canvas."""
        self._cleared.append(callback)
        return self

    def clear(self) -> None:
        """Wipe the canvas (in the browser and here)."""
        self.picture = None
        self.run_method("clear", False)
        for cb in self._cleared:
            handle_event(cb, None)

    def show_picture(self, data_url: str) -> None:
        """Paint a picture onto the canvas; it is then reported like a stroke."""
        self.run_method("drawImage", data_url)

    def receive(self, url: str) -> None:
        """Handle a picture as if the browser had sent it (the browser's path, and tests')."""
        try:
            self.picture = decode_data_url(url, self.lang)
        except PictureError as exc:
            if self._on_error:
                self._on_error(str(exc))
            return
        for cb in self._drawn:
            handle_event(cb, self.picture)

    def _handle_drawn(self, e: GenericEventArguments) -> None:
        self.receive(e.args.get("url") if isinstance(e.args, dict) else e.args)

    def _handle_cleared(self, _e: GenericEventArguments) -> None:
        self.picture = None
        for cb in self._cleared:
            handle_event(cb, None)
