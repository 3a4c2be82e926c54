"""The user's own image classes on the Data page: counts, a new class, and three ways to add
pictures to the chosen class: upload (each file decoded before it is kept), a webcam burst
(N pictures every t seconds) and drawing on a canvas.

Pictures go through `layerlab.data.samples` (data/images/<class>/ of the project), or through another
`pictures` keeper: a class dataset's pool (ui/components/class_pool.py), where a pupil adds pictures but
neither adds, renames nor deletes a class.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any, Callable

from nicegui import events, run, ui

from ...api_data import samples
from ...api_errors import SpecError
from ..i18n import err_text, t
from .canvas import DrawCanvas
from .local_number import LocalNumber
from .pictures import PictureError, decode_image
from .refusals import explain
from .webcam import Frame, Webcam

log = logging.getLogger(__name__)
UPLOAD_RUN_S = 5.0   # uploads this close together count as one choice of files
MAX_UPLOAD = 10 * 1024 * 1024
HOLD_EVERY_S, HOLD_MAX = 0.1, 300  # hold-to-record: ten pictures a second, at most 30 s


class ProjectPictures:
    """The project's own picture folder: classes may be added and deleted here."""

    edit_classes = True

    def __init__(self, project_dir: Path) -> None:
        self.dir = Path(project_dir)

    def counts(self) -> dict[str, int]:
        return samples.class_counts(self.dir)

    def add(self, class_name: str, image: Any) -> str:
        """Keep one picture; the name to show for it."""
        return samples.add_sample(self.dir, class_name, image).name

    def add_class(self, name: str) -> None:
        samples.add_class(self.dir, name)

    def delete_class(self, name: str) -> None:
        samples.delete_class(self.dir, name)


