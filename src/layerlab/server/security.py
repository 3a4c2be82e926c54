"""Access control for the studio: token, Host and Origin checks, security headers.

One pure ASGI middleware wraps the whole app, so it covers pages, the /api routes, uploads,
downloads, static assets and NiceGUI's socket.io (both its websocket and its long-polling
transport) alike. The model is Jupyter's: a random token printed with the URL; the browser
shows it once (``?token=...``) and from then on carries an HttpOnly, SameSite=Strict cookie;
scripts send ``Authorization: Bearer TOKEN`` or ``X-LayerLab-Token: TOKEN``.

    from fastapi import FastAPI
    from layerlab.server.security import install, new_token
    app = FastAPI()
    install(app, token=new_token(), host="127.0.0.1", port=8080)

Checks, in order, on every HTTP request and websocket handshake:
1. Host header: a known name (localhost, 127.0.0.1, [::1], the bound host, configured names,
   or an IP literal when bound to all interfaces). A DNS-rebinding page reaches us under its
   own domain name and is refused here, even with --no-auth.
2. Origin: websockets and state-changing requests (POST, PUT, PATCH, DELETE) from a browser
   must come from this very origin; cross-site requests are refused.
3. Token: constant-time comparison (hmac.compare_digest), unless --no-auth.

On a class server (`layerlab classroom`, server/classroom.py) the printed token is the teacher's,
and each pupil has a personal token from joining: when the teacher's token does not match, the
middleware asks the class server's hook (`SecurityConfig.guests`, server/class_auth.py), which
finds the pupil and serves the request in that pupil's workspace; the teacher's paths answer 403.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import ipaddress
import json
import logging
import os
import re
import secrets
import socket
import sys
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, Awaitable, Callable, Iterable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from starlette.middleware.body_limit import RequestBodyLimitMiddleware

from ..i18n import localize, msg
from . import api
from .class_auth import Guest, current_guest  # noqa: F401  (moved there; server/class_dataset.py imports them here)
from .class_auth import TEACHER, WHO_KEY
from .routing import accept_language
from .security_pages import error_page, login_page, security_headers
from .uploads import UploadLimits

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("layerlab.server")


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_ENV = "LAYERLAB_TOKEN"
ALLOWED_HOSTS_ENV = "LAYERLAB_ALLOWED_HOSTS"


def new_token() -> str:
    """A fresh random token (LAYERLAB_TOKEN wins when set, so a teacher can keep one per course)."""
    return os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(24)


def _host_only(netloc: str) -> str:
    """'Example.org:8080' -> 'example.org'; '[::1]:80' -> '::1'."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1:netloc.find("]")] if "]" in netloc else netloc
    if netloc.count(":") == 1:
        return netloc.split(":", 1)[0]
    return netloc


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


@dataclass
class SecurityConfig:
    """What the middleware enforces; built by `install` from the command line's options."""

    token: str
    host: str = "127.0.0.1"
    port: int = 8080
    no_auth: bool = False
    extra_hosts: tuple[str, ...] = ()
    public_paths: frozenset[str] = frozenset()  # GET without the token: only what holds no secret (the CA)
    open_paths: frozenset[str] = frozenset()    # any method without a token: joining a class (checks its own code)
    guests: Any = None   # a class server's pupils (server/class_auth.PupilAuth): identify(...), serve(...)
    allowed_hosts: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        if not self.no_auth and not self.token:
            raise ValueError("a token is required unless no_auth=True")
        names = set(LOCAL_HOSTS) | {h.strip().lower() for h in self.extra_hosts if h.strip()}
        env = os.environ.get(ALLOWED_HOSTS_ENV, "")
        names |= {h.strip().lower() for h in env.split(",") if h.strip()}
        bound = self.host.strip("[]").lower()
        if bound not in WILDCARD_HOSTS:
            names.add(bound)
        else:
            # On a school server pupils type the machine's name or address.
            for n in {socket.gethostname(), socket.getfqdn()}:
                if n:
                    names.add(n.lower())
        self.allowed_hosts = frozenset(names)

    @property
    def wildcard(self) -> bool:
        return self.host.strip("[]").lower() in WILDCARD_HOSTS

    @property
    def cookie_name(self) -> str:
        # Cookies ignore ports: two studios on one machine must not overwrite each other's.
        return f"layerlab_token_{self.port}"

    def cookie_value(self) -> str:
        """What the cookie holds: derived from the token, so the cookie is not the token itself."""
        return hmac.new(self.token.encode(), b"layerlab-cookie", hashlib.sha256).hexdigest()

    def host_allowed(self, host_header: str) -> bool:
        host = _host_only(host_header)
        if not host:
            return False
        if host in self.allowed_hosts:
            return True
        # IP literals cannot be DNS-rebound; when serving a class on all interfaces, pupils use them.
        return self.wildcard and _is_ip(host)


def _headers(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in scope.get("headers") or []:
        key = k.decode("latin-1").lower()
        # Duplicate headers: keep the first (a second Host header is an attack, not a feature).
        out.setdefault(key, v.decode("latin-1"))
    return out


def _eq(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))


