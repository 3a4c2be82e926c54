"""The class server: pupils join with the class code, each works in their own workspace.

    layerlab classroom --host 0.0.0.0 --https --class-name 7b

The printed link (with the teacher's token) opens the teacher's page; pupils open /join (or scan
the QR code there), type the class code and their name, and get a personal token in an HttpOnly
cookie and a rejoin code for another device. The security middleware (server/security.py) turns a
pupil's token into a `Guest`: every page, /api route, upload, download and socket of that request
then works in the pupil's folder only, and the teacher's paths (/teacher, /api/class/...) answer
403. Scripts join with `POST /api/class/join {"code", "name"}` -> `{"token"}` and send
`Authorization: Bearer <token>`.
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from .. import api_class as api
from ..api_owners import set_owner_lookup
from ..i18n import localize, msg
from ..api_errors import SpecError
from ..api_class import Classroom, JoinError
from ..api_class_life import stop_and_wait
from . import class_dataset, class_life
from .class_pages import JOIN_PATH, join_html, welcome_html
from .routing import accept_language
from .class_auth import (Guest, PupilAuth, bind_page_clients, current_guest, keep_context_in_io_bound,
                         send_pages_away, set_pupil_cookie)
from .security import SecurityConfig

JOIN_API, REJOIN_API = "/api/class/join", "/api/class/rejoin"
TEACHER_PATHS = ("/teacher", "/api/class")
SAME_ORIGIN_REFERRER = {"Referrer-Policy": "same-origin"}
JOINS_PER_MINUTE = 20  # per address: guessing a 6-letter code from one laptop takes years


class TooManyTries(JoinError):
    """Joining refused because this address tried too often in the last minute (answered with 429)."""

    def __init__(self) -> None:
        super().__init__("code", msg("too many tries from this device"), None,
                         msg("wait a minute, then type the code again"))


class JoinBody(BaseModel):
    code: str
    name: str


class RejoinBody(BaseModel):
    rejoin_code: str


class OpenBody(BaseModel):
    open: bool


class LessonBody(BaseModel):
    project: str
    locked: list[str] = []
    hidden: list[str] = []
    title: str | None = None


class ClassServer:
    """One class: its roster (store.classroom), the pupils' last activity, joining's rate limit."""

    open_paths = (JOIN_PATH, JOIN_API, REJOIN_API)
    teacher_paths = TEACHER_PATHS

    def __init__(self, root: str | Path, name: str | None = None, code: str | None = None):
        self.classroom = Classroom.open(root, name=name or None, code=code or os.environ.get("LAYERLAB_CLASS_CODE"))
        self.activity: dict[str, tuple[float, str]] = {}   # pupil id -> (time, last page)
        self._attempts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self.config: SecurityConfig | None = None
        self.tls: dict[str, Any] | None = None   # under --https: the authority's path and fingerprint

    # -- the middleware's hooks ------------------------------------------------------------------
    def guest_for_token(self, token: str) -> Guest | None:
        pupil = self.classroom.pupil_for_token(token)
        return Guest(pupil.id, self.classroom.pupil_home(pupil.id)) if pupil is not None else None

    def seen(self, guest: Guest, method: str, path: str) -> None:
        """Remember a pupil's last activity; a page (not an asset or the socket) is where they are."""
        last = self.activity.get(guest.id, (0.0, "/"))[1]
        page = method == "GET" and not path.startswith(("/_nicegui", "/api", "/static")) and "." not in path
        self.activity[guest.id] = (time.time(), path if page else last)

    def mount(self, app: Any, config: SecurityConfig) -> None:
        """The join page and API, the teacher's API, the pupils' sign-in, and the owner of a pupil's runs."""
        self.config = config
        config.open_paths = frozenset(self.open_paths)
        # the icon of the join page, which a pupil opens before having a token (it was a 401 in the console and no
        # icon in the tab); the same file for everyone
        config.public_paths = config.public_paths | {"/favicon.ico"}
        config.guests = PupilAuth(config, self.guest_for_token, self.teacher_paths, self.seen)
        app.include_router(self.router())
        app.include_router(class_life.router(self))  # the queue, ending the class, its archives
        app.include_router(class_dataset.router(self))  # the pictures the class collects together (17.5)
        set_owner_lookup(lambda request: g.owner if (g := current_guest.get()) is not None else None)
        keep_context_in_io_bound()
        bind_page_clients(lambda pid: pid not in self.classroom.pupils)   # a page is the pupil's who opened it

    # -- joining ---------------------------------------------------------------------------------
    def _rate_limited(self, request: Request) -> bool:
        who = request.client.host if request.client else "?"
        now = time.monotonic()
        with self._lock:
            q = self._attempts.setdefault(who, deque())
            while q and now - q[0] > 60:
                q.popleft()
            if len(q) >= JOINS_PER_MINUTE:
                return True
            q.append(now)
        return False

    def join(self, request: Request, code: Any, name: Any) -> tuple[Any, str, str]:
        if self._rate_limited(request):
            raise TooManyTries()
        return self.classroom.join(code, name)

    def rejoin(self, request: Request, rejoin_code: Any) -> tuple[Any, str]:
        if self._rate_limited(request):
            raise TooManyTries()
        return self.classroom.rejoin(rejoin_code)

    # -- what the teacher sees -------------------------------------------------------------------
    def pupils(self) -> list[dict[str, Any]]:
        """Every pupil: name, projects, what page they are on, their training, last activity."""
        live: dict[str, list[Any]] = {}
        for r in api.live_runs():
            live.setdefault(r.owner, []).append(r)
        out = []
        for p in sorted(self.classroom.pupils.values(), key=lambda p: p.name.casefold()):
            seen, page = self.activity.get(p.id, (None, None))
            projects = api.workspace_projects(self.classroom.pupil_home(p.id))
            runs = [_run_row(r) for r in live.get(f"pupil:{p.id}", [])]
            out.append({**p.public(), "projects": projects, "page": page, "last_seen": seen,
                        "training": runs[0] if runs else None,
                        "best": _best(projects)})
        return out

    def stop_runs(self, pupil_id: str) -> int:
        self.classroom._get(pupil_id)
        stopped = 0
        for r in api.live_runs():
            if r.owner == f"pupil:{pupil_id}":
                r.stop()
                stopped += 1
        return stopped

    def remove_pupil(self, pupil_id: str) -> None:
        """Delete a pupil and all their data: their runs are stopped and waited for first (a run's last
        checkpoint written after the delete brought the folder back), and their open pages go to the
        signed-out page. Blocks while the runs stop: call it off the event loop."""
        self.classroom._get(pupil_id)   # an unknown id: SpecError (404)
        stop_and_wait({f"pupil:{pupil_id}"})
        self.classroom.remove(pupil_id)
        self.activity.pop(pupil_id, None)
        send_pages_away({pupil_id})

    def queue(self) -> dict[str, Any]:
        """The runs training and waiting, in order, with pupils' names (server/class_life.py)."""
        return class_life.queue_view(self)

    def end(self, archive: bool) -> dict[str, Any]:
        """End the class: archive when asked, then delete every pupil and their data (server/class_life.py)."""
        return class_life.end_class(self, archive)

    def join_url(self, request: Request) -> str:
        return f"{request.url.scheme}://{request.headers.get('host', 'localhost')}{JOIN_PATH}"

    # -- routes ----------------------------------------------------------------------------------
    def router(self) -> APIRouter:
        r = APIRouter()
        me = self

        def refused(e: SpecError, request: Request, status: int = 400) -> JSONResponse:
            lang = accept_language(request.headers.get("accept-language"))
            code = 429 if isinstance(e, TooManyTries) else status
            return JSONResponse({"error": {"path": e.path, "message": localize(e.message, lang),
                                           "hint": localize(e.hint, lang), "received": None, "fixes": []}},
                                status_code=code)

        @r.post(JOIN_API, summary="Join the class with its code and a name (answers the pupil's token)",
                tags=["class"])
        def join_api(body: JoinBody, request: Request):
            try:
                pupil, token, rejoin = me.join(request, body.code, body.name)
            except SpecError as e:
                return refused(e, request)
            return {"token": token, "pupil": pupil.public(), "rejoin_code": rejoin}

        @r.post(REJOIN_API, summary="Continue on another device with a pupil's rejoin code", tags=["class"])
        def rejoin_api(body: RejoinBody, request: Request):
            try:
                pupil, token = me.rejoin(request, body.rejoin_code)
            except SpecError as e:
                return refused(e, request)
            return {"token": token, "pupil": pupil.public()}

        @r.get("/api/class", summary="The class: name, code, joining open, join URL (teacher only)", tags=["class"])
        def class_info(request: Request):
            c = me.classroom
            return {"name": c.name, "code": c.code, "open": c.open_for_joining, "join_url": me.join_url(request),
                    "pupils": len(c.pupils)}

        @r.get("/api/class/pupils", summary="Every pupil with projects, page, training and last activity "
               "(teacher only)", tags=["class"])
        def class_pupils():
            return me.pupils()

        @r.post("/api/class/open", summary="Open or close joining (teacher only)", tags=["class"])
        def class_open(body: OpenBody):
            me.classroom.set_open(body.open)
            return {"open": me.classroom.open_for_joining}

        @r.post("/api/class/pupils/{pupil_id}/rejoin", summary="A new rejoin code for a pupil (teacher only)",
                tags=["class"])
        def class_reset(pupil_id: str, request: Request):
            try:
                return {"rejoin_code": me.classroom.reset_rejoin(pupil_id)}
            except SpecError as e:
                return refused(e, request, 404)

        @r.post("/api/class/pupils/{pupil_id}/stop", summary="Stop a pupil's runs (teacher only)", tags=["class"])
        def class_stop(pupil_id: str, request: Request):
            try:
                return {"stopped": me.stop_runs(pupil_id)}
            except SpecError as e:
                return refused(e, request, 404)

        @r.delete("/api/class/pupils/{pupil_id}", status_code=204,
                  summary="Delete a pupil and all their data (teacher only)", tags=["class"])
        def class_remove(pupil_id: str, request: Request):
            try:
                me.remove_pupil(pupil_id)
            except SpecError as e:
                return refused(e, request, 404)
            return Response(status_code=204)

        @r.post("/api/class/lessons", status_code=201, summary="Send one of the teacher's projects to every pupil, "
                "with parts locked and pages hidden (teacher only)", tags=["class"])
        def class_send(body: LessonBody, request: Request):
            try:
                sent = me.classroom.send_lesson(body.project, tuple(body.locked), tuple(body.hidden), body.title)
            except SpecError as e:
                return refused(e, request, 422)
            return {**{k: v for k, v in sent.items() if k != "copies"}, "pupils": len(sent["copies"])}

        @r.get("/api/class/lessons", summary="The lessons sent to the class (teacher only)", tags=["class"])
        def class_lessons():
            return [{**{k: v for k, v in x.items() if k != "copies"}, "pupils": len(x["copies"])}
                    for x in me.classroom.lessons]

        @r.get("/api/class/lessons/{lesson_id}/results", summary="Every pupil's best validation accuracy on a "
               "lesson; ?format=csv for a table (teacher only)", tags=["class"])
        def class_results(lesson_id: str, request: Request, format: str = "json"):
            try:
                rows = me.classroom.lesson_results(lesson_id)
            except SpecError as e:
                return refused(e, request, 404)
            if format != "csv":
                return rows
            lines = ["pupil,project,best_val_accuracy"] + [
                ",".join([_csv(r["pupil"]), _csv(r["project"] or ""),
                          "" if r["best_val_accuracy"] is None else f"{r['best_val_accuracy']:.4f}"]) for r in rows]
            # a byte-order mark first: spreadsheet programs then read the names' umlauts as UTF-8
            return Response("\ufeff" + "\n".join(lines) + "\n", media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="results-{lesson_id}.csv"'})

        @r.get(JOIN_PATH, include_in_schema=False)
        def join_page(request: Request, code: str = ""):
            lang = accept_language(request.headers.get("accept-language"))
            # same-origin, not no-referrer: under no-referrer a browser sends the form's POST with Origin: null,
            # which the middleware refuses as cross-site
            return HTMLResponse(join_html(lang, me.classroom.name, code=code), headers=SAME_ORIGIN_REFERRER)

        @r.post(JOIN_PATH, include_in_schema=False)
        async def join_form(request: Request):
            lang = accept_language(request.headers.get("accept-language"))
            form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
            try:  # off the event loop, as the join API is: joining writes class.json (an fsync)
                if form.get("rejoin_code"):
                    pupil, token = await run_in_threadpool(me.rejoin, request, form["rejoin_code"])
                    rejoin = None
                else:
                    pupil, token, rejoin = await run_in_threadpool(me.join, request, form.get("code", ""),
                                                                   form.get("name", ""))
            except SpecError as e:
                status = 429 if isinstance(e, TooManyTries) else 400
                return HTMLResponse(join_html(lang, me.classroom.name, code=form.get("code", ""),
                                              name=form.get("name", ""), error=e), status_code=status,
                                    headers=SAME_ORIGIN_REFERRER)
            page = HTMLResponse(welcome_html(lang, pupil.name, rejoin))
            assert me.config is not None
            set_pupil_cookie(page, me.config, token, https=request.url.scheme == "https")
            return page
        return r


def _csv(text: str) -> str:
    """One CSV cell; a leading = + - @ would be a formula in a spreadsheet, so it gets a quote first."""
    text = str(text)
    if text[:1] in ("=", "+", "-", "@"):
        text = "'" + text
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def _run_row(r: Any) -> dict[str, Any]:
    last = r.history[-1] if r.history else {}
    epochs = r.epochs
    if epochs is None:  # the spec's own number of epochs
        training = getattr(r.project, "doc", {}).get("training") or {}
        epochs = training.get("epochs") if isinstance(training, dict) else None
    return {"project": r.project_name, "status": r.status, "epoch": last.get("epoch", 0), "epochs": epochs,
            "val_accuracy": last.get("val_accuracy"), "position": r.position}


def _best(projects: list[dict[str, Any]]) -> float | None:
    vals = [p["best_val_accuracy"] for p in projects if p.get("best_val_accuracy") is not None]
    return max(vals) if vals else None
