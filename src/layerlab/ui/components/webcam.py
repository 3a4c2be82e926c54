"""The webcam: a live preview in the browser (getUserMedia in webcam.js) whose frames arrive
here as decoded PIL images, one at a time or as a timed burst (N pictures every t seconds).

The browser only allows the camera on https or localhost; `failure_text` turns the browser's
error names into advice a user can act on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from nicegui import ui
from nicegui.events import GenericEventArguments, handle_event
from PIL import Image

from ..i18n import t
from .pictures import PictureError, decode_data_url


_FAILURES = {"NotAllowedError": "webcam.denied", "SecurityError": "webcam.denied",
             "NotFoundError": "webcam.missing", "OverconstrainedError": "webcam.missing",
             "NotReadableError": "webcam.busy", "AbortError": "webcam.busy",
             "InsecureContext": "webcam.insecure", "NotReady": "webcam.not_ready"}


def failure_text(name: str, message: str = "", lang: str | None = None) -> str:
    """What to tell the user for a getUserMedia error name."""
    key = _FAILURES.get(name)
    return t(key, lang) if key else t("webcam.other", lang, detail=f"{name}: {message}".strip(": "))


@dataclass
class Frame:
    """One captured picture; index counts from 1 within its burst."""

    image: Image.Image
    index: int
    total: int
    tag: str


class Webcam(ui.element, component="webcam.js"):
    """Camera preview with capture and burst; handlers get Frame objects."""

    def __init__(self, *, size: int = 224, mirror: bool = True, label: str = "camera preview",
                 on_frame: Callable[[Frame], Any] | None = None,
                 on_failed: Callable[[str], Any] | None = None, lang: str | None = None) -> None:
        super().__init__()
        self.lang = lang
        self._props.update(size=size, mirror=mirror, label=label)
        self.running = False
        self.frames_received = 0
        self._frame_handlers = [on_frame] if on_frame else []
        self._failed_handlers = [on_failed] if on_failed else []
        self._state_handlers: list[Callable[[bool], Any]] = []
        self._done_handlers: list[Callable[[str], Any]] = []
        self.on("frame", self._handle_frame, args=["url", "index", "total", "tag"])
        self.on("failed", self._handle_failed, args=["name", "message"])
        self.on("started", lambda: self._set_running(True), args=[])
        self.on("stopped", lambda: self._set_running(False), args=[])
        self.on("burst_done", self._handle_done, args=["tag"])

    # -- commands to the browser -------------------------------------------------------
    def start(self) -> None:
        """Ask the browser for the camera (the user may be asked to allow it)."""
        self.run_method("start")

    def stop(self) -> None:
        """Turn the camera off."""
        self.run_method("stop")

    def capture(self, tag: str = "") -> None:
        """Take one picture now."""
        self.run_method("capture", tag)

    def burst(self, count: int, every_s: float, tag: str = "") -> None:
        """Take `count` pictures, one every `every_s` seconds."""
        self.run_method("burst", int(count), int(round(every_s * 1000)), tag)

    def cancel(self) -> None:
        """Stop a burst that is still going."""
        self.run_method("cancel")

    # -- handlers ------------------------------------------------------------------------
    def on_frame(self, callback: Callable[[Frame], Any]) -> "Webcam":
        self._frame_handlers.append(callback)
        return self

    def on_failed(self, callback: Callable[[str], Any]) -> "Webcam":
        self._failed_handlers.append(callback)
        return self

    def on_state(self, callback: Callable[[bool], Any]) -> "Webcam":
        """Call back with True when the camera starts and False when it stops."""
        self._state_handlers.append(callback)
        return self

    def on_burst_done(self, callback: Callable[[str], Any]) -> "Webcam":
        self._done_handlers.append(callback)
        return self

    def receive(self, url: str, index: int = 1, total: int = 1, tag: str = "") -> None:
        """Handle a frame as if the browser had sent it (the browser's path, and tests')."""
        try:
            image = decode_data_url(url, self.lang)
        except PictureError as exc:
            self._fail(str(exc))
            return
        self.frames_received += 1
        frame = Frame(image, int(index), int(total), str(tag))
        for cb in self._frame_handlers:
            handle_event(cb, frame)

    def _handle_frame(self, e: GenericEventArguments) -> None:
        a = e.args if isinstance(e.args, dict) else {}
        self.receive(a.get("url", ""), a.get("index", 1), a.get("total", 1), a.get("tag", ""))

    def _handle_failed(self, e: GenericEventArguments) -> None:
        a = e.args if isinstance(e.args, dict) else {}
        self._fail(failure_text(str(a.get("name", "")), str(a.get("message", "")), self.lang))

    def _fail(self, text: str) -> None:
        for cb in self._failed_handlers:
            handle_event(cb, text)

    def _set_running(self, running: bool) -> None:
        self.running = running
        for cb in self._state_handlers:
            handle_event(cb, running)

    def _handle_done(self, e: GenericEventArguments) -> None:
        tag = e.args.get("tag", "") if isinstance(e.args, dict) else ""
        for cb in self._done_handlers:
            handle_event(cb, tag)
