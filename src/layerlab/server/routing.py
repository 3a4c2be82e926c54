"""Error answers shared by every /api route: SpecError -> JSON 4xx, anything else -> a logged 500.

The handling lives on the route class rather than on the app, so the API behaves the same
whichever app it is mounted on (NiceGUI's own, or a plain FastAPI app in tests). Messages
are in the language the request's Accept-Language header prefers (English or German; English
when it names neither): the route sets `layerlab.i18n.current_lang` for the whole request.
"""
from __future__ import annotations

import json
import logging
import math
from typing import Any, Callable

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from ..i18n import LANGS, Text, current_lang, msg
from .. import api_spec as loader
from ..api_errors import SpecError
from .. import api_workspace as ws
from . import uploads
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


def accept_language(header: str | None) -> str:
    """The supported language ('en' or 'de') that an Accept-Language header prefers; 'en' by default.

    q values count ('q=0' refuses a language); a region does not matter (de-AT is German);
    '*' stands for the first language the header does not name; ties go to the one named first.

    >>> accept_language("de-DE,de;q=0.9,en;q=0.8"), accept_language("en-US,de;q=0.5"), accept_language(None)
    ('de', 'en', 'en')
    >>> accept_language("fr-CH, fr;q=0.9, de;q=0.7, *;q=0.5"), accept_language("de;q=0, *")
    ('de', 'en')
    >>> accept_language("en;q=0, *")
    'de'
    """
    best: tuple[float, int, str] | None = None
    parts = (header or "")[:2000].split(",")
    named = {p.split(";")[0].strip().lower().split("-")[0] for p in parts}
    for i, part in enumerate(parts[:50]):
        tag, *params = part.split(";")
        primary = tag.strip().lower().split("-")[0]
        if primary == "*":  # any other language: the first one the header does not name
            primary = next((lang for lang in LANGS if lang not in named), "")
        if primary not in LANGS:
            continue
        q = 1.0
        for prm in params:
            key, _, value = prm.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if not 0 < q <= 1:
            continue
        if best is None or (q, -i) > best[:2]:
            best = (q, -i, primary)
    return best[2] if best else "en"


def validation_message(err: dict[str, Any]) -> str:
    """pydantic's message for one invalid part of a request, as a Text where it is a usual one.

    pydantic writes English only; each template below is used only when it renders exactly the
    words pydantic wrote, so an unknown or reworded message stays pydantic's own English.
    """
    raw = str(err.get("msg") or "")
    for text in _pydantic_texts(str(err.get("type", "")), err.get("ctx") or {}):
        if text == raw:
            return text
    return raw or msg("invalid request")


def _pydantic_texts(kind: str, ctx: dict[str, Any]) -> list[Text]:
    low, high, actual = ctx.get("min_length"), ctx.get("max_length"), ctx.get("actual_length")
    if kind == "missing":
        return [msg("Field required")]
    if kind == "extra_forbidden":
        return [msg("Extra inputs are not permitted")]
    if kind == "string_too_short":
        return [msg("String should have at least {min_length} character", min_length=low),
                msg("String should have at least {min_length} characters", min_length=low)]
    if kind == "string_too_long":
        return [msg("String should have at most {max_length} character", max_length=high),
                msg("String should have at most {max_length} characters", max_length=high)]
    if kind == "string_pattern_mismatch":
        return [msg("String should match pattern '{pattern}'", pattern=ctx.get("pattern"))]
    if kind == "string_type":
        return [msg("Input should be a valid string")]
    if kind == "int_type":
        return [msg("Input should be a valid integer")]
    if kind == "int_parsing":
        return [msg("Input should be a valid integer, unable to parse string as an integer")]
    if kind == "int_from_float":
        return [msg("Input should be a valid integer, got a number with a fractional part")]
    if kind == "greater_than_equal":
        return [msg("Input should be greater than or equal to {ge}", ge=ctx.get("ge"))]
    if kind == "less_than_equal":
        return [msg("Input should be less than or equal to {le}", le=ctx.get("le"))]
    if kind == "list_type":
        return [msg("Input should be a valid list")]
    if kind == "dict_type":
        return [msg("Input should be a valid dictionary")]
    if kind == "model_attributes_type":
        return [msg("Input should be a valid dictionary or object to extract fields from")]
    if kind == "too_short":
        return [msg("List should have at least {min_length} item after validation, not {actual_length}",
                    min_length=low, actual_length=actual),
                msg("List should have at least {min_length} items after validation, not {actual_length}",
                    min_length=low, actual_length=actual)]
    if kind == "too_long":
        return [msg("List should have at most {max_length} item after validation, not {actual_length}",
                    max_length=high, actual_length=actual),
                msg("List should have at most {max_length} items after validation, not {actual_length}",
                    max_length=high, actual_length=actual)]
    if kind == "json_invalid":
        return [msg("JSON decode error")]
    if kind == "value_error" and isinstance(ctx.get("error"), Exception) and ctx["error"].args:
        return [msg("Value error, {error}", error=ctx["error"].args[0])]  # our validators raise Texts
    return []