class ClassManager:
    """Classes with counts, and upload / camera / drawing into the chosen class."""

    def __init__(self, project_dir: Path | None, lang: str, on_change: Callable[[], Any],
                 pictures: Any = None) -> None:
        self.pictures = pictures if pictures is not None else ProjectPictures(Path(project_dir or "."))
        self.lang, self.on_change = lang, on_change
        self.target: str | None = None
        self.burst_added = 0
        self.holding = False
        self._upload_run: tuple[int, str | None, float] = (0, None, 0.0)   # files of one choice: count, class, last
        with ui.card().classes("w-full ll-card gap-2") as self.card:
            ui.label(getattr(self.pictures, "title", None) or self.tr("cm.title")).classes("text-lg font-medium")
            self.list_box = ui.column().classes("w-full gap-1").mark("class-list")
            with ui.row().classes("items-end gap-2 flex-wrap") as new_row:
                self.new_name = ui.input(self.tr("cm.new")).props("outlined dense").mark("new-class") \
                    .on("keydown.enter", self.add_class)
                ui.button(self.tr("cm.add"), icon="add", on_click=self.add_class).mark("add-class")
            new_row.set_visibility(self.pictures.edit_classes)
            self.select = ui.select([], label=self.tr("cm.target"), on_change=lambda e: setattr(self, "target", e.value)) \
                .props("outlined dense").classes("w-full sm:w-64").mark("target-class")
            self.message = ui.label("").classes("text-sm").props('aria-live="polite"').mark("class-message")
            self.note_label = ui.label("").classes("text-sm text-primary").props('aria-live="polite"') \
                .mark("output-note")
            self.note_label.set_visibility(False)
            # no capitals and narrow padding: Upload pictures, Camera and Draw fit side by side at 375 px
            with ui.tabs().classes("w-full").props("mobile-arrows outside-arrows no-caps") as tabs:
                t_up = ui.tab("upload", self.tr("cm.upload"), icon="upload").mark("tab-class-upload")
                t_cam = ui.tab("camera", self.tr("cm.camera"), icon="photo_camera").mark("tab-class-camera")
                t_draw = ui.tab("draw", self.tr("cm.draw"), icon="draw").mark("tab-class-draw")
            with ui.tab_panels(tabs, value=t_up).classes("w-full"):
                with ui.tab_panel(t_up):
                    uploader = ui.upload(label=self.tr("cm.upload_hint"), multiple=True, auto_upload=True,
                                         max_file_size=MAX_UPLOAD, on_upload=self._uploaded)
                    # once the files are in, the list of large previews goes (on a phone it filled the screen);
                    # the message and the class counts say what was added
                    uploader.on("finish", lambda: uploader.reset())
                    explain(uploader.props('accept="image/*"').classes("w-full").mark("class-upload"), lang)
                with ui.tab_panel(t_cam).classes("items-center"):
                    self._camera()
                with ui.tab_panel(t_draw).classes("items-center"):
                    self.canvas = DrawCanvas(label=self.tr("cm.draw"), on_error=self._fail, lang=lang) \
                        .mark("class-canvas")
                    with ui.row().classes("gap-2"):
                        ui.button(self.tr("cm.save_drawing"), icon="add_photo_alternate",
                                  on_click=self._save_drawing).mark("save-drawing")
                        ui.button(self.tr("cm.clear"), icon="backspace", on_click=self.canvas.clear) \
                            .props("outline").mark("clear-drawing")
        self.refresh()

    def tr(self, key: str, **fmt: Any) -> str:
        return t(key, self.lang, **fmt)

    # -- classes ----------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        return self.pictures.counts()

    def refresh(self) -> None:
        """Redraw the class list and the class choice."""
        counts = self.counts()
        self.list_box.clear()
        with self.list_box:
            if not counts:
                ui.label(self.tr("cm.none")).classes("opacity-70")
            for name, n in counts.items():
                with ui.row().classes("items-center gap-2").mark(f"class-row-{name}"):
                    ui.label(name).classes("font-medium")
                    ui.badge(self.tr("cm.count", n=n)).mark(f"count-{name}")
                    if not self.pictures.edit_classes:
                        continue
                    ui.button(icon="delete", on_click=lambda name=name, n=n: self._confirm_delete(name, n)) \
                        .props(f'flat dense round size=sm aria-label="{self.tr("cm.delete", cls=name)}"') \
                        .mark(f"delete-{name}") \
                        .tooltip(self.tr("cm.delete", cls=name))
        self.select.set_options(list(counts))
        if self.target not in counts:
            self.target = next(iter(counts), None)
        self.select.set_value(self.target)

    def add_class(self) -> None:
        name = (self.new_name.value or "").strip()
        try:
            self.pictures.add_class(name)
        except SpecError as e:
            self._fail(". ".join(err_text(x, self.lang).rstrip(".") for x in (e.message, e.hint) if x))
            return
        self.new_name.set_value("")
        self.target = name
        self._say("")
        self._changed()

    def _confirm_delete(self, name: str, n: int) -> None:
        """Ask first: a class may hold many captured pictures."""
        if n == 0:
            self._delete(name)
            return
        with self.card, ui.dialog() as dialog, ui.card():  # not inside the list, which is redrawn
            ui.label(self.tr("cm.confirm", cls=name, n=n))
            with ui.row().classes("w-full justify-end gap-2"):
                ui.button(self.tr("cm.cancel"), on_click=dialog.close).props("flat").mark("cancel-delete")
                ui.button(self.tr("cm.delete", cls=name), icon="delete", color="negative",
                          on_click=lambda: self._delete(name, dialog)).mark("confirm-delete")
        dialog.on("hide", dialog.delete)
        dialog.open()

    def _delete(self, name: str, dialog: ui.dialog | None = None) -> None:
        if dialog is not None:
            dialog.close()
        self.pictures.delete_class(name)
        self._say(self.tr("cm.deleted", cls=name))
        self._changed()

    def _changed(self) -> None:
        self.refresh()
        self.on_change()

    # -- adding pictures ----------------------------------------------------------------------
    def _add(self, image: Any, label: str) -> bool:
        if not self.target:
            self._fail(self.tr("cm.pick_class"))
            return False
        try:
            shown = self.pictures.add(self.target, image)
        except SpecError as e:
            self._fail(err_text(e, self.lang))
            return False
        self._say(self.tr("cm.added", file=label or shown, cls=self.target))
        return True

    async def _uploaded(self, e: events.UploadEventArguments) -> None:
        try:
            # a file that only claims to be a picture stops here
            image = decode_image(await e.file.read(), e.file.name, self.lang)
        except PictureError as exc:
            self._fail(str(exc))
            return
        target = self.target
        if self._add(image, e.file.name):
            # several files chosen at once arrive one by one: the message counts them ("Added 2 pictures to
            # circle."), where it named only the last file
            now = time.monotonic()
            n, cls, last = self._upload_run
            n = n + 1 if cls == target and now - last < UPLOAD_RUN_S else 1
            self._upload_run = (n, target, now)
            if n > 1:
                self._say(self.tr("cm.added_n", n=n, cls=target))
            self._changed()

    def _camera(self) -> None:
        self.webcam = Webcam(label=self.tr("cm.camera"), on_frame=self._frame, on_failed=self._fail, lang=self.lang) \
            .mark("class-webcam")
        with ui.row().classes("items-end gap-2 flex-wrap"):
            # no min/max on the inputs (the browser would clamp without a word): the field says what is wrong
            self.burst_n = ui.number(self.tr("cm.burst_n"), value=10, step=1, format="%d",
                                     validation=self._burst_n_problem).props("outlined dense").classes("w-24") \
                .mark("burst-n")
            self.burst_t = LocalNumber(self.tr("cm.burst_t"), value=0.5, step=0.1, validation=self._burst_t_problem) \
                .props("outlined dense").classes("w-24").mark("burst-t")
        with ui.row().classes("gap-2 flex-wrap"):
            start = ui.button(self.tr("cm.start_camera"), icon="videocam", on_click=self.webcam.start) \
                .mark("class-camera-start")
            stop = ui.button(self.tr("cm.stop_camera"), icon="videocam_off", on_click=self.webcam.stop) \
                .props("outline").mark("class-camera-stop")
            self.burst_btn = ui.button(self.tr("cm.burst", n=10), icon="burst_mode", on_click=self._burst) \
                .mark("burst")
            # Teachable Machine's way: pictures are taken while the button is held down (mouse, finger or Space)
            hold = ui.button(self.tr("cm.hold"), icon="fiber_manual_record").props("outline").mark("hold-record") \
                .tooltip(self.tr("cm.hold_hint"))
            for down in ("mousedown", "touchstart", "keydown.space"):
                hold.on(down, self._hold_start, [])
            for up in ("mouseup", "mouseleave", "touchend", "touchcancel", "keyup.space", "blur"):
                hold.on(up, self._hold_stop, [])
        # the camera's own progress line, under its buttons: on a phone the message above the tabs is scrolled
        # out of view while the pupil looks at the camera and holds the button
        self.camera_note = ui.label("").classes("text-sm").props('aria-live="polite"').mark("camera-note")
        self.camera_note.set_visibility(False)
        stop.set_visibility(False)
        self.webcam.on_state(lambda on: (start.set_visibility(not on), stop.set_visibility(on)))
        self.webcam.on_burst_done(self._burst_done)
        self.burst_n.on_value_change(lambda e: None if self._burst_n_problem(e.value) else
                                     self.burst_btn.set_text(self.tr("cm.burst", n=int(e.value))))

    def _burst_n_problem(self, v: Any) -> str | None:
        ok = v is not None and float(v).is_integer() and 1 <= v <= 200
        return None if ok else self.tr("cm.range", low=1, high=200)

    def _burst_t_problem(self, v: Any) -> str | None:
        return None if v is not None and 0.05 <= v <= 60 else self.tr("cm.range", low=0.05, high=60)

    def _burst(self) -> None:
        if not self.target:
            self._fail(self.tr("cm.pick_class"))
            return
        problem = self._burst_n_problem(self.burst_n.value) or self._burst_t_problem(self.burst_t.value)
        if problem:  # never clamped silently: nothing is taken until the field is fixed
            self._fail(problem)
            return
        n, every = int(self.burst_n.value), float(self.burst_t.value)
        self.burst_added = 0
        self.webcam.burst(n, every, tag=self.target)

    def _hold_start(self) -> None:
        if self.holding:
            return  # a held key repeats its keydown
        if not self.target:
            self._fail(self.tr("cm.pick_class"))
            return
        self.holding, self.burst_added = True, 0
        self.webcam.burst(HOLD_MAX, HOLD_EVERY_S, tag=self.target)

    def _hold_stop(self) -> None:
        if self.holding:
            self.webcam.cancel()  # the browser answers with burst_done, after the frames it sent

    def _burst_done(self, tag: str) -> None:
        if self.holding:
            self.holding = False
            self._say(self.tr("cm.captured", n=self.burst_added, cls=tag or self.target), camera=True)
        self._changed()

    def _frame(self, f: Frame) -> None:
        cls = f.tag or self.target  # the class chosen when the burst began
        if not cls:
            return
        try:
            self.pictures.add(cls, f.image)
        except SpecError as e:
            self._fail(err_text(e, self.lang))
            return
        self.burst_added += 1
        if self.holding:
            self._say(self.tr("cm.recording", n=self.burst_added, cls=cls), camera=True)
        else:
            self._say(self.tr("cm.capturing", i=f.index, n=f.total) if f.index < f.total
                      else self.tr("cm.captured", n=f.total, cls=cls), camera=True)
        if f.index % 5 == 0 or f.index == f.total:  # counts move during a long burst, without a redraw per frame
            self.refresh()

    def _save_drawing(self) -> None:
        if self.canvas.picture is None:
            return
        if self._add(self.canvas.picture, ""):
            self.canvas.clear()
            self._changed()

    def note(self, text: str) -> None:
        """A one-line note after the message (e.g. that the output layer follows the classes)."""
        self.note_label.set_text(text[:1].upper() + text[1:] + ".")
        self.note_label.set_visibility(True)

    def _fail(self, text: str) -> None:
        self.message.set_text(self.tr("cm.failed", error=text))
        self.message.classes(add="text-negative")

    def _say(self, text: str, camera: bool = False) -> None:
        self.message.set_text(text)
        self.message.classes(remove="text-negative")
        if camera and hasattr(self, "camera_note"):   # a capture's progress, also next to the camera
            self.camera_note.set_text(text)
            self.camera_note.set_visibility(True)
