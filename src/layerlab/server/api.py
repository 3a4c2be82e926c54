"""The HTTP/JSON API under /api: projects, validation, uploads, training runs and prediction.

Everything goes through the facade (`layerlab.api`, `store.workspace`); the API adds only
HTTP: status codes, revision guards and limits. The schema is at /api/openapi.json.

    curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8765/api/projects

Errors are always JSON `{"error": SpecError.to_dict()}`: 404 unknown project or run, 409 a
stale write (the body says to reload; `reload` is the URL to GET), 413/415 refused uploads,
422 an invalid document or request. Any other failure is answered with a 500 that names no
internals, and is logged; the server goes on. Messages, hints and fixes (errors, validation,
run failures, skipped upload entries) are in German when the request's Accept-Language header
prefers German (`de`, `de-DE`, ... with q values honoured), else in English:

    curl -H "Accept-Language: de" -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8765/api/projects/x
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from .. import api as facade
from ..i18n import current_lang, msg
from ..api_errors import SpecError
from ..api_spec import loads, parse_project
from .. import api_workspace as ws
from . import api_projects as projects_api
from . import api_runs as runs_api
from . import api_ondevice as ondevice_api
from . import uploads
from .routing import ERROR_RESPONSES, NotFound, SafeJSONResponse, SafeRoute, folder_of, read_body

MAX_JSON_BYTES = 2 * 1024 * 1024  # a project document is a few kB; refuse megabytes of JSON


# JSON bodies are small (a project is a few kB); only the upload route takes big bodies.
router = APIRouter(prefix="/api", route_class=SafeRoute, tags=["layerlab"], default_response_class=SafeJSONResponse,
                   responses=ERROR_RESPONSES, max_body_size=2 * MAX_JSON_BYTES)


# -- request and response bodies -----------------------------------------------------------------
class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., min_length=1, max_length=200, description="Display name; the id is derived from it.")
    example: str | None = Field(None, max_length=100, description="A built-in example to start from.")
    doc: dict[str, Any] | None = Field(None, description="A whole project document instead of an example.")


class ProjectUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc: dict[str, Any] = Field(..., description="The whole new project document.")
    revision: str | None = Field(..., max_length=64, description="The revision this edit is based on "
                                 "(from GET); null overwrites whatever is there.")


class ProjectOut(BaseModel):
    id: str
    revision: str
    doc: dict[str, Any]
    notes: list[str] = Field(default_factory=list, description="What LayerLab changed by itself, e.g. that the "
                             "output layer now has one unit per class after the data changed")


# -- helpers -------------------------------------------------------------------------------------
def project_out(pid: str) -> dict[str, Any]:
    """Id, revision and document from ONE read of the file: read separately, a save in between
    would pair an old document with a new revision, and the next PUT would overwrite unseen work."""
    folder = folder_of(pid)
    data = (folder / ws.PROJECT_FILE).read_bytes()
    revision = hashlib.sha256(data).hexdigest()[:16]  # as store.workspace.revision computes it
    try:
        doc = loads(data, ws.PROJECT_FILE)
    except (SpecError, json.JSONDecodeError):
        doc = None
    if not isinstance(doc, dict):
        doc = facade.load(folder).doc  # raises the SpecError that says what is wrong with the file
    return {"id": pid, "revision": revision, "doc": doc}


def checked_doc(doc: Any) -> dict[str, Any]:
    """A document that parses as a project (shape errors in the model are allowed: they are shown)
    and whose model is within the layer-count and nesting budgets (checked first: it is cheap)."""
    facade.check_size(doc)
    parse_project(doc)
    size = len(facade.Project(doc).to_json())
    if size > MAX_JSON_BYTES:
        raise SpecError("", msg("the project document is too large"), msg("{size} bytes", size=size),
                        msg("keep data in data files, not in project.json"))
    return doc


# -- projects ------------------------------------------------------------------------------------
@router.get("/examples", summary="The built-in example projects")
def list_examples() -> list[dict[str, str]]:
    return facade.examples()


@router.get("/projects", summary="Every project in the workspace, newest first")
def list_projects() -> list[dict[str, Any]]:
    return ws.list_projects()


@router.post("/projects", status_code=201, response_model=ProjectOut, summary="Create a project")
def create_project(body: ProjectCreate) -> dict[str, Any]:
    if body.doc is not None and body.example is not None:
        raise SpecError("example", msg("give either an example or a document, not both"), body.example,
                        msg("drop 'example' or 'doc'"))
    doc = checked_doc(dict(body.doc, name=body.name)) if body.doc is not None else None
    example = None if doc is not None else (body.example or "digits")
    project = facade.create_project(body.name, example=example, doc=doc)
    return project_out(project.dir.name)


@router.get("/projects/{pid}", response_model=ProjectOut, summary="A project's document and revision")
def get_project(pid: str) -> dict[str, Any]:
    return project_out(pid)


@router.put("/projects/{pid}", response_model=ProjectOut,
            summary="Replace a project's document (refused with 409 if it changed since `revision`)")
def update_project(pid: str, body: ProjectUpdate) -> dict[str, Any]:
    folder = folder_of(pid)
    doc = checked_doc(body.doc)
    notes = []
    stored = project_out(pid)["doc"]
    if any(doc.get(k) != stored.get(k) for k in ("data", "task")):  # the output layer follows new data
        changed = facade.Project(doc, folder)
        notes = changed.follow_data()
        doc = changed.doc
    try:
        ws.save_doc(folder, doc, body.revision)
    except ws.StaleWriteError as e:
        e.reload_url = f"/api/projects/{pid}"  # type: ignore[attr-defined]
        raise
    return {**project_out(pid), "notes": [n.to(current_lang.get()) for n in notes]}


@router.delete("/projects/{pid}", status_code=204,
               summary="Move a project to the workspace's trash (GET /api/trash lists it, restore brings it back)")
def delete_project(pid: str) -> Response:
    folder_of(pid)
    facade.delete_project(pid)  # refused (409) while it trains; nothing is lost by a click
    return Response(status_code=204)


@router.get("/projects/{pid}/validate", summary="Every mistake in the project, with fixes")
def validate_project(pid: str) -> dict[str, Any]:
    try:  # one analysis gives both the errors and the budgets
        analysis = facade.load(folder_of(pid)).analyze()
        errors, budget = analysis.errors, analysis.budget
    except SpecError as e:
        errors, budget = [e], None
    return {"valid": not errors, "errors": [e.to_dict(current_lang.get()) for e in errors], "budget": budget}


@router.get("/projects/{pid}/summary", summary="Layer by layer: output shapes and parameters")
def summarize_project(pid: str) -> dict[str, Any]:
    analysis = facade.load(folder_of(pid)).analyze()
    return localized_analysis(analysis.to_dict(), analysis, current_lang.get())


def localized_analysis(d: dict[str, Any], analysis: Any, lang: str) -> dict[str, Any]:
    """Analysis.to_dict() with its errors (the list and each layer row's) in lang."""
    if lang == "en":
        return d
    d["errors"] = [e.to_dict(lang) for e in analysis.errors]

    def rows(out: list[dict[str, Any]], found: list[Any]) -> None:
        for row_d, row in zip(out, found):
            if row.error is not None:
                row_d["error"] = row.error.to_dict(lang)
            rows(row_d.get("layers") or [], row.children or [])
    rows(d.get("layers") or [], analysis.rows)
    return d


@router.post("/projects/{pid}/uploads", status_code=201,
             max_body_size=uploads.UploadLimits.from_env().max_file_bytes + 1024 * 1024,
             summary="Upload one data file (raw body): an image, a CSV table, or a ZIP of image folders",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
async def upload(pid: str, request: Request,
                 name: str = Query(..., min_length=1, max_length=255, description="The file's name"),
                 folder: str = Query("uploads", max_length=100,
                                     description="Sub-folder of data/ for single files")) -> dict[str, Any]:
    project = folder_of(pid)
    limits = uploads.UploadLimits.from_env()
    data = await read_body(request, limits.max_file_bytes)
    from starlette.concurrency import run_in_threadpool
    if name.lower().endswith(".zip"):
        result = await run_in_threadpool(uploads.extract_images, project, data, name, limits)
        out = result.to_dict(current_lang.get())
    else:
        path = await run_in_threadpool(uploads.save_file, project, name, data, folder, limits)
        rel = path.relative_to(project.resolve()).as_posix()
        out = {"folder": rel.rsplit("/", 1)[0], "saved": [rel], "skipped": [], "count": 1}
    return {**out, "notes": await run_in_threadpool(follow_data, project, current_lang.get())}


def follow_data(folder: Any, lang: str) -> list[str]:
    """After new data files the output layer follows the data (saved); the notes say what changed."""
    revision = ws.revision(folder)
    project = facade.load(folder)
    notes = project.follow_data()
    if notes:
        ws.save_doc(folder, project.doc, revision)  # refused (409) if the file changed meanwhile
    return [n.to(lang) for n in notes]


router.include_router(runs_api.router)
router.include_router(projects_api.router)
router.include_router(ondevice_api.router)


_schema_cache: dict[str, Any] = {}


def openapi_schema() -> dict[str, Any]:
    """The schema of the /api routes only (NiceGUI's internal routes are not an API)."""
    if not _schema_cache:
        doc = FastAPI(title="LayerLab API", version="1", openapi_url=None, docs_url=None, redoc_url=None,
                      description="Projects, validation, uploads, training runs and prediction. "
                                  "Send the token as 'Authorization: Bearer TOKEN'.")
        doc.include_router(router)
        _schema_cache.update(doc.openapi())
    return _schema_cache


def mount(app: Any) -> None:
    """Add the /api routes to app, ahead of any catch-all page route, and /api/openapi.json."""
    before = len(app.router.routes)
    app.include_router(router)

    @app.get("/api/openapi.json", include_in_schema=False)
    def _schema() -> JSONResponse:
        return JSONResponse(openapi_schema())
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = added  # pages may register '/{path:path}'; the API must win
    # Creating the runner marks runs that a killed server left 'running' as 'interrupted'.
    runs_api._runner()
