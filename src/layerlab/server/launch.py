"""Start the browser studio: NiceGUI on FastAPI, every asset from the installed package.

    layerlab studio [--host 127.0.0.1] [--port 8765] [--workspace DIR] [--no-browser]

Prints the URL with its access token, like Jupyter; the token is random per start unless
LAYERLAB_TOKEN is set. When the server accepts requests it prints a line starting with
READY_PREFIX (benchmarks and tests wait for it).
"""
from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import sys
import threading
import webbrowser
from pathlib import Path
from typing import Any

from .. import api
from .. import api_workspace as ws
from ..api_errors import SpecError
from ..api_runs import warm_up
from ..api_spec import check_environment
from ..i18n import msg
from . import error_pages, security, tls
from .class_pages import join_link
from .classroom import ClassServer

READY_PREFIX = "LayerLab studio ready"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def make_token() -> str:
    """LAYERLAB_TOKEN when set (scripts, tests), else a fresh random token."""
    return os.environ.get("LAYERLAB_TOKEN") or secrets.token_hex(24)


def studio_url(host: str, port: int, token: str, path: str = "/", scheme: str = "http") -> str:
    """The URL a person opens, with the token (a wildcard host is shown as 127.0.0.1)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"{scheme}://{shown}:{port}{path}?token={token}"


def check_port(host: str, port: int) -> None:
    """Raise a SpecError that says what to do when the address cannot be bound (e.g. port in use)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise SpecError("--port", msg("cannot listen on {host}:{port} ({reason})", host=host, port=port,
                                          reason=e.strerror), port,
                            msg("another program (maybe another studio) uses it: choose another, e.g. --port {port}",
                                port=port + 1)) from None


def _state_dir(workspace: Path) -> Path:
    """Where the studio keeps its cookie secret and per-browser preferences (inside the workspace)."""
    d = workspace / ".studio"
    d.mkdir(parents=True, exist_ok=True)
    return d


def storage_secret(state_dir: Path) -> str:
    """A secret that signs preference cookies; kept on disk so preferences survive a restart."""
    f = state_dir / "secret"
    if f.is_file() and (kept := f.read_text(encoding="utf-8").strip()):
        return kept
    value = secrets.token_hex(32)
    # atomic, and never readable by others: mkstemp creates the file 0600 before anything is in it
    ws.write_text(f, value)
    return value