def error_response(e: SpecError, status: int, lang: str | None = None) -> JSONResponse:
    """{"error": e.to_dict(lang)} (lang: default the request's language) with the status."""
    body: dict[str, Any] = {"error": e.to_dict(lang or current_lang.get())}
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


class RefusedJSON(json.JSONDecodeError):
    """A JSON body that parses but holds what no project may (NaN, 1e400, absurd nesting); keeps the SpecError.

    A JSONDecodeError, so FastAPI reads the body as always and hands it to SafeRoute as a
    validation error; SafeRoute answers 422 with the SpecError's four parts."""

    def __init__(self, error: SpecError):
        super().__init__(str(error), "", 0)
        self.error = error


class StrictJSONRequest(Request):
    """A request whose JSON body is parsed by spec.loader: finite numbers in range, bounded nesting."""

    async def json(self) -> Any:
        if not hasattr(self, "_strict_json"):
            try:
                self._strict_json = loader.loads(await self.body(), msg("the request body"))
            except SpecError as e:
                raise RefusedJSON(e) from None
        return self._strict_json


class SafeRoute(APIRoute):
    """Turns SpecError and request-validation errors into JSON answers, and anything else into a
    logged 500 that never leaks a traceback. Lives on the route, so it works on any app."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def safe(request: Request) -> Response:
            lang = accept_language(request.headers.get("accept-language"))
            token = current_lang.set(lang)  # handlers in the thread pool see it too (a copied context)
            try:
                return await handler(StrictJSONRequest(request.scope, request.receive))
            except SpecError as e:
                return error_response(e, status_of(e), lang)
            except RequestValidationError as e:
                if isinstance(e.__cause__, RefusedJSON):
                    return error_response(e.__cause__.error, 422, lang)
                errs = e.errors()
                first = errs[0] if errs else {}
                where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
                return error_response(SpecError(where, validation_message(first),
                                                hint=msg("see /api/openapi.json for the request format")), 422, lang)
            except HTTPException:
                raise  # e.g. 413 from the body-size limit: Starlette answers it
            except Exception:
                log.exception("API error on %s %s", request.method, request.url.path)
                return error_response(SpecError("", msg("the server could not complete this request"),
                                                hint=msg("try again; if it keeps failing, see the server log")),
                                      500, lang)
            finally:
                current_lang.reset(token)
        return safe


def folder_of(pid: str):
    """The folder of an existing project, or NotFound."""
    folder = ws.project_dir(pid)
    if not (folder / ws.PROJECT_FILE).is_file():
        raise NotFound("project", msg("no such project"), pid, msg("list the projects with GET /api/projects"))
    return folder


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) as soon as it passes limit; the whole body never sits in memory."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        uploads.check_size(int(declared), uploads.UploadLimits(max_file_bytes=limit))
    out = bytearray()
    async for chunk in request.stream():
        out += chunk
        if len(out) > limit:
            uploads.check_size(len(out), uploads.UploadLimits(max_file_bytes=limit))
    if not out:
        raise uploads.UploadError(msg("the upload is empty"), 0, msg("send the file's bytes as the request body"))
    return bytes(out)
