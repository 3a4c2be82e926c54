"""The real `layerlab studio` process: every route needs the token (pages, API, static assets,
socket.io polling and websocket), and the pages still work under the security headers in
a real Chromium."""
from __future__ import annotations

import shutil

import httpx
import pytest

from layerlab.server.security import SecurityConfig

from studio_proc import Studio

TOKEN = "live-token-123"


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    s = Studio(tmp_path_factory.mktemp("live") / "home", token=TOKEN)
    yield s
    s.stop()


def paths(studio) -> list[str]:
    from nicegui import __version__
    return ["/", "/api/projects", "/api/openapi.json", f"/_nicegui/{__version__}/static/nicegui.js",
            "/_nicegui_ws/socket.io/?EIO=4&transport=polling", "/favicon.ico", "/no/such/page"]


def test_every_route_needs_the_token(studio):
    with httpx.Client(base_url=studio.url, timeout=30) as c:
        for p in paths(studio):
            r = c.get(p)
            assert r.status_code == 401, (p, r.status_code)
            assert "nicegui" not in r.text.lower()
        for p in ("/api/projects", "/_nicegui/client/abc/upload/1", "/api/projects/x/uploads?name=a.png"):
            assert c.post(p, content=b"x", headers={"origin": studio.url}).status_code == 401, p
        r = c.get("/", headers={"accept": "text/html"})
        assert r.status_code == 401 and 'name="token"' in r.text
    cookie = SecurityConfig(token=TOKEN, port=studio.port).cookie_value()
    with httpx.Client(base_url=studio.url, timeout=30, cookies={f"layerlab_token_{studio.port}": cookie}) as c:
        for p in paths(studio)[:5]:
            assert c.get(p).status_code == 200, p


def test_websocket_needs_token_and_origin(studio):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect
    ws_url = f"ws://127.0.0.1:{studio.port}/_nicegui_ws/socket.io/?EIO=4&transport=websocket"
    with pytest.raises(InvalidStatus):
        connect(ws_url, open_timeout=10).close()
    good = {"Authorization": f"Bearer {TOKEN}"}
    with pytest.raises(InvalidStatus):
        connect(ws_url, additional_headers={**good, "Origin": "http://evil.example"}, open_timeout=10).close()
    with connect(ws_url, additional_headers={**good, "Origin": studio.url}, open_timeout=10) as ws:
        assert ws.recv(timeout=10).startswith("0{")  # engine.io's open packet: the socket is up


def test_dns_rebinding_host_is_refused(studio):
    with studio.client() as c:
        assert c.get("/api/projects", headers={"host": f"rebind.example:{studio.port}"}).status_code == 400


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium (scripts/test installs it)")
def test_pages_work_in_chromium_under_the_content_security_policy(studio):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            problems = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{studio.url}/?token={TOKEN}")
            page.wait_for_function("window.socket && window.socket.connected", timeout=20000)
            assert "token" not in page.url  # the token left the address bar (and history)
            assert page.evaluate("window.socket.io.engine.transport.name") == "websocket"
            cookies = {c["name"]: c for c in page.context.cookies()}
            auth = cookies[f"layerlab_token_{studio.port}"]
            assert auth["httpOnly"] and auth["sameSite"] == "Strict"
            assert page.evaluate("document.cookie").find("layerlab_token") == -1
            assert not [m for m in problems if "Content Security Policy" in m or "Refused" in m], problems
            other = browser.new_page()  # a fresh context without the cookie
            other.context.clear_cookies()
            r = other.goto(studio.url + "/")
            assert r.status == 401
        finally:
            browser.close()


def test_no_auth_flag_is_explicit_and_warns(tmp_path):
    s = Studio(tmp_path / "home", token="", args=("--no-auth",))
    try:
        assert "WARNING: --no-auth" in s.output()
        with httpx.Client(base_url=s.url, timeout=30) as c:
            assert c.get("/api/projects").status_code == 200
            assert c.get("/api/projects", headers={"host": "rebind.example"}).status_code == 400
            assert c.post("/api/projects", json={"name": "x", "example": "xor"},
                          headers={"origin": "http://evil.example"}).status_code == 403
    finally:
        s.stop()
