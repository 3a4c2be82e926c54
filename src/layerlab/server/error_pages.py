"""The studio's 404 page: NiceGUI's own, but with only our words, never an exception's class or text.

NiceGUI's handler shows `HTTPException: 404: ...` (and for a 500, the exception's text; the
security middleware answers those first, see security.py). Installed by `launch.run` on
NiceGUI's app; non-page routes keep FastAPI's JSON answer, as NiceGUI does.
"""
from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException

from ..i18n import msg
from .routing import accept_language


async def not_found(request: Request, exception: Exception) -> Response:
    """A 404 page with the reason we gave (e.g. which project is missing) or a plain 'not found'."""
    from nicegui.client import Client  # NiceGUI builds its own 404 page the same way
    from nicegui.error import error_content
    from nicegui.page import page
    endpoint = request.scope.get("endpoint")
    if endpoint is not None and not request.scope.get("nicegui_page_path") and isinstance(exception, HTTPException):
        return await http_exception_handler(request, exception)  # an API route: JSON, as before
    detail = getattr(exception, "detail", None)
    words = detail if isinstance(detail, str) and detail and detail != "Not Found" else \
        msg("there is no page at this address").to(accept_language(request.headers.get("accept-language")))
    with Client(page(""), request=request) as client:
        error_content(404, str(words))
    return client.build_response(request, 404)


def install(app: Any) -> None:
    """Use `not_found` for every 404 of the studio (call after NiceGUI is imported, before it serves)."""
    app.add_exception_handler(404, not_found)
