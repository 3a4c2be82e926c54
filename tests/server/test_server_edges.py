"""The server's edges: uploads never overwrite silently, a workspace has a disk quota, the
sign-in reload stays on this origin, and an unexpected error is a plain 500 with the security
headers and no exception text. Each case failed before."""
from __future__ import annotations

import asyncio
import io
import re
import zipfile
from urllib.parse import urljoin

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from PIL import Image

from layerlab.server import security
from layerlab.store import workspace as ws

TOKEN = "edge-token"
ORIGIN = "http://127.0.0.1:8765"


def png(color) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (6, 6), color).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def client():
    app = FastAPI()
    security.install(app, token=TOKEN, host="127.0.0.1", port=8765)
    return TestClient(app, base_url=ORIGIN, headers={"Authorization": f"Bearer {TOKEN}"},
                      raise_server_exceptions=False)


def _upload(client, name: str, data: bytes, pid: str = "xor"):
    return client.post(f"/api/projects/{pid}/uploads", params={"name": name}, content=data,
                       headers={"content-type": "application/octet-stream"})


def test_two_uploads_whose_names_sanitise_alike_both_survive(client):
    assert client.post("/api/projects", json={"name": "xor", "example": "xor"}).status_code == 201
    cat, dog = png((200, 0, 0)), png((0, 0, 200))
    first, second = _upload(client, "猫.png", cat), _upload(client, "犬.png", dog)
    assert first.status_code == second.status_code == 201, second.text
    a, b = first.json()["saved"][0], second.json()["saved"][0]
    assert a != b and a.endswith(".png") and b.endswith(".png")
    folder = ws.project_dir("xor")
    assert (folder / a).read_bytes() == cat and (folder / b).read_bytes() == dog  # nothing overwritten
    third = _upload(client, "犬.png", png((0, 200, 0)))
    assert third.json()["saved"][0] not in (a, b) and (folder / b).read_bytes() == dog


def test_the_workspace_quota_refuses_an_upload_with_how_much_and_how_to_free_it(client):
    assert client.post("/api/projects", json={"name": "xor", "example": "xor"}).status_code == 201
    (ws.home() / "limits.toml").write_text("workspace_mb = 1\n")
    table = b"a,b\n" + b"1,2\n" * 150_000  # 600 kB
    assert _upload(client, "one.csv", table).status_code == 201
    r = _upload(client, "two.csv", table)
    assert r.status_code == 413, r.text
    err = r.json()["error"]
    assert "the workspace would take" in err["message"] and "workspace_mb" in err["hint"]
    assert not any(p.name.startswith("two") for p in ws.project_dir("xor").rglob("*"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a/big.png", png((1, 2, 3)) + bytes(600_000))  # a ZIP is counted before it is unpacked
    r = _upload(client, "more.zip", archive.getvalue())
    assert r.status_code == 413, r.text
    assert "the workspace would take" in r.json()["error"]["message"]
    assert not (ws.project_dir("xor") / "data" / "more").exists()
    (ws.home() / "limits.toml").write_text("workspace_files = 3\n")
    r = _upload(client, "t.csv", b"a,b\n1,2\n")
    assert r.status_code == 413 and "files" in r.json()["error"]["message"]


# -- the reload after sign-in stays on this origin -------------------------------------------------
async def _sign_in(path: str, raw_query: str = f"token={TOKEN}") -> tuple[int, str]:
    async def app(scope, receive, send):  # never reached: the middleware answers the sign-in itself
        raise AssertionError("the app was called")
    mw = security.SecurityMiddleware(app, security.SecurityConfig(token=TOKEN, host="127.0.0.1", port=8765))
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "scheme": "http",
             "query_string": raw_query.encode(), "headers": [(b"host", b"127.0.0.1:8765"),
                                                             (b"accept", b"text/html"), (b"sec-fetch-mode", b"navigate")]}
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)
    await mw(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:]).decode()


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x", "///evil.example", "/\t/evil.example",
                                  "/\\/evil.example", "https:evil.example", "//evil.example%2F..", "/ /evil.example"])
def test_the_reload_after_sign_in_never_leaves_this_origin(path):
    status, body = asyncio.run(_sign_in(path, f"token={TOKEN}&next=1"))
    assert status == 200
    refresh = re.search(r'content="0;url=([^"]*)"', body).group(1).replace("&amp;", "&")
    link = re.search(r'href="([^"]*)"', body).group(1).replace("&amp;", "&")
    for target in (refresh, link):
        as_browser = re.sub(r"[\t\n\r]", "", target).replace("\\", "/")  # what a browser makes of it
        assert as_browser.startswith("/") and not as_browser.startswith("//"), (path, target)
        assert urljoin(ORIGIN + "/", as_browser).startswith(ORIGIN + "/"), (path, target)
        assert "token" not in target and target.endswith("?next=1")


def test_an_ordinary_page_reloads_to_itself():
    status, body = asyncio.run(_sign_in("/p/my-xor/model"))
    assert status == 200 and 'url=/p/my-xor/model"' in body


# -- a 500 carries the headers and no internals -----------------------------------------------------
@pytest.fixture
def failing_client():
    app = FastAPI()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail /home/teacher/.layerlab")

    async def shows_the_exception(request, exc):  # what NiceGUI's own 500 handler does
        return HTMLResponse(f"<p>{type(exc).__name__}: {exc}</p>", status_code=500)
    app.add_exception_handler(Exception, shows_the_exception)
    security.install(app, token=TOKEN, host="127.0.0.1", port=8765, with_api=False)
    return TestClient(app, base_url=ORIGIN, headers={"Authorization": f"Bearer {TOKEN}"},
                      raise_server_exceptions=False)


@pytest.mark.parametrize("accept,kind", [("text/html", "text/html"), ("application/json", "application/json")])
def test_an_unexpected_error_is_a_plain_500_with_the_security_headers(failing_client, accept, kind, caplog):
    r = failing_client.get("/boom", headers={"accept": accept})
    assert r.status_code == 500 and r.headers["content-type"].startswith(kind)
    assert "secret detail" not in r.text and "RuntimeError" not in r.text and "Traceback" not in r.text
    assert "could not complete this request" in r.text
    for header in ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy"):
        assert header in r.headers, header
    assert "secret detail" in caplog.text  # the details go to the server's log
    r = failing_client.get("/boom", headers={"accept": "text/html", "accept-language": "de"})
    assert "Fehler" in r.text or "konnte" in r.text
