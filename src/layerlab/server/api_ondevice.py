"""The model for the pupil's own device: `GET /api/projects/{pid}/ondevice.onnx`.

The Test page runs a trained run in the browser (onnxruntime-web, ui/static/ondevice/model.js)
and fetches it here, with the studio's cookie: the security middleware has already checked the
token, Host and Origin, so only a signed-in user of this studio reaches the route, and
`folder_of` allows only a project of the workspace that user works in (the same rule as every
other /api route, so a class server's per-pupil isolation applies here too). The file comes
through the facade (`Project.browser_model`, the Export -> ONNX file) and is cached per run and
weights file; `ETag` + `If-None-Match` spare the download when the weights have not changed.

    curl -H "Authorization: Bearer $TOKEN" -o m.onnx http://127.0.0.1:8765/api/projects/digits/ondevice.onnx

Headers: `X-LayerLab-Run`, `X-LayerLab-Weights` ('best'|'last'), `X-LayerLab-Epoch`, `X-LayerLab-Key`.
A model with a layer that has no ONNX export is a 422 whose message says it cannot run in the
browser; no trained run is a 404 (both JSON, in the request's language).
"""
from __future__ import annotations

import re
from typing import Literal

from fastapi import APIRouter, Query, Request, Response

from .. import api as facade
from .routing import ERROR_RESPONSES, NotFound, SafeJSONResponse, SafeRoute, folder_of
from ..i18n import msg
from ..api_errors import SpecError

router = APIRouter(route_class=SafeRoute, default_response_class=SafeJSONResponse, responses=ERROR_RESPONSES)
RUN_ID = r"^[0-9]{8}-[0-9]{6}-[0-9]{3}-[0-9a-f]{4}$"


@router.get("/projects/{pid}/ondevice.onnx", summary="The run's self-contained ONNX file, for the browser",
            response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}})
def ondevice_model(pid: str, request: Request, run_id: str | None = Query(None, max_length=40),
                   weights: Literal["best", "last"] | None = None) -> Response:
    folder = folder_of(pid)
    if run_id is not None and not re.match(RUN_ID, run_id):
        raise NotFound("run", msg("is not a run id"), run_id, msg("list the runs with GET /api/projects/{{id}}/runs"))
    project = facade.load(folder)
    try:
        model = project.browser_model(run_id, weights)
    except FileNotFoundError as e:   # the weights file went away between listing and reading (a deleted run)
        raise NotFound("run", msg("is not a run of this project"), run_id or "", str(e)[:100]) from None
    except SpecError as e:
        if e.path == "run":
            raise NotFound(e.path, e.message, e.received, e.hint) from None
        raise
    headers = {"ETag": f'"{model.etag}"', "Cache-Control": "private, no-cache",
               "X-LayerLab-Run": model.run_id, "X-LayerLab-Weights": model.weights,
               "X-LayerLab-Epoch": "" if model.epoch is None else str(model.epoch), "X-LayerLab-Key": model.key}
    if request.headers.get("if-none-match", "").strip() == f'"{model.etag}"':
        return Response(status_code=304, headers=headers)
    return Response(model.data, media_type="application/octet-stream", headers=headers)
