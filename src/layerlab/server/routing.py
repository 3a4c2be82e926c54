"""Error answers shared by every /api route: SpecError -> JSON 4xx, anything else -> a logged 500.

The handling lives on the route class rather than on the app, so the API behaves the same
whichever app it is mounted on (NiceGUI's own, or a plain FastAPI app in tests).
"""
from __future__ import annotations

import logging
import math
from typing import Any, Callable

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from ..spec.errors import SpecError
from ..store import workspace as ws
from .uploads import UploadError

log = logging.getLogger("layerlab.server")


class ErrorDetail(BaseModel):
    path: str = Field(description="Where in the project or request, e.g. model.layers[3].units ('' = everywhere)")
    message: str
    received: Any = None
    hint: str = Field("", description="How to fix it")
    fixes: list[dict[str, Any]] = Field(default_factory=list, description="Edits that fix it (spec.fixes)")
    reload: str | None = Field(None, description="409 only: the URL to GET the current version from")


class ErrorBody(BaseModel):
    error: ErrorDetail


_ERRORS = {404: "Unknown project or run", 409: "Stale write: the project changed since `revision`; reload it",
           413: "Too large", 415: "Not an accepted kind of file", 422: "Invalid project or request",
           429: "Too many runs waiting", 400: "Refused upload"}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in _ERRORS.items()}


def finite(x: Any) -> Any:
    """x with NaN and infinities as None: JSON has no such numbers (a diverged run has them)."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [finite(v) for v in x]
    return x


class SafeJSONResponse(JSONResponse):
    """JSON that never fails to render on NaN or infinity."""

    def render(self, content: Any) -> bytes:
        return super().render(finite(content))


class NotFound(SpecError):
    """An unknown project or run (HTTP 404)."""


def error_response(e: SpecError, status: int) -> JSONResponse:
    body: dict[str, Any] = {"error": e.to_dict()}
    if isinstance(e, ws.StaleWriteError):
        body["error"]["reload"] = getattr(e, "reload_url", None)
    return SafeJSONResponse(body, status_code=status)


def status_of(e: SpecError) -> int:
    if isinstance(e, UploadError):
        return e.status
    if isinstance(e, NotFound):
        return 404
    if isinstance(e, ws.StaleWriteError):
        return 409
    return getattr(e, "status", 422)


class SafeRoute(APIRoute):
    """Turns SpecError and request-validation errors into JSON answers, and anything else into a
    logged 500 that never leaks a traceback. Lives on the route, so it works on any app."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def safe(request: Request) -> Response:
            try:
                return await handler(request)
            except SpecError as e:
                return error_response(e, status_of(e))
            except RequestValidationError as e:
                errs = e.errors()
                first = errs[0] if errs else {}
                where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
                return error_response(SpecError(where, str(first.get("msg", "invalid request")),
                                                hint="see /api/openapi.json for the request format"), 422)
            except HTTPException:
                raise  # e.g. 413 from the body-size limit: Starlette answers it
            except Exception:
                log.exception("API error on %s %s", request.method, request.url.path)
                return error_response(SpecError("", "the server could not complete this request",
                                                hint="try again; if it keeps failing, see the server log"), 500)
        return safe


