"""The class's queue and its end, for the teacher (issue 17.7, 17.8).

    GET    /api/class/queue             the runs training and waiting, in the scheduler's order, with
                                        each pupil's name and how many go first ("queued, 2 ahead")
    DELETE /api/class {"archive": true} end the class: stop the pupils' runs, write one .zip of the
                                        class folder (class.json without token hashes, the teacher's and
                                        every pupil's workspace), then delete every pupil and their data
                                        and close joining; {"archive": false} deletes without a copy
    GET    /api/class/archives/<name>   download an archive

All three are under /api/class, so the security middleware answers a pupil 403. The body of
DELETE is required: ending a class is never the default of a bare request.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel

from .. import api_class_life as api
from ..api_errors import SpecError
from ..i18n import localize
from .class_auth import send_pages_away
from .routing import accept_language

ARCHIVES_API = "/api/class/archives"


class EndBody(BaseModel):
    archive: bool


def queue_view(server: Any) -> dict[str, Any]:
    """The queue with pupils' names: {slots, running, queued, runs: [{pupil, name, project, status, position,
    epoch, epochs, val_accuracy}]}; a run that is no pupil's is the teacher's."""
    q = api.queue()
    pupils = server.classroom.pupils
    rows = []
    for r in q["runs"]:
        owner = str(r.pop("owner") or "")
        pid = owner[len("pupil:"):] if owner.startswith("pupil:") else None
        who = pupils.get(pid) if pid else None
        rows.append({"pupil": pid if who else None, "name": who.name if who else None, **r})
    running = sum(r["status"] != "queued" for r in rows)
    return {"slots": q["slots"], "running": running, "queued": len(rows) - running, "runs": rows}


def end_class(server: Any, keep_archive: bool) -> dict[str, Any]:
    """Close joining, stop and wait for the pupils' runs, archive (when asked), delete the pupils."""
    c = server.classroom
    c.set_open(False)
    stopped = api.stop_and_wait({f"pupil:{pid}" for pid in list(c.pupils)})
    saved = api.archive(c) if keep_archive else None
    gone = set(c.pupils)
    deleted = api.end(c)
    server.activity.clear()
    send_pages_away(gone)   # their open pages go to the signed-out page instead of training into nothing
    return {"ended": True, "pupils_deleted": deleted, "runs_stopped": stopped,
            "archive": None if saved is None else {"name": saved.name, "path": str(saved),
                                                   "bytes": saved.stat().st_size,
                                                   "download": f"{ARCHIVES_API}/{saved.name}"}}


def router(server: Any) -> APIRouter:
    r = APIRouter()

    @r.get("/api/class/queue", summary="The runs training and waiting, in order, with each pupil's name "
           "(teacher only)", tags=["class"])
    def class_queue():
        return queue_view(server)

    @r.delete("/api/class", summary="End the class: {\"archive\": true} first writes one .zip of the class "
              "folder; then every pupil and their data are deleted (teacher only)", tags=["class"])
    def class_end(body: EndBody):
        return end_class(server, body.archive)

    @r.get(ARCHIVES_API + "/{name}", summary="Download an archive of the class (teacher only)", tags=["class"])
    def class_archive(name: str, request: Request):
        try:
            path = api.archive_path(server.classroom, name)
        except SpecError as e:
            lang = accept_language(request.headers.get("accept-language"))
            return JSONResponse({"error": {"path": e.path, "message": localize(e.message, lang),
                                           "hint": localize(e.hint, lang), "received": None, "fixes": []}},
                                status_code=404)
        return FileResponse(path, media_type="application/zip", filename=path.name)
    return r
