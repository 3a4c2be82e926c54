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

A page is the pupil's who opened it: the middleware writes who each request is (`WHO_KEY` in its ASGI
scope: a pupil's id or `TEACHER`), and `bind_page_clients` makes NiceGUI's socket.io handlers and
its per-page HTTP routes (/_nicegui/client/<id>/..., an upload's target) compare the scope of the
page's request with the scope of the socket or request that names the page's client id: a pupil
who learned another pupil's client id cannot attach to, click on or upload into her page
(docs/SECURITY.md, "Pages and sockets belong to who opened them").
"""
from __future__ import annotations

import contextvars
import logging
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
WHO_KEY = "layerlab.who"   # in an ASGI scope on a class server: a pupil's id, or TEACHER
TEACHER = ":teacher"       # never a pupil's id (those are 'p' and hex digits)
CLIENT_ROUTES = "/_nicegui/client/"   # NiceGUI's per-page routes: /_nicegui/client/<client id>/upload/<id>
SOCKET_EVENTS = ("event", "javascript_response", "ack", "log")   # messages that name a page client by its id

log = logging.getLogger("layerlab.server")


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

    async def refuse_foreign_page(self, mw: SecurityMiddleware, scope: Scope, send: Send,
                                  headers: dict[str, str]) -> bool:
        """A request to a page client's own routes (an upload's target) from anyone but who opened the page
        answers 404 (True); the scope says who the request is (WHO_KEY, written by the middleware)."""
        path = scope.get("path", "")
        if not path.startswith(CLIENT_ROUTES):
            return False
        if page_owner(path[len(CLIENT_ROUTES):].split("/", 1)[0]) == scope.get(WHO_KEY):
            return False
        await mw._deny(scope, send, 404, "not_found", msg("this page is not open here"), msg("reload your own page"),
                       headers)
        return True

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


_clients: dict[str, Any] = {}   # NiceGUI's Client.instances, once bind_page_clients ran
_gone: Callable[[str], bool] = lambda who: False   # a pupil no longer in the class (bind_page_clients sets it)


def page_owner(client_id: Any) -> str | None:
    """Who opened the page client with this id (a pupil's id or TEACHER); None for no such client."""
    client = _clients.get(client_id) if isinstance(client_id, str) else None
    if client is None:
        return None
    try:
        return client.request.scope.get(WHO_KEY, "")
    except RuntimeError:   # a client built without a request is no one's page
        return ""


def send_pages_away(pupil_ids: set[str] | list[str]) -> int:
    """Reload every open page of these pupils (removed, or the class ended), from any thread: the reload
    meets the middleware without a valid token and shows the signed-out page, instead of a page that
    still looks live and would train into a deleted folder. Returns how many pages were sent away."""
    from nicegui import core   # defers nicegui, as bind_page_clients does
    ids = set(pupil_ids)
    pages = [c for c in list(_clients.values()) if page_owner(c.id) in ids]
    if pages and core.loop is not None and not core.loop.is_closed():
        core.loop.call_soon_threadsafe(lambda: [c.run_javascript("location.reload()") for c in pages])
    return len(pages)


def _socket_owner(environ: dict[str, Any] | None) -> str:
    """Who opened a socket: the scope of its first request, which engine.io keeps as 'asgi.scope' (a later
    poll or the upgrade to a websocket carries the socket's secret id, and the middleware checks its token)."""
    return ((environ or {}).get("asgi.scope") or {}).get(WHO_KEY, "")


def _refused(environ: dict[str, Any] | None, client_id: Any, event: str) -> bool:
    """True when the socket of environ names a page client that someone else opened (logged, not served).
    A client id that names no page passes: NiceGUI's own handler refuses or ignores it as before."""
    who = _socket_owner(environ)
    if who and who != TEACHER and _gone(who):   # removed, or the class ended: nothing more from that page
        log.info("socket.io %s refused: the pupil is no longer in the class", event)
        return True
    owner = page_owner(client_id)
    if owner is None or owner == who:
        return False
    log.warning("socket.io %s refused: the page client is someone else's", event)
    return True


def bind_page_clients(gone: Callable[[str], bool] | None = None) -> None:
    """Bind each NiceGUI page client to who opened it, on this process's socket.io server (idempotent);
    gone(pupil id) says a pupil left the class: their pages' clicks and messages are dropped from then on.

    NiceGUI attaches a socket to a page by the client id the socket sends (in its connect query or its
    'handshake' event), and runs clicks ('event') and the other messages for whatever client id they
    name. Wrapping those handlers sees exactly the id NiceGUI will use, however it was sent (query,
    event, either transport); the middleware only sees the connect query, not the messages after it."""
    import socketio   # defers nicegui: a class server's API alone (tests, scripts) never loads the studio
    from nicegui import core
    from nicegui.client import Client
    global _clients, _gone
    if gone is not None:
        _gone = gone
    sio = core.sio
    handlers = sio.handlers.get("/", {})
    if getattr(handlers.get("handshake"), "_binds_clients", False):
        return
    _clients = Client.instances
    connect, handshake = handlers["connect"], handlers["handshake"]

    async def on_connect(sid: str, environ: dict[str, Any], *rest: Any) -> Any:
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if _refused(environ, query.get("client_id"), "connect"):
            raise socketio.exceptions.ConnectionRefusedError("this page is someone else's")
        return await connect(sid, environ, *rest)

    async def on_handshake(sid: str, data: Any) -> Any:
        if isinstance(data, dict) and _refused(sio.get_environ(sid), data.get("client_id"), "handshake"):
            return False
        return await handshake(sid, data)
    on_handshake._binds_clients = True  # type: ignore[attr-defined]
    sio.on("connect", on_connect)
    sio.on("handshake", on_handshake)
    for event in SOCKET_EVENTS:
        sio.on(event, _bound(sio, event, handlers[event]))


def _bound(sio: Any, event: str, handler: Callable[[str, Any], Any]) -> Callable[[str, Any], Any]:
    def on_message(sid: str, message: Any) -> Any:
        if isinstance(message, dict) and _refused(sio.get_environ(sid), message.get("client_id"), event):
            return None
        return handler(sid, message)
    return on_message
