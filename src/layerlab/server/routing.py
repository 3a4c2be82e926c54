"""Error answers shared by every /api route: SpecError -> JSON 4xx, anything else -> a logged 500.

The handling lives on the route class rather than on the app, so the API behaves the same
whichever app it is mounted on (NiceGUI's own, or a plain FastAPI app in tests).
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from ..spec.errors import SpecError
from ..store import workspace as ws
from .uploads import UploadError

log = logging.getLogger("layerlab.server")


class NotFound(SpecError):
    """An unknown project or run (HTTP 404)."""


def error_response(e: SpecError, status: int) -> JSONResponse:
    body: dict[str, Any] = {"error": e.to_dict()}
    if isinstance(e, ws.StaleWriteError):
        body["error"]["reload"] = getattr(e, "reload_url", None)
    return JSONResponse(body, status_code=status)


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


