"""The project-management part of the HTTP API: rename, duplicate, the trash, and project files.

    POST   /api/projects/{id}/rename       {"name": "..."}          -> {"id", "name"} (the id follows the name)
    POST   /api/projects/{id}/duplicate    {"name": "..." | null}   -> 201 {"id", "name"}
    GET    /api/projects/{id}/file                                  -> the project as one .layerlab file
    POST   /api/projects/unpack?name=...   raw body: a .layerlab    -> 201 {"id", "name", "run_id", "format_version"}
    GET    /api/trash                                               -> deleted projects, newest first
    POST   /api/trash/{entry}/restore      {"name": ... | null}     -> {"id", "name"}
    DELETE /api/trash/{entry}, DELETE /api/trash                    -> delete for good (explicit)

DELETE /api/projects/{id} (in api.py) moves a project to the trash. A project that is training
is neither renamed nor deleted (409). A project file is checked like any upload (400/413/415).
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from .. import api as facade
from ..i18n import msg
from .routing import ERROR_RESPONSES, NotFound, SafeJSONResponse, SafeRoute, folder_of, read_body
from .uploads import UploadLimits

router = APIRouter(route_class=SafeRoute, default_response_class=SafeJSONResponse, responses=ERROR_RESPONSES)
TRASH_ID = r"^[A-Za-z0-9_-]{1,160}$"


class NameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., min_length=1, max_length=200, description="The new display name; the id follows it.")


class MaybeName(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=200, description="A name (default: derived).")


class Managed(BaseModel):
    id: str
    name: str


class TrashEntry(BaseModel):
    id: str = Field(..., description="The trash entry's id (for restore and delete).")
    project_id: str = Field(..., description="The project's id before it was deleted.")
    name: str
    deleted: float = Field(..., description="When it was deleted (seconds since 1970, UTC).")
    deleted_at: str = Field(..., description="When it was deleted (ISO 8601, UTC).")


def _folder(pid: str):
    return folder_of(pid)


def _entry(entry: str) -> dict[str, Any]:
    for e in facade.trash():
        if e["id"] == entry:
            return e
    raise NotFound("trash", msg("holds no project of that name"), entry, msg("list the trash with GET /api/trash"))


@router.post("/projects/{pid}/rename", response_model=Managed, summary="Rename a project (its id follows the name)")
def rename_project(pid: str, body: NameIn) -> dict[str, Any]:
    _folder(pid)
    return facade.rename_project(pid, body.name)


@router.post("/projects/{pid}/duplicate", status_code=201, response_model=Managed,
             summary="Copy a project with its data and finished runs")
def duplicate_project(pid: str, body: MaybeName | None = None) -> dict[str, Any]:
    _folder(pid)
    return facade.duplicate_project(pid, (body or MaybeName()).name)


@router.get("/projects/{pid}/file", summary="The project as one .layerlab file (spec, own data, best weights)",
            response_class=Response,
            responses={200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}})
def download_project(pid: str, run_id: str | None = Query(None, max_length=40, description="Which run's weights "
                                                          "(default: the one predictions use).")) -> Response:
    folder = _folder(pid)
    tmp = Path(tempfile.mkdtemp(prefix="layerlab-pack-"))
    try:
        packed = facade.pack_project(folder, tmp / f"{pid}.layerlab", run_id)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # streamed from disk (a project with its pictures can be large), removed once sent
    return FileResponse(packed.path, media_type="application/zip", filename=f"{pid}.layerlab",
                        background=BackgroundTask(shutil.rmtree, tmp, True))


@router.post("/projects/unpack", status_code=201, max_body_size=UploadLimits.from_env().max_file_bytes + 1024 * 1024,
             summary="Open a .layerlab project file (raw body) as a new project; never overwrites one",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
async def unpack_project(request: Request, name: str | None = Query(None, min_length=1, max_length=200,
                                                                    description="Name of the new project "
                                                                                "(default: the file's)")) -> dict:
    from starlette.concurrency import run_in_threadpool
    limits = UploadLimits.from_env()
    data = await read_body(request, limits.max_file_bytes)
    out = await run_in_threadpool(facade.unpack_project, data, name, limits)
    return {k: out[k] for k in ("id", "name", "run_id", "format_version")}


@router.get("/trash", response_model=list[TrashEntry], summary="Deleted projects, most recently deleted first")
def list_trash() -> list[dict[str, Any]]:
    return facade.trash()


@router.post("/trash/{entry}/restore", response_model=Managed,
             summary="Bring a project back (its old id when free, else a fresh one)")
def restore_project(entry: str = PathParam(..., pattern=TRASH_ID), body: MaybeName | None = None) -> dict[str, Any]:
    _entry(entry)
    return facade.restore_project(entry, (body or MaybeName()).name)


@router.delete("/trash/{entry}", status_code=204, summary="Delete one trashed project for good")
def delete_for_good(entry: str = PathParam(..., pattern=TRASH_ID)) -> Response:
    _entry(entry)
    facade.empty_trash([entry])
    return Response(status_code=204)


@router.delete("/trash", summary="Empty the trash: every trashed project is deleted for good")
def empty_trash() -> dict[str, int]:
    return {"deleted": facade.empty_trash()}
