"""A class dataset in the studio (issue 17.5): the pictures the whole class collects together.

A pupil sees the dataset's classes with the class's counts and their own, adds pictures with the
tools of an image project (ClassManager: upload, webcam, drawing) into the pool, sees the latest
pictures as thumbnails (their own outlined), withdraws all of theirs with one button, and makes a
project of their own that trains on the pool. Nothing here names who else gave a picture; the
teacher's page (ui/pages/teacher_datasets.py) does.

Home shows one card per class dataset (`home_cards`); /class-dataset/<id> is the contribution page
(ui/pages/class_dataset.py); the Data page of a project whose data is a class dataset shows the same panel.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from nicegui import run, ui

from ... import api_class_data as pool
from ... import api_workspace as workspace
from ...api_errors import SpecError
from ..i18n import err_text, t
from .class_manager import ClassManager

THUMBS = 24   # the latest pictures shown; the counts say how many there are in all
FOLLOW_S = 3.0   # how often the page looks for the class's new pictures


class PooledPictures:
    """ClassManager's keeper for a class dataset: pictures go to the pool; classes stay the teacher's."""

    edit_classes = False

    def __init__(self, class_dir: Path, ds_id: str, who: str, lang: str) -> None:
        self.class_dir, self.ds_id, self.who, self.lang = class_dir, ds_id, who, lang
        self.title = t("pool.add_title", lang)

    def counts(self) -> dict[str, int]:
        return pool.pupil_view(self.class_dir, self.ds_id, self.who)["counts"]

    def add(self, class_name: str, image: Any) -> str:
        pool.add_picture(self.class_dir, self.ds_id, class_name, image, self.who)
        return t("pool.a_picture", self.lang)

    def add_class(self, name: str) -> None:   # never offered (edit_classes is False)
        raise PermissionError("a class dataset's classes are the teacher's")

    delete_class = add_class


class ClassPoolPanel:
    """One class dataset: counts, adding pictures, the latest pictures, withdraw, a project of my own."""

    def __init__(self, class_dir: Path, ds_id: str, who: str, language: str,
                 on_change: Callable[[], Any] | None = None, own_project: bool = True) -> None:
        self.class_dir, self.ds_id, self.who, self.lang = class_dir, ds_id, who, language
        self.on_change = on_change
        self.stamp = pool.ClassDatasets(class_dir).stamp(ds_id)
        view = pool.pupil_view(class_dir, ds_id, who)
        with ui.card().classes("w-full ll-card gap-2").mark("class-pool"):
            ui.label(t("pool.title", language, title=view["title"])).classes("text-lg font-medium") \
                .props('role="heading" aria-level="2"')
            ui.label(t("pool.hint", language)).classes("text-sm opacity-80")
            self.summary = ui.label("").classes("text-sm font-medium").props('aria-live="polite"') \
                .mark("pool-summary")
            if not view["open"]:
                ui.label(t("pool.closed", language)).classes("text-sm text-negative").mark("pool-closed")
            self.counts_box = ui.row().classes("gap-2 flex-wrap").mark("pool-counts")
            with ui.row().classes("gap-2 flex-wrap"):
                self.withdraw_btn = ui.button(t("pool.withdraw", language), icon="undo", color="negative",
                                              on_click=self._confirm_withdraw).props("outline").mark("pool-withdraw")
                if own_project:
                    ui.button(t("pool.own_project", language), icon="model_training", on_click=self._own_project) \
                        .mark("pool-own-project")
        if view["open"]:
            self.manager = ClassManager(None, language, self.changed,
                                        pictures=PooledPictures(class_dir, ds_id, who, language))
        with ui.card().classes("w-full ll-card gap-2"):
            ui.label(t("pool.latest", language)).classes("font-medium")
            self.thumbs = ui.row().classes("gap-1 flex-wrap").props('data-testid="pool-thumbs"').mark("pool-thumbs")
        self.refresh(view)
        ui.timer(FOLLOW_S, self.follow)   # the others' pictures arrive without a reload

    async def follow(self) -> None:
        """Redraw when the pool changed (someone added or withdrew pictures): its stamp is one stat of two
        files, so thirty pupils' pages polling it cost nothing; the pool is read, in a thread, only then."""
        try:
            stamp = pool.ClassDatasets(self.class_dir).stamp(self.ds_id)
        except SpecError:   # the dataset is gone: the page says so at its next load
            return
        if stamp == self.stamp:
            return
        view = await run.io_bound(pool.pupil_view, self.class_dir, self.ds_id, self.who)
        if view is None:   # the server is shutting down
            return
        self.stamp = stamp
        if [s["id"] for s in view["samples"]] != self.seen:
            self.refresh(view)
            if getattr(self, "manager", None) is not None:
                self.manager.refresh()   # its class list shows the class's counts too

    def refresh(self, view: dict[str, Any] | None = None) -> None:
        """Redraw the counts and the latest pictures from the pool."""
        if view is None:
            self.stamp = pool.ClassDatasets(self.class_dir).stamp(self.ds_id)   # first: a change while reading counts
            view = pool.pupil_view(self.class_dir, self.ds_id, self.who)
        self.seen = [s["id"] for s in view["samples"]]
        mine = sum(view["mine"].values())
        self.summary.set_text(t("pool.summary", self.lang, n=view["total"], mine=mine))
        self.withdraw_btn.set_enabled(mine > 0)
        self.counts_box.clear()
        with self.counts_box:
            for c, n in view["counts"].items():
                ui.badge(t("pool.count", self.lang, cls=c, n=n, mine=view["mine"][c])) \
                    .props("outline").classes("text-sm").mark(f"pool-count-{c}")
        self.thumbs.clear()
        with self.thumbs:
            latest = view["samples"][-THUMBS:][::-1]
            if not latest:
                ui.label(t("pool.none", self.lang)).classes("opacity-70")
            for s in latest:
                alt = t("pool.thumb_mine" if s["mine"] else "pool.thumb", self.lang, cls=s["class"])
                img = ui.image(f"/api/class-datasets/{self.ds_id}/samples/{s['id']}.png?size=64") \
                    .props(f'alt="{alt}" title="{alt}" no-spinner') \
                    .classes("w-16 h-16 rounded" + (" ring-2 ring-primary" if s["mine"] else ""))
                if self.who == pool.TEACHER:   # the teacher takes out a picture that does not belong
                    img.classes("cursor-pointer").props('role="button" tabindex="0"') \
                        .on("click", lambda sid=s["id"]: self._confirm_remove(sid)) \
                        .on("keydown.enter", lambda sid=s["id"]: self._confirm_remove(sid))

    def changed(self) -> None:
        self.refresh()
        if self.on_change is not None:
            self.on_change()

    def _confirm_remove(self, sample_id: str) -> None:
        with ui.dialog() as dialog, ui.card():
            ui.image(f"/api/class-datasets/{self.ds_id}/samples/{sample_id}.png?size=192").classes("w-48 h-48")
            ui.label(t("pool.remove_ask", self.lang))
            with ui.row().classes("w-full justify-end gap-2"):
                ui.button(t("cm.cancel", self.lang), on_click=dialog.close).props("flat")
                ui.button(t("pool.remove", self.lang), icon="delete", color="negative",
                          on_click=lambda: self._remove(dialog, sample_id)).mark("pool-remove-confirm")
        dialog.on("hide", dialog.delete)
        dialog.open()

    def _remove(self, dialog: ui.dialog, sample_id: str) -> None:
        dialog.close()
        try:
            pool.ClassDatasets(self.class_dir).remove(self.ds_id, sample_id)
        except SpecError as e:   # withdrawn meanwhile
            ui.notify(err_text(e, self.lang), type="warning")
        self.changed()

    def _confirm_withdraw(self) -> None:
        with ui.dialog() as dialog, ui.card():
            ui.label(t("pool.withdraw_ask", self.lang))
            with ui.row().classes("w-full justify-end gap-2"):
                ui.button(t("cm.cancel", self.lang), on_click=dialog.close).props("flat")
                ui.button(t("pool.withdraw", self.lang), icon="undo", color="negative",
                          on_click=lambda: self._withdraw(dialog)).mark("pool-withdraw-confirm")
        dialog.on("hide", dialog.delete)
        dialog.open()

    def _withdraw(self, dialog: ui.dialog) -> None:
        dialog.close()
        n = pool.ClassDatasets(self.class_dir).withdraw(self.ds_id, self.who)
        ui.notify(t("pool.withdrawn", self.lang, n=n))
        self.changed()

    async def _own_project(self) -> None:
        view = pool.pupil_view(self.class_dir, self.ds_id, self.who)
        name = pool.own_model_name(view["title"], self.lang)   # not the lesson's name: 'Obst – mein Modell'
        folder = workspace.home() / workspace.unique_id(name)
        try:
            project = await run.io_bound(pool.project_on_dataset, self.class_dir, self.ds_id, folder, name)
        except SpecError as e:
            ui.notify(err_text(e, self.lang), type="negative")
            return
        ui.navigate.to(f"/p/{project.dir.name}/train")


