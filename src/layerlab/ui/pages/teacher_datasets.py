"""On the teacher's page: class datasets (issue 17.5).

"Share for contributions" turns one of the teacher's picture projects into a class dataset: its classes
(and its pictures) go to a pool in the class folder that every pupil adds pictures to and trains their
own model on. Per dataset the teacher sees the counts per class and, for the teacher only, who gave how
many pictures per class; closes or opens it for new pictures; withdraws one pupil's pictures; deletes it
(after asking, with its picture count: pupils' projects on it then say it was deleted).
"""
from __future__ import annotations

from typing import Any

from nicegui import run, ui

from ... import api_class_data as pool
from ...api_errors import SpecError
from ..i18n import err_text, t

REFRESH_S = 2.0


class DatasetsCard:
    """Share a project for contributions; each dataset with its contributors (refreshed every 2 s)."""

    def __init__(self, provider: Any):
        self.p = provider
        self.root = provider.classroom.root
        self.shown: Any = None
        self.stamps: Any = None   # the datasets' stamps when last read: the pictures are read again only on a change
        with ui.card().classes("w-full").mark("datasets-card"):
            ui.label(t("tds.title")).classes("text-h6")
            ui.label(t("tds.hint")).classes("text-body2")
            mine = pool.shareable_projects(provider.classroom.teacher_home)   # picture projects with two or more classes
            with ui.row().classes("items-end gap-4 flex-wrap"):
                self.project = ui.select(mine, value=next(iter(mine), None), label=t("tds.project")) \
                    .style("min-width: 12rem").mark("tds-project")
                ui.button(t("tds.share"), icon="group_add", on_click=self.share).props("color=primary") \
                    .mark("tds-share")
            self.error = ui.label("").classes("text-negative text-sm").props('role="alert"').mark("tds-error")
            self.box = ui.column().classes("w-full gap-3").props('data-testid="tds-list"').mark("tds-list")
        ui.timer(REFRESH_S, self.refresh)

    def share(self) -> None:
        if not self.project.value:
            self.error.set_text(t("tds.no_project"))
            return
        try:
            meta = pool.share_project(self.root, self.p.classroom.teacher_home / self.project.value)
        except SpecError as e:
            self.error.set_text(err_text(e))
            return
        self.error.set_text("")
        ui.notify(t("tds.shared", title=meta["title"]))
        self.refresh_now()

    def views(self) -> list[dict[str, Any]]:
        names = {pid: p.name for pid, p in self.p.classroom.pupils.items()}
        return [pool.teacher_view(self.root, m["id"], names) for m in pool.ClassDatasets(self.root).all()]

    def _stamps(self) -> tuple[Any, ...]:
        """What the card shows depends on: each dataset's stamp and the pupils' names."""
        pool_ = pool.ClassDatasets(self.root)
        return (tuple((m["id"], pool_.stamp(m["id"])) for m in pool_.all()),
                tuple((pid, p.name) for pid, p in self.p.classroom.pupils.items()))

    async def refresh(self) -> None:
        stamps = await run.io_bound(self._stamps)
        if stamps is None or stamps == self.stamps:   # None: the server is shutting down
            return
        self.stamps = stamps
        views = await run.io_bound(self.views)
        if views is not None:   # None: the server is shutting down (NiceGUI's io_bound answers None then)
            self._draw(views)

    def refresh_now(self) -> None:
        self.stamps = None
        self._draw(self.views())

    def _draw(self, views: list[dict[str, Any]]) -> None:
        key = [(v["id"], v["open"], v["counts"], [(r["pupil"], r["counts"], r["name"]) for r in v["contributors"]])
               for v in views]
        if key == self.shown:
            return
        self.shown = key
        self.box.clear()
        with self.box:
            for v in views:
                self._dataset(v)

    def _dataset(self, v: dict[str, Any]) -> None:
        ds = v["id"]
        with ui.column().classes("w-full gap-1").mark(f"tds-{ds}"):
            with ui.row().classes("items-center gap-4 flex-wrap"):
                ui.label(v["title"]).classes("text-subtitle1 font-medium")
                k = len(v["contributors"])
                ui.label(t("tds.total_by_one" if k == 1 else "tds.total", n=v["total"], k=k)).classes("text-body2") \
                    .mark(f"tds-total-{ds}")
                ui.switch(t("tds.open"), value=v["open"], on_change=lambda e, ds=ds: self._open(ds, bool(e.value))) \
                    .mark(f"tds-open-{ds}")
                ui.link(t("tds.add_own"), f"/class-dataset/{ds}")
                ui.button(t("tds.delete"), icon="delete", color="negative",
                          on_click=lambda v=v: self._confirm_delete(v)).props("flat dense").mark(f"tds-delete-{ds}")
            columns = [{"name": "name", "label": t("tds.who"), "field": "name", "align": "left"}]
            columns += [{"name": f"c{i}", "label": c, "field": f"c{i}", "align": "right"}
                        for i, c in enumerate(v["classes"])]
            columns += [{"name": "total", "label": t("tds.sum"), "field": "total", "align": "right"},
                        {"name": "act", "label": "", "field": "act", "align": "right"}]
            rows = [{"id": "", "name": t("tds.all"), "total": v["total"], "act": "",
                     **{f"c{i}": v["counts"][c] for i, c in enumerate(v["classes"])}}]
            for r in v["contributors"]:
                name = t("tds.teacher") if r["pupil"] == pool.TEACHER else (r["name"] or t("tds.gone"))
                rows.append({"id": r["pupil"], "name": name, "total": r["total"], "act": r["pupil"],
                             "tip": t("tds.withdraw", name=name),
                             **{f"c{i}": r["counts"].get(c, 0) for i, c in enumerate(v["classes"])}})
            table = ui.table(columns=columns, rows=rows, row_key="id").classes("w-full").props("dense flat") \
                .mark(f"tds-table-{ds}")
            table.add_slot("body-cell-act", r'''
                <q-td :props="props"><q-btn v-if="props.row.act" flat dense size="sm" icon="undo"
                     :aria-label="props.row.tip" @click="$parent.$emit('withdraw', props.row.act)">
                  <q-tooltip>{{ props.row.tip }}</q-tooltip></q-btn></q-td>''')
            table.on("withdraw", lambda e, ds=ds: self._withdraw(ds, e.args))

    def _open(self, ds: str, is_open: bool) -> None:
        pool.ClassDatasets(self.root).set_open(ds, is_open)
        self.refresh_now()

    def _withdraw(self, ds: str, who: str) -> None:
        pupil = self.p.classroom.pupils.get(who)
        name = t("tds.teacher") if who == pool.TEACHER else (pupil.name if pupil else who)

        def really() -> None:
            n = pool.ClassDatasets(self.root).withdraw(ds, who)
            d.close()
            ui.notify(t("tds.withdrawn", n=n, name=name))
            self.refresh_now()
        with ui.dialog() as d, ui.card():
            ui.label(t("tds.withdraw_ask", name=name)).classes("text-h6")
            with ui.row():
                ui.button(t("cm.cancel"), on_click=d.close).props("flat")
                ui.button(t("tds.withdraw", name=name), on_click=really).props("color=negative") \
                    .mark("tds-withdraw-confirm")
        d.open()

    def _confirm_delete(self, v: dict[str, Any]) -> None:
        """Ask, naming the dataset and how many pictures go, then delete it (its pupils' projects then say so)."""
        def really() -> None:
            d.close()
            try:
                pool.delete_dataset(self.root, v["id"], self.p.classroom.teacher_home)
            except SpecError as e:   # deleted meanwhile (another tab)
                ui.notify(err_text(e), type="warning")
            else:
                ui.notify(t("tds.deleted", title=v["title"]))
            self.refresh_now()
        with ui.dialog() as d, ui.card().style("max-width: 32rem"):
            ui.label(t("tds.delete_ask", title=v["title"])).classes("text-h6")
            ui.label(t("tds.delete_what", n=v["total"])).classes("text-body2")
            with ui.row().classes("w-full justify-end gap-2"):
                ui.button(t("cm.cancel"), on_click=d.close).props("flat")
                ui.button(t("tds.delete"), icon="delete", on_click=really).props("color=negative") \
                    .mark("tds-delete-confirm")
        d.on("hide", d.delete)
        d.open()
