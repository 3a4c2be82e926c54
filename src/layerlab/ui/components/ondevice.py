"""Prediction on the pupil's own device for the Test page (issue 20).

`OnDevice` sits in the Test page's result card of a picture project. Its browser half
(ondevice.js, with static/ondevice/model.js and the vendored onnxruntime-web) fetches the run's
self-contained ONNX file from `GET /api/projects/{pid}/ondevice.onnx` (server/api_ondevice.py,
the signed-in session only), keeps it in memory and IndexedDB, and predicts camera frames at the
display's frame rate, drawings after each stroke and uploads, with the server's preprocessing.
It says where the prediction ran ("on this device" / "on the server") and how many predictions
per second. Where the model cannot run in the browser (no ONNX export for a layer, or the runtime
refuses the file) it says so in one line and the page predicts on the server as before, which
stays the reference. When a newer run (or, during training, a better epoch) has saved weights,
the browser fetches the new file: the page checks every few seconds, off the event loop.

CSP: the runtime compiles WebAssembly, which needs 'wasm-unsafe-eval' in script-src; the studio's
'unsafe-eval' (NiceGUI's Vue templates need it) already covers it, so the policy is unchanged. The
module, the .mjs and the .wasm come from 'self'; with one thread no worker is started.
"""
from __future__ import annotations

import logging
from typing import Any, Callable
from urllib.parse import quote, urlencode

from nicegui import run, ui
from nicegui.events import GenericEventArguments, handle_event

from ...api_runs import open_run
from ..app import STATIC_URL
from ..i18n import t
from .pictures import to_data_url

log = logging.getLogger(__name__)
CHECK_EVERY_S = 3.0   # how often the page looks for newer weights (a few stats of the runs folder)


def weights_version(project: Any) -> tuple[str, str, str] | None:
    """(run id, 'best'|'last', version) of the weights Project.predict would use now, or None
    without a trained run; version changes whenever the weights file is rewritten."""
    try:
        folder = open_run(project.dir)
        which = folder.pick_weights(None)
        file = folder.path / ("best.safetensors" if which == "best" else "weights.safetensors")
        return folder.run_id, which, f"{folder.run_id}:{which}:{file.stat().st_mtime_ns}"
    except Exception as e:  # noqa: BLE001 - no run yet, or one being written: the next check sees it
        log.debug("no weights to put on the device: %s", e)
        return None


class OnDevice(ui.element, component="ondevice.js"):
    """The device/server line, the on-device answer, and the model's lifecycle in the browser.

    on_mode(True) when the model runs on the device, on_mode(False) when the server predicts;
    on_version() when newer weights were saved (the browser fetches them).
    """

    def __init__(self, project_id: str, project: Any, lang: str, *, webcam: Any = None, canvas: Any = None,
                 ink: float = 0.15, on_mode: Callable[[bool], Any] | None = None,
                 on_version: Callable[[], Any] | None = None) -> None:
        super().__init__()
        self.project_id, self.project, self.lang = project_id, project, lang
        self.active = False     # the browser predicts (True) or the server does (False)
        self.reason = ""
        self._mode_handlers = [on_mode] if on_mode else []
        self._version_handlers = [on_version] if on_version else []
        keys = ("device", "server", "loading", "rate", "fallback", "offline", "back", "reconnect", "stale", "spoken")
        texts = {k: t(f"ondevice.{k}", lang) for k in keys}
        texts["prediction"] = t("bars.prediction", lang)
        self._props.update(storeKey=f"layerlab:{project_id}", moduleUrl=f"{STATIC_URL}/ondevice/model.js",
                           webcam=str(webcam.id) if webcam is not None else "",
                           canvas=str(canvas.id) if canvas is not None else "", ink=float(ink), live=True,
                           lang=lang, texts=texts, url="", version="")
        self.on("ready", self._ready, args=["version", "stale"])
        self.on("fallback", self._fallback, args=["reason"])
        if canvas is not None:
            canvas.on_cleared(self.clear)
        self._set_version(weights_version(project))
        self.timer = ui.timer(CHECK_EVERY_S, self._check)

    def _set_version(self, found: tuple[str, str, str] | None) -> None:
        if found is None:
            return
        run_id, which, version = found
        if version == self._props.get("version"):
            return
        if self._props.get("version"):   # newer weights than the page opened with
            for cb in self._version_handlers:
                handle_event(cb, None)
        query = urlencode({"run_id": run_id, "weights": which})
        self._props["url"] = f"/api/projects/{quote(self.project_id, safe='')}/ondevice.onnx?{query}"
        self._props["version"] = version
        self.update()

    async def _check(self) -> None:
        """A newer run or a better epoch: hand the browser the new version (it fetches the file)."""
        if self.is_deleted:
            return
        self._set_version(await run.io_bound(weights_version, self.project))

    # -- events from the browser ---------------------------------------------------------------
    def _ready(self, e: GenericEventArguments) -> None:
        self._mode(True, "")

    def _fallback(self, e: GenericEventArguments) -> None:
        reason = e.args.get("reason", "") if isinstance(e.args, dict) else ""
        log.info("project %s predicts on the server: %s", self.project_id, reason)
        self._mode(False, str(reason))

    def _mode(self, active: bool, reason: str) -> None:
        self.active, self.reason = active, reason
        for cb in self._mode_handlers:
            handle_event(cb, active)

    # -- commands to the browser ---------------------------------------------------------------
    def predict_url(self, data_url: str) -> None:
        """Predict a picture (a data URL: an upload) on the device."""
        self.run_method("predictUrl", data_url)

    def snap(self) -> None:
        """Predict the camera's current frame on the device."""
        self.run_method("snap")

    def set_live(self, on: bool) -> None:
        """Predict camera frames continuously (True) or not."""
        self._props["live"] = bool(on)
        self.update()

    def served(self) -> None:
        """A live frame was predicted on the server (fallback): counts towards the rate shown."""
        self.run_method("served")

    def clear(self) -> None:
        self.run_method("clear")


def device_picture(image: Any) -> str:
    """An upload as the PNG data URL the browser predicts from: upright (EXIF), transparency kept
    (the browser puts it on white, as the server does), 16-bit and odd modes made 8-bit RGB(A)."""
    from PIL import ImageOps
    img = ImageOps.exif_transpose(image) or image
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):   # as data.imagefiles.convert: scaled to 0-255
        import numpy as np
        from PIL import Image
        a = np.asarray(img, np.float64)
        img = Image.fromarray((a / max(a.max(), 1) * 255).astype(np.uint8), "L")
    transparent = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    return to_data_url(img.convert("RGBA" if transparent else "RGB"))
