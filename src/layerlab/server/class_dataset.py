"""Class datasets on the class server (issue 17.5): the one thing pupils share.

The teacher (under /api/class/..., which the security middleware refuses to pupils):

    GET    /api/class/datasets                        every dataset with counts per class and per pupil
    POST   /api/class/datasets {"project", "title"}   share one of the teacher's picture projects
    GET    /api/class/datasets/<id>                   one dataset: counts, contributors, pictures with who
    POST   /api/class/datasets/<id>/open {"open"}     open or close it for new pictures
    DELETE /api/class/datasets/<id>                   delete it with every picture (pupils' projects on it then
                                                      say so); the teacher's shared project keeps its own pictures
    DELETE /api/class/datasets/<id>/pupils/<pupil>/samples   withdraw one pupil's pictures
    DELETE /api/class/datasets/<id>/samples/<sample>         delete any one picture

A pupil (and the teacher, whose pictures count as "teacher") under /api/class-datasets:

    GET    /api/class-datasets[/<id>]                 titles, classes, counts, "mine"; never who else gave what
    POST   /api/class-datasets/<id>/samples?class=c   add one picture (the image file as the body)
    GET    /api/class-datasets/<id>/samples/<sample>.png   a thumbnail
    DELETE /api/class-datasets/<id>/samples[/<sample>]     withdraw my pictures (all, or one)
    POST   /api/class-datasets/<id>/projects {"name"}      a project of mine that trains on the pool

A pupil can neither delete another pupil's picture nor rename a class: there is no such route.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from .. import api_class_data as pool
from .. import api_workspace as ws
from ..api_errors import SpecError
from ..i18n import msg
from .routing import ERROR_RESPONSES, NotFound, SafeJSONResponse, SafeRoute, read_body
from .class_auth import current_guest

TEACHER_API, PUPIL_API = "/api/class/datasets", "/api/class-datasets"


class ShareBody(BaseModel):
    project: str = Field(min_length=1, max_length=200)
    title: str | None = Field(None, max_length=80)


class OpenBody(BaseModel):
    open: bool


class NameBody(BaseModel):
    name: str | None = Field(None, max_length=80)


def _who() -> str:
    """The pupil of this request, or the teacher."""
    g = current_guest.get()
    return g.id if g is not None else pool.TEACHER


def _found(call: Any, *args: Any) -> Any:
    """call(*args), an unknown dataset or picture answered 404."""
    try:
        return call(*args)
    except SpecError as e:
        if e.path in ("dataset", "sample"):
            raise NotFound(e.path, e.message, e.received, e.hint) from None
        raise


def _summary(view: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in view.items() if k != "samples"}


def router(server: Any) -> APIRouter:
    """The routes above for one ClassServer."""
    r = APIRouter(route_class=SafeRoute, default_response_class=SafeJSONResponse, responses=ERROR_RESPONSES,
                  tags=["class datasets"])
    root = server.classroom.root

    def names() -> dict[str, str]:
        return {pid: p.name for pid, p in server.classroom.pupils.items()}

    # -- the teacher ------------------------------------------------------------------------------
    @r.get(TEACHER_API, summary="Every class dataset with counts per class and per pupil (teacher only)")
    def datasets_teacher() -> list[dict[str, Any]]:
        return [_summary(pool.teacher_view(root, m["id"], names())) for m in pool.ClassDatasets(root).all()]

    @r.post(TEACHER_API, status_code=201, summary="Share one of the teacher's picture projects for the class to "
            "fill with pictures; the project then trains on the pool (teacher only)")
    def share(body: ShareBody) -> dict[str, Any]:
        folder = server.classroom.teacher_home / body.project
        if "/" in body.project or "\\" in body.project or body.project.startswith(".") \
                or not (folder / ws.PROJECT_FILE).is_file():
            raise NotFound("project", msg("is not one of your projects"), body.project,
                           msg("create a new image project on your start page, name its classes, then share it"))
        return pool.share_project(root, folder, body.title)

    @r.get(TEACHER_API + "/{dataset_id}", summary="One class dataset: counts, contributors with names, pictures "
           "with who gave them (teacher only)")
    def dataset_teacher(dataset_id: str) -> dict[str, Any]:
        return _found(pool.teacher_view, root, dataset_id, names())

    @r.post(TEACHER_API + "/{dataset_id}/open", summary="Open or close a class dataset for new pictures "
            "(teacher only)")
    def dataset_open(dataset_id: str, body: OpenBody) -> dict[str, Any]:
        return _found(pool.ClassDatasets(root).set_open, dataset_id, body.open)

    @r.delete(TEACHER_API + "/{dataset_id}", summary="Delete a class dataset with every picture in it; pupils' "
              "projects that train on it then say it was deleted (teacher only)")
    def dataset_delete(dataset_id: str) -> dict[str, Any]:
        meta = _found(pool.delete_dataset, root, dataset_id, server.classroom.teacher_home)
        return {"deleted": meta["id"], "title": meta["title"]}

    @r.delete(TEACHER_API + "/{dataset_id}/pupils/{pupil_id}/samples", summary="Withdraw every picture one pupil "
              "gave to a class dataset (teacher only)")
    def withdraw_pupil(dataset_id: str, pupil_id: str) -> dict[str, int]:
        if pupil_id != pool.TEACHER and pupil_id not in server.classroom.pupils:
            # a deleted pupil's pictures went with them; an unknown id is no one's
            raise NotFound("pupil", msg("is not in this class"), pupil_id,
                           msg("reload the teacher page: the pupil may have been removed"))
        return {"withdrawn": _found(pool.ClassDatasets(root).withdraw, dataset_id, pupil_id)}

    @r.delete(TEACHER_API + "/{dataset_id}/samples/{sample_id}", summary="Delete any one picture of a class "
              "dataset, e.g. one that does not belong there (teacher only)")
    def remove_sample(dataset_id: str, sample_id: str) -> dict[str, Any]:
        owner = _found(pool.ClassDatasets(root).remove, dataset_id, sample_id)
        return {"removed": 1, "pupil": owner, "name": names().get(owner or "")}

    # -- pupils (and the teacher) -----------------------------------------------------------------
    @r.get(PUPIL_API, summary="The class datasets: titles, classes, counts and how many are mine")
    def datasets_pupil() -> list[dict[str, Any]]:
        who = _who()
        return [_summary(pool.pupil_view(root, m["id"], who)) for m in pool.ClassDatasets(root).all()]

    @r.get(PUPIL_API + "/{dataset_id}", summary="One class dataset: counts, mine, and its pictures (id, class, "
           "whether it is mine)")
    def dataset_pupil(dataset_id: str) -> dict[str, Any]:
        return _found(pool.pupil_view, root, dataset_id, _who())

    @r.post(PUPIL_API + "/{dataset_id}/samples", status_code=201, summary="Add one picture (PNG, JPEG, GIF, BMP "
            "or WebP as the body) to a class of a class dataset")
    async def add_sample(dataset_id: str, request: Request,
                         class_name: str = Query(..., alias="class", min_length=1, max_length=64)) -> dict[str, Any]:
        data = await read_body(request, pool.MAX_UPLOAD)
        sid = _found(pool.add_picture, root, dataset_id, class_name, data, _who())
        return {"id": sid, "class": class_name}

    @r.get(PUPIL_API + "/{dataset_id}/samples/{sample_id}.png", response_class=Response,
           summary="A thumbnail of one picture of a class dataset")
    def sample_thumb(dataset_id: str, sample_id: str, size: int = Query(96, ge=16, le=256)) -> Response:
        png = _found(pool.thumbnail, root, dataset_id, sample_id, size)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @r.delete(PUPIL_API + "/{dataset_id}/samples", summary="Withdraw my pictures: every picture I gave to this "
              "class dataset")
    def withdraw_mine(dataset_id: str) -> dict[str, int]:
        return {"withdrawn": _found(pool.ClassDatasets(root).withdraw, dataset_id, _who())}

    @r.delete(PUPIL_API + "/{dataset_id}/samples/{sample_id}", summary="Withdraw one of my pictures")
    def withdraw_one(dataset_id: str, sample_id: str) -> dict[str, int]:
        try:
            n = pool.ClassDatasets(root).withdraw(dataset_id, _who(), sample_id)
        except SpecError as e:   # another pupil's picture reads as no picture at all
            raise NotFound(e.path, e.message, e.received, e.hint) from None
        return {"withdrawn": n}

    @r.post(PUPIL_API + "/{dataset_id}/projects", status_code=201, summary="A new project of mine that trains on "
            "the class dataset's pooled pictures")
    def new_project(dataset_id: str, body: NameBody | None = None) -> dict[str, Any]:
        meta = _found(pool.ClassDatasets(root).meta, dataset_id)
        name = (body.name if body and body.name else None) or pool.own_model_name(meta["title"])
        project = pool.project_on_dataset(root, dataset_id, ws.home() / ws.unique_id(name), name)
        return {"id": project.dir.name, "name": name, "dataset": dataset_id}
    return r
