"""Test: predict from an uploaded file, the live webcam, a drawing, or a form of feature values,
with class probability bars (or the predicted value). It uses the newest saved weights, so
it works during training too: every finished epoch saves weights that the next prediction
picks up.
"""
from __future__ import annotations

import logging
from typing import Any

from nicegui import events, run, ui

from ...api_errors import SpecError
from ..components.canvas import DrawCanvas
from ..components.feature_form import FeatureForm, feature_fields
from ..components.ondevice import OnDevice, device_picture
from ..components.pictures import PictureError, decode_image, fit_ink, to_data_url
from ..components.prob_bars import ProbBars
from ..components.refusals import explain
from ..components.run_names import project_run_names
from ..components.table_predictions import TablePredictions
from ..components.webcam import Frame, Webcam
from ..frame import expert, frame, href, lang, tr
from ..i18n import err_text, t

log = logging.getLogger(__name__)
LIVE_EVERY_S = 0.5   # live webcam predictions per second: 2, fast enough to feel live on a laptop CPU
MAX_UPLOAD = 10 * 1024 * 1024

# on a phone (the media query) the drawing and the whole answer fit one screen: a smaller canvas, compact bars.
# The first rule hands the answer over in the browser, at once: the moment the device draws its
# own bars, the server's are hidden (waiting for the server's round trip showed both answers for
# a while on a busy server); the server hides them too once it hears, and shows them on fallback.
PAGE_CSS = """
.ll-test-result:has([data-ll="result"]) .ll-server-answer { display: none !important; }
@media (max-width: 767.98px) {
  .ll-test-draw { --ll-canvas-max: min(280px, 25vh); }
  .ll-test-camera { --ll-webcam-max: min(280px, 26vh); }   /* the live answer below it stays in view */
  .ll-test .q-tab-panel { padding: 4px 0; }
  .ll-test .q-tab { padding: 0 6px; }
  .ll-test .q-card.ll-card { padding: 8px 12px !important; }
  .ll-test [role="meter"] { font-size: 13px; line-height: 17px; }
  .ll-test [role="meter"] + [role="meter"] { margin-top: -3px; }
}
"""