def in_class() -> tuple[Path, str] | None:
    """(class folder, who) for this request's workspace on a class server, else None."""
    return pool.who_in_class(workspace.home())


def home_cards() -> None:
    """Home on a class server: a card per class dataset, with the class's count and a way in."""
    found = in_class()
    if found is None:
        return
    class_dir, who = found
    datasets = pool.ClassDatasets(class_dir).all()
    for meta in datasets:
        view = pool.pupil_view(class_dir, meta["id"], who)
        with ui.card().classes("ll-card w-full").mark(f"class-dataset-{meta['id']}"):
            ui.label(t("pool.title", title=view["title"])).classes("text-lg font-semibold")
            ui.label(t("pool.summary", n=view["total"], mine=sum(view["mine"].values()))).classes("text-sm")
            ui.label(", ".join(view["classes"])).classes("text-sm opacity-80")
            ui.button(t("pool.open"), icon="add_a_photo",
                      on_click=lambda ds=meta["id"]: ui.navigate.to(f"/class-dataset/{ds}")) \
                .mark(f"open-class-dataset-{meta['id']}")


def data_page_panel(doc: dict[str, Any], language: str, on_change: Callable[[], Any]) -> ClassPoolPanel | None:
    """On the Data page of a project that trains on a class dataset: the pool's panel (None otherwise)."""
    data = doc.get("data") or {}
    found = in_class()
    if data.get("source") != pool.SOURCE or found is None:
        return None
    try:
        return ClassPoolPanel(found[0], str((data.get("params") or {}).get("dataset")), found[1], language,
                              on_change=on_change, own_project=False)
    except SpecError:   # the teacher deleted the dataset: the overview's error says so and what to do (once)
        return None
