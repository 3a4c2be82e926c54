"""A pupil's requests on a class server: their personal token, their cookie, their workspace.

The security middleware (server/security.py) checks Host, Origin and the teacher's token for every
request. When the teacher's token does not match and the server is a class server, it asks the hook
`SecurityConfig.guests` (a `PupilAuth`, set by `ClassServer.mount`): `identify` finds the pupil whose
token the request carries (Bearer, X-LayerLab-Token, ?token= or the pupil cookie), and `serve` runs
the request as that pupil: the teacher's paths answer 403, a ?token= link sets the pupil cookie, and
everything else runs with `current_guest` set and the workspace switched to the pupil's folder, for
the request and for every task it starts (a websocket's event handlers run in copies of its context,
and `keep_context_in_io_bound` makes NiceGUI's worker threads run in one too).

    config.guests = PupilAuth(config, lookup=classroom.guest_for_token, teacher_paths=("/teacher",))
"""
from __future__ import annotations

import contextvars
from contextvars import ContextVar
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import parse_qsl

from .. import api_workspace as workspace
from ..i18n import msg

if TYPE_CHECKING:   # security.py calls this module's hook and re-exports Guest and current_guest
    from .security import Receive, Scope, SecurityConfig, SecurityMiddleware, Send

COOKIE_AGE_S = 60 * 60 * 24 * 365   # a pupil's cookie outlives the school year's browser restarts


@dataclass(frozen=True)
class Guest:
    """A pupil signed in with their own token on a class server."""

    id: str
    home: Path

    @property
    def owner(self) -> str:
        """The scheduler's owner id of this pupil's runs."""
        return f"pupil:{self.id}"


# The pupil of this request (None: the teacher, or a studio without a class).
current_guest: ContextVar[Guest | None] = ContextVar("layerlab_guest", default=None)


def cookie_name(port: int) -> str:
    """The pupil cookie's name; per port, as the teacher's cookie is (cookies ignore ports)."""
    return f"layerlab_pupil_{port}"


def set_pupil_cookie(response: Any, config: SecurityConfig, token: str, https: bool) -> None:
    """After joining: the pupil's token in an HttpOnly, SameSite=Strict cookie (Secure under https)."""
    response.set_cookie(cookie_name(config.port), token, httponly=True, samesite="strict", path="/",
                        secure=https, max_age=COOKIE_AGE_S)


class PupilAuth:
    """The class server's hook in the security middleware (SecurityConfig.guests)."""

    def __init__(self, config: SecurityConfig, lookup: Callable[[str], Guest | None],
                 teacher_paths: tuple[str, ...] = (), on_guest: Callable[[Guest, str, str], None] | None = None):
        self.config, self.lookup, self.teacher_paths, self.on_guest = config, lookup, tuple(teacher_paths), on_guest

    @property
    def cookie_name(self) -> str:
        return cookie_name(self.config.port)

    def identify(self, headers: dict[str, str], query: str) -> tuple[Guest | None, bool]:
        """(the pupil whose personal token this request carries, via the ?token= query parameter)."""
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            return self.lookup(auth[7:].strip()), False
        if "x-layerlab-token" in headers:
            return self.lookup(headers["x-layerlab-token"].strip()), False
        for k, v in parse_qsl(query, keep_blank_values=True):
            if k == "token":
                return self.lookup(v), True
        if "cookie" in headers:
            cookie = SimpleCookie()
            try:
                cookie.load(headers["cookie"])
            except Exception:
                return None, False
            morsel = cookie.get(self.cookie_name)
            if morsel is not None:
                return self.lookup(morsel.value), False
        return None, False

    async def serve(self, mw: SecurityMiddleware, guest: Guest, scope: Scope, receive: Receive, send: Send,
                    headers: dict[str, str], query: str, sign_in: bool, method: str) -> None:
        """A pupil's request: never the teacher's paths; the workspace is the pupil's for this request and
        for every task it starts (the websocket's event handlers run in tasks copied from this context).
        sign_in: a page opened with ?token=, answered with the cookie and a reload without the token."""
        path = scope.get("path", "")
        if any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.teacher_paths):
            await mw._deny(scope, send, 403, "teacher_only", msg("this page is for the teacher only"),
                           msg("go back to your own projects on the start page"), headers)
            return
        if self.on_guest is not None:
            self.on_guest(guest, method, path)
        if sign_in:
            token = next((v for k, v in parse_qsl(query, keep_blank_values=True) if k == "token"), "")
            await mw._set_cookie_and_reload(scope, send, query, self.cookie_name, token)
            return
        home, me = workspace.use_home(guest.home), current_guest.set(guest)
        try:
            if scope["type"] == "websocket":
                await mw.app(scope, receive, send)
            else:
                await mw._serve(scope, receive, send, headers)
        finally:
            current_guest.reset(me)
            workspace.reset_home(home)


def keep_context_in_io_bound() -> None:
    """NiceGUI's run.io_bound hands work to a thread without the caller's context variables; a pupil's
    work there must still see the pupil's workspace, so it runs in a copy of the caller's context."""
    from nicegui import run
    if getattr(run.io_bound, "_keeps_context", False):
        return
    original = run.io_bound

    async def io_bound(callback, *args, **kwargs):
        return await original(contextvars.copy_context().run, callback, *args, **kwargs)
    io_bound._keeps_context = True  # type: ignore[attr-defined]
    run.io_bound = io_bound