class TestView:
    """Inputs on the left, prediction on the right."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.project = session.project  # one facade object: it caches the loaded weights
        self.lang = lang()
        self.busy = False
        self.pending: list[Any] | None = None
        self.live = False
        self.loaded = self._load()
        ui.add_css(PAGE_CSS)
        with ui.column().classes("w-full gap-0"):  # one block: an empty error line takes no room on a phone
            # a phone names the page in its bottom tab bar: the heading stays for screen readers only
            ui.label(tr("test.title")).classes("text-2xl font-bold max-md:sr-only").props('role="heading" aria-level="1"')
            self.status = ui.label("").classes("text-sm opacity-80 max-md:text-xs").mark("test-status")
            self.error = ui.label("").classes("text-negative").props('role="alert"').mark("test-error")
            if self.loaded is None:
                self.status.set_text(tr("test.no_run"))
                ui.link(tr("test.go_train"), href(session.id, "train")).mark("test-go-train")
        self._show_using()
        with ui.element("div").classes("ll-test w-full grid gap-4 max-md:gap-2 grid-cols-1 md:grid-cols-2"):
            with ui.card().classes("w-full ll-card"):
                self._inputs()
            with ui.card().classes("w-full ll-card ll-test-result").mark("test-result"):
                self.device = self._device()
                self.bars = ProbBars(self.lang)
        ui.timer(LIVE_EVERY_S, self._live_tick)

    def _device(self) -> OnDevice | None:
        """A picture project's trained model runs in the browser (the server stays the fallback)."""
        if self.loaded is None or self.info is None or self.info.kind != "image":
            return None
        return OnDevice(self.session.id, self.project, self.lang, webcam=getattr(self, "webcam", None),
                        canvas=getattr(self, "canvas", None), ink=0.04 if getattr(self, "small", False) else 0.15,
                        on_mode=self._device_mode, on_version=self._weights_changed).mark("test-ondevice")

    def _device_mode(self, on_device: bool) -> None:
        self.bars.box.set_visibility(not on_device)   # the device draws its own answer at frame rate
        if on_device and getattr(self, "live_switch", None) is not None:
            self.live_switch.set_value(True)           # Teachable Machine's live preview: on by default

    async def _weights_changed(self) -> None:
        """Newer weights (a new run, a better epoch) went to the device: the status line names them."""
        loaded = await run.io_bound(self._load)
        if loaded is not None:
            self.loaded = loaded
            self._show_using()

    def _on_device(self) -> bool:
        return self.device is not None and self.device.active

    # -- weights ----------------------------------------------------------------------------
    def _load(self) -> Any:
        try:
            return self.project.load_run()
        except (SpecError, FileNotFoundError, ValueError) as e:
            log.info("no trained run for %s: %s", self.session.id, e)
            return None

    def _current(self) -> Any:
        """The newest saved weights (None, with the reason shown, when there are none)."""
        loaded = self._load()
        if loaded is None:
            self._fail(t("test.no_run", self.lang))
            return None
        self.loaded = loaded
        self._show_using()
        return loaded

    def _show_using(self) -> None:
        if self.loaded is not None:
            epoch = err_text(self.loaded.note, self.lang)  # "best: epoch 14 of 50"
            self.status.set_text(t("test.using", self.lang, run=self._run_name(self.loaded.run_id), epoch=epoch))

    def _run_name(self, run_id: str) -> str:
        """'Run 3 · 97 % · 2 min ago' (the id in expert mode), read once per run: not per prediction."""
        if getattr(self, "_named", (None, ""))[0] != run_id:
            self._named = (run_id, project_run_names(self.project, self.lang, expert()).name(run_id))
        return self._named[1]

    @property
    def info(self) -> Any:
        if self.loaded is not None:
            return self.loaded.info
        try:
            return self.project.data_info()
        except Exception:  # noqa: BLE001 - shown as "train first" anyway
            return None

    # -- inputs -----------------------------------------------------------------------------
    def _inputs(self) -> None:
        info = self.info
        kind = info.kind if info is not None else "tabular"
        if kind == "image":
            with ui.tabs().classes("w-full").props("inline-label no-caps") as tabs:
                t_draw = ui.tab("draw", tr("test.draw"), icon="draw").mark("tab-draw")
                t_upload = ui.tab("upload", tr("test.upload"), icon="upload").mark("tab-upload")
                t_camera = ui.tab("camera", tr("test.camera"), icon="photo_camera").mark("tab-camera")
            with ui.tab_panels(tabs, value=t_draw).classes("w-full"):
                with ui.tab_panel(t_draw).classes("items-center"):
                    self._draw_panel()
                with ui.tab_panel(t_upload):
                    self._upload_panel()
                with ui.tab_panel(t_camera).classes("items-center"):
                    self._camera_panel()
        elif info is not None:
            with ui.tabs().classes("w-full") as tabs:
                t_values = ui.tab("values", tr("test.features"), icon="tune").mark("tab-values")
                t_table = ui.tab("table", tr("test.upload"), icon="upload_file").mark("tab-table")
            with ui.tab_panels(tabs, value=t_values).classes("w-full"):
                with ui.tab_panel(t_values):
                    pre = self.loaded.preprocessor if self.loaded is not None else None
                    form = FeatureForm(feature_fields(info, pre), self._predict_values)
                with ui.tab_panel(t_table):
                    TablePredictions(self.project, self.lang, self._current)
            if self.loaded is not None:  # a first answer for the starting values, without a click
                ui.timer(0.05, lambda: self._predict_values(dict(form.values)), once=True)

    def _draw_panel(self) -> None:
        with ui.row().classes("w-full items-center justify-between no-wrap gap-2"):
            with ui.element("div").classes("text-sm opacity-80"):  # no "Delete clears" where there is no keyboard
                ui.label(tr("test.draw_hint")).classes("ll-fine-only").mark("draw-hint")
                ui.label(tr("test.draw_hint_touch")).classes("ll-touch-only").mark("draw-hint-touch")
            ui.button(tr("test.clear"), icon="backspace", on_click=self._clear).props("outline no-wrap") \
                .classes("shrink-0").mark("draw-clear")
        # white ink on black: how the image datasets show digits (ink is the high value); for tiny
        # inputs (8×8 digits) a thick brush keeps strokes as bold as the dataset's after shrinking
        side = int(self.info.input_shape[-1]) if self.info is not None else 28
        self.small = side <= 16
        self.canvas = DrawCanvas(ink="#ffffff", paper="#000000", brush=0.14 if self.small else 0.08,
                                 label=tr("test.draw"), lang=self.lang,
                                 on_drawn=self._predict_drawing, on_error=self._fail) \
            .classes("ll-test-draw").mark("draw-canvas")
        self.canvas.on_cleared(lambda: self.bars.clear())  # Delete on the focused canvas clears the answer too

    def _upload_panel(self) -> None:
        explain(ui.upload(label=tr("test.upload_hint"), auto_upload=True, max_file_size=MAX_UPLOAD,
                          on_upload=self._uploaded).props('accept="image/*"').classes("w-full").mark("test-upload"),
                self.lang)
        self.uploaded = ui.image().classes("w-40 h-40 rounded").props('fit="contain" no-spinner')
        self.uploaded.set_visibility(False)

    def _camera_panel(self) -> None:
        self.webcam = Webcam(label=tr("test.camera"), on_frame=self._frame, on_failed=self._fail,
                             lang=self.lang).classes("ll-test-camera").mark("test-webcam")
        with ui.row().classes("gap-2 flex-wrap"):
            start = ui.button(tr("test.start_camera"), icon="videocam", on_click=self.webcam.start).mark("camera-start")
            stop = ui.button(tr("test.stop_camera"), icon="videocam_off", on_click=self._stop_camera) \
                .props("outline").mark("camera-stop")
            ui.button(tr("test.snap"), icon="photo_camera", on_click=self._snap).mark("camera-snap")
        self.live_switch = ui.switch(tr("test.live"), on_change=self._set_live).mark("camera-live")
        stop.set_visibility(False)
        self.webcam.on_state(lambda on: (start.set_visibility(not on), stop.set_visibility(on)))

    def _stop_camera(self) -> None:
        self.live = False
        self.webcam.stop()

    def _snap(self) -> None:
        if self._on_device():
            self.device.snap()
        else:
            self.webcam.capture()

    def _set_live(self, e: Any) -> None:
        self.live = bool(e.value)
        if self.device is not None:
            self.device.set_live(self.live)

    def _live_tick(self) -> None:
        if self.live and not self.busy and getattr(self, "webcam", None) is not None and self.webcam.running \
                and not self._on_device():   # on the device, the browser predicts every frame itself
            self.webcam.capture("live")

    def _clear(self) -> None:
        self.canvas.clear()

    # -- predicting -------------------------------------------------------------------------
    async def _uploaded(self, e: events.UploadEventArguments) -> None:
        try:
            image = decode_image(await e.file.read(), e.file.name, self.lang)
        except PictureError as exc:
            self._fail(str(exc))
            return
        self.error.set_text("")   # a new picture's answer replaces the previous error (also on the device)
        self.uploaded.set_source(to_data_url(image.convert("RGB")))
        self.uploaded.set_visibility(True)
        if self.device is not None:   # while the model loads, the device keeps it to answer when ready
            self.device.predict_url(device_picture(image))
        if self._on_device():
            return
        await self._predict_image(image)

    async def _frame(self, f: Frame) -> None:
        await self._predict_image(f.image)
        if f.tag == "live" and self.device is not None:
            self.device.served()   # the rate of server predictions, shown where the device's would be

    async def _predict_drawing(self, image: Any) -> None:
        if self._on_device():
            self.error.set_text("")   # the device's answer to this stroke replaces an earlier error
            return   # the browser predicted the stroke itself (ondevice.js)
        # framed like the dataset's samples: 8×8 digits fill their frame, larger sets keep a margin
        await self._predict([fit_ink(image, 0.04 if self.small else 0.15)])

    async def _predict_image(self, image: Any) -> None:
        await self._predict([image])

    async def _predict_values(self, values: dict[str, Any]) -> None:
        await self._predict([values])

    async def _predict(self, items: list[Any]) -> None:
        """Predict in a thread (the page stays responsive); input that arrives meanwhile is
        predicted next, so the bars always end on the latest drawing or values."""
        self.pending = items
        if self.busy:
            return
        self.busy = True
        try:
            while self.pending is not None:
                batch, self.pending = self.pending, None
                try:
                    result = await run.io_bound(self._predict_now, batch)
                except (SpecError, PictureError, ValueError, FileNotFoundError) as exc:
                    self._fail(err_text(exc, self.lang))
                    continue
                if result is not None:
                    self._show(result[0])
        finally:
            self.busy = False

    def _show(self, probs: list[float]) -> None:
        self.error.set_text("")
        self._show_using()
        info = self.loaded.info
        if info.task == "classification":
            self.bars.show(info.classes or [str(i) for i in range(len(probs))], probs)
        else:
            target = info.extra.get("target") if isinstance(info.extra, dict) else None
            names = target if isinstance(target, list) else [target or "value"] * len(probs)
            if len(names) != len(probs):
                names = [f"y{i + 1}" for i in range(len(probs))]
            self.bars.show_values(names, probs)

    def _predict_now(self, items: list[Any]) -> list[list[float]] | None:
        """Runs in a worker thread: the newest weights, then the prediction."""
        loaded = self._load()  # cheap when unchanged (cached by the weights file's time)
        if loaded is None:
            raise ValueError(t("test.no_run", self.lang))
        self.loaded = loaded
        probs = self.project.predict(items, run_id=loaded.run_id)
        return [[float(v) for v in row] for row in probs]

    def _fail(self, text: str) -> None:
        """A new error replaces the previous answer: bars beside an error would read as its result."""
        if getattr(self, "bars", None) is not None:
            self.bars.clear()
        if getattr(self, "device", None) is not None:
            self.device.clear()   # the answer drawn on the device too
        if getattr(self, "uploaded", None) is not None:
            self.uploaded.set_visibility(False)   # the picture of the previous answer
        self.error.set_text(t("test.failed", self.lang, error=text))


@ui.page("/p/{project_id}/test")
def test_page(project_id: str) -> None:
    """The Test page of one project."""
    with frame(project_id, "test") as session:
        if session is None:
            return
        TestView(session)