class _AbandonedRequestFilter(logging.Filter):
    """Log a request the browser abandoned (it navigated away mid-response) as DEBUG, not ERROR.

    Starlette's BaseHTTPMiddleware, which NiceGUI's middlewares use, raises
    RuntimeError("No response returned.") when the client disconnects before the response
    starts; uvicorn then logs "Exception in ASGI application" although nothing went wrong here.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, RuntimeError) and str(exc) == "No response returned.":
            logging.getLogger(__name__).debug("a browser abandoned a request: %s", record.getMessage())
            return False
        return True


def _install_security(app, token: str, host: str, port: int, no_auth: bool, public_paths: tuple = (),
                      classroom: Any = None) -> None:
    """The token, host and request-size checks in front of every route (layerlab.server.security)."""
    security.install(app, token=token, host=host, port=port, no_auth=no_auth, public_paths=public_paths,
                     classroom=classroom)


def _tls(state: Path, host: str, https: bool, cert: str | Path | None, key: str | Path | None) -> Any:
    """The certificate to serve with (generated, or the school's), or None for plain http."""
    if not (https or cert or key):
        return None
    if cert or key:
        if not (cert and key):
            raise SpecError("--cert" if key else "--key", msg("--cert and --key go together"), str(cert or key),
                            msg("give both the certificate and its private key, or neither (then --https makes one)"))
        return tls.given(Path(cert), Path(key))
    extra = tuple(h for h in os.environ.get("LAYERLAB_ALLOWED_HOSTS", "").split(",") if h.strip()) + (host,)
    return tls.ensure(state / "tls", extra)


def _https_notes(files: Any, host: str, port: int) -> list[str]:
    lines = [f"  https: certificate for {', '.join(files.names[:6])}{' …' if len(files.names) > 6 else ''}"]
    if files.ca is not None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        lines += [f"  certificate authority: https://{shown}:{port}{tls.CA_PATH}  (SHA-256 {files.fingerprint})",
                  f"  server certificate, signed by it: SHA-256 {files.server_fingerprint}",
                  "  On a phone or tablet: download that file once and install it as a trusted certificate "
                  "(iOS: Settings > General > About > Certificate Trust Settings; Android: Settings > Security > "
                  "Install a certificate > CA certificate), then open the link above; the camera then works."]
    else:
        lines.append(f"  certificate SHA-256 {files.fingerprint}")
    return lines


def _class_notes(class_server: Any, host: str, port: int, scheme: str) -> list[str]:
    """The class code, the join address and its QR code, for the terminal the teacher started it in."""
    import io

    import segno

    c = class_server.classroom
    shown = _lan_address() if host in ("0.0.0.0", "::", "") else host
    join = f"{scheme}://{shown}:{port}/join"
    qr = io.StringIO()
    segno.make(join_link(join, c.code), error="m").terminal(out=qr, compact=True)
    return [f"  class: {c.name}   class code: {c.code}   joining {'open' if c.open_for_joining else 'closed'}",
            f"  pupils open {join} and type the code (or scan):", qr.getvalue().rstrip("\n"),
            "  If pupils cannot reach this address, the Wi-Fi may keep devices apart (client isolation): "
            "ask the school's administrator to allow it for this machine, or use the wired network."]


def _lan_address() -> str:
    """This machine's address on the local network (what pupils type), else 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))  # no packet is sent: this only picks the outgoing interface
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def run(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, workspace: str | Path | None = None,
        open_browser: bool = True, no_auth: bool = False, https: bool = False,
        cert: str | Path | None = None, key: str | Path | None = None, classroom: dict[str, Any] | None = None) -> None:
    """Serve the studio until interrupted (blocking); https (or cert and key) serves it over TLS.

    classroom ({"name": ..., "code": ...}) serves a class instead (`layerlab classroom`): workspace is
    the class folder, the teacher works in its teacher/ folder, each pupil in pupils/<id>/."""
    check_environment()   # a LAYERLAB_MAX_* a teacher mistyped stops the start, not the first upload or run
    check_port(host, port)
    class_server = None
    if classroom is not None:
        root = Path(workspace or Path.home() / ".layerlab" / "class").expanduser().resolve()
        class_server = ClassServer(root, name=classroom.get("name"), code=classroom.get("code"))
        workspace = class_server.classroom.teacher_home
        os.environ["LAYERLAB_REGISTRY"] = str(root / "runs.db")  # one registry for the class, rows per folder
    if workspace is not None:
        os.environ["LAYERLAB_HOME"] = str(Path(workspace).expanduser().resolve())
    home = ws.home()
    state = _state_dir(home)

    from nicegui import app, ui
    from nicegui.storage import Storage
    Storage.path = (state / "browsers").resolve()
    app.storage = Storage()  # rebuilt so its persistent dicts use the path above, not ./.nicegui

    from ..ui.app import STATIC, setup  # defers the studio: nicegui and every page load only when it starts
    setup()
    error_pages.install(app)  # a 404 page with our words only, no exception class
    token = make_token()
    files = _tls(state, host, https, cert, key)
    public: tuple[str, ...] = ()
    if files is not None and files.ca is not None:
        from fastapi import Response
        ca_pem = files.ca.read_bytes()
        public = (tls.CA_PATH,)

        @app.get(tls.CA_PATH, include_in_schema=False)
        def certificate_authority() -> Response:
            return Response(ca_pem, media_type="application/x-x509-ca-cert",
                            headers={"Content-Disposition": 'attachment; filename="layerlab-ca.crt"'})
    _install_security(app, token, host, port, no_auth, public, class_server)
    scheme = "https" if files is not None else "http"
    url = studio_url(host, port, token, path="/teacher" if class_server else "/", scheme=scheme)
    if class_server is not None:
        from ..ui.pages import teacher  # defers the studio
        teacher.use(class_server)
        if files is not None:  # the teacher page offers the authority to pupils' devices
            class_server.tls = {"ca_path": tls.CA_PATH if files.ca is not None else None,
                                "fingerprint": files.fingerprint, "server_fingerprint": files.server_fingerprint}

    def ready() -> None:
        print(f"{READY_PREFIX}: {url}", flush=True)
        print(f"  workspace: {home}", flush=True)
        if class_server is not None:
            for line in _class_notes(class_server, host, port, scheme):
                print(line, flush=True)
        for line in _https_notes(files, host, port) if files is not None else ():
            print(line, flush=True)
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        from ..ui.components.thumbs import warm  # defers the studio
        threading.Thread(target=warm, args=(api.example_names(),), daemon=True, name="thumbnails").start()
        threading.Thread(target=warm_up, daemon=True, name="engine warm-up").start()

    async def announce_when_listening() -> None:
        # startup handlers run before uvicorn binds its socket: announce only once it accepts connections
        probe = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
        for _ in range(1500):
            try:
                _, writer = await asyncio.open_connection(probe, port)
            except OSError:
                await asyncio.sleep(0.02)
                continue
            writer.close()
            break
        ready()

    def on_startup() -> None:
        from nicegui import background_tasks
        background_tasks.create(announce_when_listening(), name="announce ready")

    app.on_startup(on_startup)
    logging.getLogger("uvicorn.error").addFilter(_AbandonedRequestFilter())
    ui.run(host=host, port=port, title="LayerLab", reload=False, show=False, show_welcome_message=False,
           storage_secret=storage_secret(state), favicon=STATIC / "favicon.svg", language="en-US",
           uvicorn_logging_level="warning", reconnect_timeout=10.0,
           **({"ssl_certfile": str(files.cert), "ssl_keyfile": str(files.key)} if files is not None else {}))