class SecurityMiddleware:
    """Pure ASGI middleware enforcing `SecurityConfig` on HTTP and websocket scopes."""

    def __init__(self, app: ASGIApp, config: SecurityConfig):
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)  # lifespan
            return
        headers = _headers(scope)
        is_ws = kind == "websocket"
        method = "GET" if is_ws else scope.get("method", "GET").upper()

        if not self.config.host_allowed(headers.get("host", "")):
            await self._deny(scope, send, 400, "host_not_allowed",
                             msg("this server does not answer to the host name {host!r}",
                                 host=_host_only(headers.get("host", ""))),
                             msg("open it as http://localhost:{port}/ or add the name to {env} (comma-separated) "
                                 "when starting it", port=self.config.port, env=ALLOWED_HOSTS_ENV), headers)
            return
        if (is_ws or method not in SAFE_METHODS) and not self._origin_ok(headers):
            await self._deny(scope, send, 403, "cross_origin",
                             msg("cross-site request refused"), msg("use the studio from its own page"), headers)
            return

        query = scope.get("query_string", b"").decode("latin-1")
        via_query = False
        path = scope.get("path", "")
        if not is_ws and ((method == "GET" and path in self.config.public_paths) or path in self.config.open_paths):
            await self._serve(scope, receive, send, headers)
            return
        guest = None
        if not self.config.no_auth:
            ok, via_query = self._authenticated(headers, query)
            if not ok and self.config.guests is not None:
                guest, via_query = self.config.guests.identify(headers, query)
                ok = guest is not None
            if not ok:
                await self._deny(scope, send, 401, "token_required",
                                 msg("this LayerLab server needs its access token"),
                                 msg("open the link with ?token=... that `layerlab studio` printed, or send the "
                                     "header 'Authorization: Bearer TOKEN'"), headers)
                return
            if self.config.guests is not None:   # a class server: whose request, for its pages and sockets
                scope[WHO_KEY] = guest.id if guest is not None else TEACHER
                if await self.config.guests.refuse_foreign_page(self, scope, send, headers):
                    return

        sign_in = not is_ws and via_query and method == "GET" and is_navigation(headers)
        if guest is not None:
            await self.config.guests.serve(self, guest, scope, receive, send, headers, query, sign_in, method)
            return
        if sign_in:
            await self._set_cookie_and_reload(scope, send, query)
            return
        if is_ws:
            await self.app(scope, receive, send)
            return
        await self._serve(scope, receive, send, headers)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
        """The app's answer with the security headers. An error the app did not answer itself gets a
        plain 500 here, with the headers and without the exception's text: Starlette's and NiceGUI's
        last-resort handlers sit outside this middleware and show the exception."""
        started = False
        wrapped = self._with_headers(send, headers)

        async def tracking(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await wrapped(message)
        try:
            await self.app(scope, receive, tracking)
        except Exception:
            if started:  # too late for another answer; the server's log records it
                raise
            log.exception("error on %s %s", scope.get("method"), scope.get("path"))
            await self._deny(scope, send, 500, "server_error", msg("the server could not complete this request"),
                             msg("try again; if it keeps failing, see the server log"), headers)

    # -- checks ------------------------------------------------------------------------------
    def _origin_ok(self, headers: dict[str, str]) -> bool:
        origin = headers.get("origin")
        if origin is None:
            # No Origin: not a modern browser's cross-site request (curl, scripts, same-origin GET).
            return headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
        if origin == "null":
            return False
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return False
        # Same origin: the page's scheme://host:port is exactly what the request was sent to.
        return parts.netloc.lower() == headers.get("host", "").lower() and self.config.host_allowed(parts.netloc)

    def _authenticated(self, headers: dict[str, str], query: str) -> tuple[bool, bool]:
        """(authenticated, via the ?token= query parameter)."""
        token = self.config.token
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and _eq(auth[7:].strip(), token):
            return True, False
        if "x-layerlab-token" in headers and _eq(headers["x-layerlab-token"].strip(), token):
            return True, False
        if "cookie" in headers:
            cookie = SimpleCookie()
            try:
                cookie.load(headers["cookie"])
            except Exception:  # a malformed cookie header is someone else's problem, not a crash
                cookie = SimpleCookie()
            morsel = cookie.get(self.config.cookie_name)
            if morsel is not None and _eq(morsel.value, self.config.cookie_value()):
                return True, False
        for k, v in parse_qsl(query, keep_blank_values=True):
            if k == "token":
                return _eq(v, token), True
        return False, False

    # -- responses ---------------------------------------------------------------------------
    def _with_headers(self, send: Send, req_headers: dict[str, str]) -> Send:
        extra = security_headers(req_headers.get("host", ""))

        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message = dict(message, headers=list(message.get("headers", [])) +
                               [(k, v) for k, v in extra if k not in have])
            await send(message)
        return wrapped

    async def _set_cookie_and_reload(self, scope: Scope, send: Send, query: str, name: str | None = None,
                                     value: str | None = None) -> None:
        """Store the token in a cookie and reload the page without it in the address bar.

        A meta refresh rather than a 302: the reload is then a same-site navigation, so the
        SameSite=Strict cookie is sent even when the first link was clicked on another site."""
        rest = urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "token"])
        target = same_origin_path(scope.get("root_path", "") + scope.get("path", "/")) + (f"?{rest}" if rest else "")
        cookie = (f"{name or self.config.cookie_name}={value or self.config.cookie_value()}; Path=/; HttpOnly; "
                  "SameSite=Strict"
                  + ("; Secure" if scope.get("scheme") in ("https", "wss") else ""))
        esc = html.escape(target, quote=True)
        body = (f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={esc}">'
                f'<title>LayerLab</title><p>Signed in. <a href="{esc}">Continue</a></p>').encode()
        host = _headers(scope).get("host", "")
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()),
                                (b"set-cookie", cookie.encode("latin-1")),
                                (b"cache-control", b"no-store")] + security_headers(host)})
        await send({"type": "http.response.body", "body": body})

    async def _deny(self, scope: Scope, send: Send, status: int, code: str, message: str, hint: str,
                    headers: dict[str, str]) -> None:
        if scope["type"] == "websocket":
            # Closing before accepting makes the server answer the handshake with HTTP 403.
            await send({"type": "websocket.close", "code": 1008, "reason": code})
            return
        lang = accept_language(headers.get("accept-language"))
        message, hint = localize(message, lang), localize(hint, lang)
        if is_navigation(headers) and status in (401, 500):
            join = "/join" in self.config.open_paths  # a class server: a pupil's way in is joining, not a token
            if join and status == 401:   # a pupil new here, removed, or whose class ended: not 'layerlab studio'
                message = msg("you are not signed in to this class on this device").to(lang)
                hint = msg("join with the class code from your teacher, or go on with your rejoin code; if your "
                           "teacher removed you or ended the class, ask your teacher").to(lang)
            body = (login_page(message, hint, lang, join) if status == 401 else error_page(message, hint, lang)
                    ).encode()
            ctype = b"text/html; charset=utf-8"
        else:
            body = json.dumps({"error": {"path": "", "message": message, "received": None, "hint": hint,
                                         "fixes": [], "code": code}}).encode()
            ctype = b"application/json"
        extra = [(b"www-authenticate", b'Bearer realm="layerlab"')] if status == 401 else []
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                                (b"cache-control", b"no-store")] + extra + security_headers(headers.get("host", ""))})
        await send({"type": "http.response.body", "body": body})


