"""The teacher's page of a class server: the class code and its QR code, and every pupil at a glance.

Only the teacher reaches it (the security middleware answers a pupil's request for /teacher with
403). The class itself is served by whoever starts the class server (`layerlab classroom`), which
hands this page its `provider` with `use()`: the class (name, code, joining), the pupils' rows
and the teacher's actions. In the single-user studio the page says how to start a class.
"""
from __future__ import annotations

import time
from typing import Any

import segno
from nicegui import run, ui
from starlette.requests import Request

from ...i18n import Text, msg
from ...api_class import workspace_projects
from ..frame import TABS, frame, lang
from ..i18n import t
from . import teacher_datasets, teacher_life

PROVIDER: Any = None   # the class server's ClassServer, set by `use`
REFRESH_S = 2.0
STATUS = {"running": msg("running"), "paused": msg("paused"), "queued": msg("queued")}


# a pupil's projects as links (each opens the read-only projector view) and the row's actions, shared by the
# table's cells and the narrow screen's cards
PROJECT_LINKS = r'''<span v-if="!props.row.links.length">–</span>
    <template v-for="(p, i) in props.row.links" :key="p.href">{{ i ? ', ' : '' }}<a :href="p.href"
       class="text-primary">{{ p.name }}</a></template>'''
ACTIONS = r'''
    <q-btn flat dense size="sm" icon="stop" :aria-label="props.row.aria_stop"
           @click="$parent.$emit('stop', props.row.id)" v-if="props.row.training !== '–'">
      <q-tooltip>{{ props.row.tip_stop }}</q-tooltip></q-btn>
    <q-btn flat dense size="sm" icon="key" :aria-label="props.row.aria_rejoin"
           @click="$parent.$emit('rejoin', props.row.id)">
      <q-tooltip>{{ props.row.tip_rejoin }}</q-tooltip></q-btn>
    <q-btn flat dense size="sm" icon="delete" :aria-label="props.row.aria_remove"
           @click="$parent.$emit('remove', props.row.id)">
      <q-tooltip>{{ props.row.tip_remove }}</q-tooltip></q-btn>'''


def use(provider: Any) -> None:
    """Serve this class on the teacher's page (called once by the class server at start)."""
    global PROVIDER
    PROVIDER = provider