def same_origin_path(path: str) -> str:
    """A path that can only lead to this origin, for the reload after sign-in.

    '//evil.example/x' or '/\\evil.example' would be read by a browser as another host, and browsers
    drop tabs and newlines inside URLs ('/\t/evil'); so: no control characters or spaces, one
    leading '/', and everything else percent-encoded except the usual path characters.

    >>> same_origin_path("//evil.example/x"), same_origin_path("/\\evil"), same_origin_path("/\t//evil")
    ('/evil.example/x', '/evil', '/evil')
    >>> same_origin_path("https:evil"), same_origin_path("/p/my-xor/model")
    ('/https:evil', '/p/my-xor/model')
    """
    path = re.sub(r"[\x00-\x20\x7f]", "", path)
    return quote("/" + path.lstrip("/\\"), safe="/:@!$&'()*+,;=-._~")


def is_navigation(headers: dict[str, str]) -> bool:
    if headers.get("sec-fetch-mode") == "navigate":
        return True
    return "text/html" in headers.get("accept", "")


def install(app: Any, *, token: str | None, host: str = "127.0.0.1", port: int = 8080, no_auth: bool = False,
            allowed_hosts: Iterable[str] = (), with_api: bool = True,
            warn: Callable[[str], None] | None = None, public_paths: Iterable[str] = (),
            classroom: Any = None) -> SecurityConfig:
    """Protect a Starlette/FastAPI app (call before it starts serving); returns the config.

    Also mounts the /api routes (with_api) and marks runs a crash left behind as interrupted.
    classroom (a server.classroom.ClassServer) adds joining and the pupils (its mount sets open_paths, guests)."""
    config = SecurityConfig(token=token or "", host=host, port=port, no_auth=no_auth,
                            extra_hosts=tuple(allowed_hosts), public_paths=frozenset(public_paths))
    if classroom is not None:
        if no_auth:
            raise ValueError("a class server needs its tokens: --no-auth is not possible")
        classroom.mount(app, config)
    if no_auth:
        (warn or _stderr)("WARNING: --no-auth: anyone who can reach this port can read and change every "
                          "project in the workspace. Use it only on a machine nobody else can reach.")
    if with_api:
        api.mount(app)
    # Inside the security middleware: bodies of unauthenticated requests are never read at all.
    limit = UploadLimits.from_env().max_file_bytes + 1024 * 1024
    app.add_middleware(RequestBodyLimitMiddleware, max_body_size=limit)
    app.add_middleware(SecurityMiddleware, config=config)
    return config


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