def _t(text: Text) -> str:
    return text.to(lang())


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return _t(msg("not yet"))
    s = max(0, int(time.time() - seconds))
    return _t(msg("{n} s ago", n=s)) if s < 60 else _t(msg("{n} min ago", n=s // 60))


def _training(row: dict[str, Any]) -> str:
    tr = row.get("training")
    if not tr:
        return "–"
    if tr["status"] == "queued":
        ahead = tr.get("position")
        return _t(msg("queued, {n} ahead", n=ahead)) if ahead else _t(msg("queued"))
    acc = tr.get("val_accuracy")
    shown = f" · {acc * 100:.0f} %" if isinstance(acc, (int, float)) else ""
    status = _t(STATUS.get(tr["status"], msg("running")))
    return _t(msg("{status} · epoch {epoch} of {epochs}", status=status, epoch=tr["epoch"],
                  epochs=tr.get("epochs") or "?")) + shown


def _joining(is_open: bool) -> str:
    """The joining switch's label: the state it is in now."""
    return _t(msg("Joining open")) if is_open else _t(msg("Joining closed"))


def _page(path: str | None, projects: list[dict[str, Any]] | None = None) -> str:
    """ "XOR · Train" for /p/xor/train (the project's name, with its folder when two share it; the folder when
    the project is not listed), "Home" for /, the path otherwise."""
    if not path:
        return "–"
    parts = [p for p in path.split("/") if p]
    if not parts:
        return _t(msg("Home"))
    if parts[0] == "p" and len(parts) >= 3 and parts[2] in TABS:
        names = [p["name"] for p in projects or ()]
        name = next((p["name"] for p in projects or () if p["id"] == parts[1]), None)
        shown = parts[1] if name is None else name if names.count(name) == 1 else f"{name} ({parts[1]})"
        return f"{shown} · {t(f'nav.{parts[2]}')}"
    if parts[0] == "class-dataset":   # adding pictures to a class dataset (17.5)
        return t("tds.page")
    return path


class TeacherView:
    """The class card (code, QR, joining) and the live table of pupils."""

    def __init__(self, provider: Any, join_url: str):
        self.p = provider
        c = provider.classroom
        link = f"{join_url}?code={c.code}"
        with ui.card().classes("w-full"):
            with ui.row().classes("items-center gap-6 flex-wrap"):
                ui.html(segno.make(link, error="m").svg_inline(scale=5, dark="#000", light="#fff")) \
                    .props('role="img"').tooltip(link)
                with ui.column().classes("gap-1").style("flex: 1 1 16rem; min-width: 0"):   # beside the QR code, below it on a phone
                    ui.label(c.name).classes("text-h5")
                    ui.label(_t(msg("Class code"))).classes("text-caption")
                    ui.label(c.code).classes("text-h3 font-mono tracking-widest").props("data-class-code")
                    ui.label(_t(msg("Pupils open {url} and type the code, or scan the QR code.", url=join_url))) \
                        .classes("text-body2")
                    tls = getattr(provider, "tls", None)
                    if tls and tls.get("ca_path"):
                        with ui.row().classes("items-center gap-2 text-body2").mark("class-ca"):
                            ui.label(_t(msg("Phones and tablets: install this certificate once, then the camera "
                                            "works over https:")))
                            ui.link(_t(msg("certificate")), tls["ca_path"]).props("download")
                            ui.label(f"SHA-256 {tls['fingerprint']}").classes("font-mono text-caption break-all")
                        if tls.get("server_fingerprint"):   # what a phone's certificate viewer shows for this address
                            ui.label(_t(msg("The server's own certificate, signed by it: SHA-256 {fingerprint}",
                                            fingerprint=tls["server_fingerprint"]))) \
                                .classes("font-mono text-caption break-all").mark("class-server-cert")
                    self.joining = ui.switch(_joining(c.open_for_joining), value=c.open_for_joining,
                                             on_change=self._set_joining).mark("joining")
        self._lesson_card()
        teacher_datasets.DatasetsCard(provider)   # class datasets the pupils add pictures to (17.5)
        ui.label(_t(msg("Pupils"))).classes("text-h6 mt-4")
        self.empty = ui.label(_t(msg("Nobody has joined yet."))).classes("text-body2")
        self.queue = teacher_life.QueueLine(provider, REFRESH_S)  # "2 training, 3 waiting · next: Ben, ..."
        columns = [{"name": k, "label": _t(label), "field": k, "align": "left"} for k, label in (
            ("name", msg("Name")), ("projects", msg("Projects")), ("page", msg("Page")), ("training", msg("Training")),
            ("best", msg("Best validation accuracy")), ("seen", msg("Last activity")))]
        # below 600 px (a teacher's phone walking round the class) each pupil is a card with every column's
        # value, so nothing hides behind sideways scrolling; q-table's grid mode, same rows and actions
        self.table = ui.table(columns=columns, rows=[], row_key="id").classes("w-full") \
            .props(':grid="Quasar.Screen.lt.sm"').mark("pupils-table")
        self.table.add_slot("body-cell-projects", r'''
            <q-td :props="props">''' + PROJECT_LINKS + "</q-td>")
        self.table.add_slot("body-cell-name", r'''
            <q-td :props="props">{{ props.row.name }}''' + ACTIONS + "</q-td>")
        self.table.add_slot("item", r'''
            <div class="col-12 q-pa-xs"><q-card flat bordered class="q-px-sm q-py-xs" :data-pupil="props.row.name">
              <div class="row items-center no-wrap"><div class="col text-subtitle1 text-weight-bold ellipsis">
                {{ props.row.name }}</div>''' + ACTIONS + r'''</div>
              <div v-for="col in props.cols.filter(c => c.name !== 'name' && c.name !== 'projects')" :key="col.name"
                   class="text-body2"><span class="text-grey-8">{{ col.label }}:</span> {{ col.value }}</div>
              <div class="text-body2"><span class="text-grey-8">{{ props.cols.find(c => c.name === 'projects').label
                }}:</span> ''' + PROJECT_LINKS + r'''</div>
            </q-card></div>''')
        self.table.on("stop", lambda e: self._stop(e.args))
        self.table.on("rejoin", lambda e: self._rejoin(e.args))
        self.table.on("remove", lambda e: self._remove(e.args))
        ui.timer(REFRESH_S, self.refresh)   # at once, then every 2 s
        teacher_life.end_class_button(provider, on_end=lambda: (self.joining.set_value(False), self.refresh_now(),
                                                                self.queue.refresh()))

    def _set_joining(self, e: Any) -> None:
        """Open or close joining; the switch then says which it is."""
        self.p.classroom.set_open(bool(e.value))
        self.joining.set_text(_joining(bool(e.value)))

    def _lesson_card(self) -> None:
        """Send one of the teacher's projects to everyone, with parts locked and pages hidden; the lessons sent."""
        mine = {p["id"]: p["name"] for p in workspace_projects(self.p.classroom.teacher_home) if not p["damaged"]}
        with ui.card().classes("w-full").mark("lesson-card"):
            ui.label(_t(msg("Send a lesson"))).classes("text-h6")
            if not mine:
                ui.label(_t(msg("Create a project on your start page first: it becomes the lesson each pupil gets "
                                "a copy of.")))
                ui.link(_t(msg("Go to your start page")), "/").mark("to-home")
            else:
                with ui.row().classes("items-end gap-4 flex-wrap"):
                    project = ui.select(mine, value=next(iter(mine)), label=_t(msg("Project"))) \
                        .style("min-width: 12rem")
                    locks = {part: ui.checkbox(_t(label)) for part, label in (
                        ("data", msg("Lock the data")), ("layers", msg("Lock the layers")),
                        ("training", msg("Lock the training settings")))}
                    pages = {k: t(f"nav.{k}") for k in TABS}
                    hide = ui.select(pages, multiple=True, value=[], label=_t(msg("Hide pages"))) \
                        .style("min-width: 12rem")

                    def send() -> None:
                        locked = tuple(k for k, c in locks.items() if c.value)
                        sent = self.p.classroom.send_lesson(project.value, locked, tuple(hide.value or ()))
                        n = len(sent["copies"])
                        ui.notify(_t(msg("Sent {title!r} to 1 pupil", title=sent["title"]) if n == 1 else
                                     msg("Sent {title!r} to {n} pupils", title=sent["title"], n=n)))
                        self._show_lessons()
                    ui.button(_t(msg("Send to the class")), on_click=send).props("color=primary")
            self.lessons = ui.column().classes("gap-1")
            self._show_lessons()

    def _show_lessons(self) -> None:
        self._lessons_seen = [len(x["copies"]) for x in self.p.classroom.lessons]
        self.lessons.clear()
        with self.lessons:
            for x in reversed(self.p.classroom.lessons):
                with ui.row().classes("items-center gap-3"):
                    n = len(x["copies"])
                    ui.label(_t(msg("{title!r}: 1 copy", title=x["title"]) if n == 1 else
                                msg("{title!r}: {n} copies", title=x["title"], n=n)))
                    ui.link(_t(msg("Results (CSV)")), f"/api/class/lessons/{x['id']}/results?format=csv")

    async def refresh(self) -> None:
        """Redraw from the pupils' rows, read in a thread: 30 workspaces are too much for the event loop."""
        pupils = await run.io_bound(self.p.pupils)
        if pupils is not None:  # None: the server is shutting down (NiceGUI's io_bound answers None then)
            self._draw(pupils)

    def refresh_now(self) -> None:
        """Redraw at once after the teacher's own action (stop, remove, end)."""
        self._draw(self.p.pupils())

    def _draw(self, pupils: list[dict[str, Any]]) -> None:
        rows = []
        tips = {"tip_stop": _t(msg("Stop this pupil's training")), "tip_rejoin": _t(msg("New rejoin code")),
                "tip_remove": _t(msg("Delete this pupil and all their projects"))}
        for r in pupils:
            names = ", ".join(p["name"] for p in r["projects"]) or "–"
            best = r.get("best")
            links = [{"name": p["name"], "href": f"/teacher/pupils/{r['id']}/{p['id']}"} for p in r["projects"]]
            rows.append({"id": r["id"], "name": r["name"], "projects": names, "links": links,
                         "page": _page(r.get("page"), r["projects"]),
                         "training": _training(r), "best": f"{best * 100:.0f} %" if best is not None else "–",
                         "seen": _ago(r.get("last_seen")), **tips,
                         # what a screen reader says for each action button, with the pupil's name
                         "aria_stop": _t(msg("Stop the training of {name}", name=r["name"])),
                         "aria_rejoin": _t(msg("New rejoin code for {name}", name=r["name"])),
                         "aria_remove": _t(msg("Delete {name}", name=r["name"]))})
        if getattr(self, "_lessons_seen", None) not in (None, [len(x["copies"]) for x in self.p.classroom.lessons]):
            self._show_lessons()   # a pupil joined and got the lessons: their counts change
        if self.joining.value != self.p.classroom.open_for_joining:   # changed by the API or another tab
            self.joining.value = self.p.classroom.open_for_joining
        self.empty.set_visibility(not rows)
        self.table.set_visibility(bool(rows))
        if rows != self.table.rows:
            self.table.rows = rows
            self.table.update()

    def _name(self, pid: str) -> str:
        pupil = self.p.classroom.pupils.get(pid)
        return pupil.name if pupil else pid

    def _stop(self, pid: str) -> None:
        n = self.p.stop_runs(pid)
        ui.notify(_t(msg("Stopped 1 run of {name}", name=self._name(pid)) if n == 1 else
                     msg("Stopped {n} runs of {name}", n=n, name=self._name(pid))))
        self.refresh_now()

    def _rejoin(self, pid: str) -> None:
        name = self._name(pid)
        code = self.p.classroom.reset_rejoin(pid)
        with ui.dialog() as d, ui.card():
            ui.label(_t(msg("New rejoin code for {name}", name=name))).classes("text-h6")
            ui.label(f"{code[:4]}-{code[4:]}").classes("text-h4 font-mono").props("data-rejoin")
            ui.label(_t(msg("The old code no longer works.")))
            ui.button(_t(msg("Close")), on_click=d.close)
        d.open()

    def _remove(self, pid: str) -> None:
        name = self._name(pid)

        async def really() -> None:
            d.close()
            await run.io_bound(self.p.remove_pupil, pid)   # waits for the pupil's runs to stop: off the loop
            ui.notify(_t(msg("{name} and all their projects were deleted", name=name)))
            self.refresh_now()
        with ui.dialog() as d, ui.card():
            ui.label(_t(msg("Delete {name} and all their projects?", name=name))).classes("text-h6")
            ui.label(_t(msg("This cannot be undone.")))
            with ui.row():
                ui.button(_t(msg("Cancel")), on_click=d.close).props("flat")
                ui.button(_t(msg("Delete")), on_click=really).props("color=negative")
        d.open()


@ui.page("/teacher")
def teacher_page(request: Request) -> None:
    """The class at a glance (teacher only)."""
    with frame(None, "teacher"):
        if PROVIDER is None:
            ui.label(_t(msg("This studio is not a class server."))).classes("text-h6")
            ui.label(_t(msg("Start one with `layerlab classroom`: pupils then join with a code and each works in "
                        "their own workspace.")))
            return
        TeacherView(PROVIDER, f"{request.url.scheme}://{request.headers.get('host', 'localhost')}/join")
