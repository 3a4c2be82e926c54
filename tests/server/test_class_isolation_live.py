"""Isolation on a real class server, page by page and socket by socket (issue 17.3).

One `layerlab classroom` process for the whole file. At start-up it writes every route it registered
(NiceGUI's pages and everything else), so the walk covers the pages the running server has, and fails
on a page or route nobody classified. Pupils Ada and Ben use plain HTTP GETs with their own tokens:

- a page of a project (/p/{project_id}/...): Ben on Ada's project gets 404 with nothing of hers in the
  HTML, while Ada's own request shows her project (so the words looked for are really on the page);
- a teacher page (/teacher...): 403 for a pupil, the teacher's page for the teacher;
- Home and the class dataset page: Ben's own, never naming Ada;
- without a token: the sign-in page that sends a pupil to /join, never content.

socket.io: a page client is bound to who opened it (server/class_auth.bind_page_clients): Ben's socket
with Ada's client id is refused (the connect query's implicit handshake and an explicit 'handshake'
event, over websocket and long-polling), a click event naming her client id is dropped, and her page's
upload route answers 404 to him; Ada's own socket connects.
"""
from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from PIL import Image

import layerlab
from tests.server.studio_proc import READY, free_port

TEACHER, CODE = "teacher-isolation", "IS7Q2M"
HTML = {"Accept": "text/html"}
# Start the class server as `layerlab classroom` does, and write its routes once it serves.
LAUNCH = """
import json, os
from fastapi.routing import iter_route_contexts
from nicegui import app
from nicegui.client import Client

def _routes():
    pages = set(Client.page_routes.values())
    rows = [{"path": r.path, "methods": sorted(getattr(r, "methods", None) or []), "page": r.path in pages}
            for r in iter_route_contexts(app.routes) if getattr(r, "path", None) is not None]
    with open(os.environ["ISOLATION_ROUTES"], "w") as f:
        json.dump(rows, f)

app.on_startup(_routes)
from layerlab.cli import main
main()
"""


def page_kind(path: str) -> str | None:
    """The isolation class of a NiceGUI page; None: not classified."""
    if path == "/":
        return "home"
    if path.startswith("/p/{project_id}/"):
        return "project"
    if path == "/teacher" or path.startswith("/teacher/"):
        return "teacher"
    if path == "/class-dataset/{ds_id}":
        return "class dataset"
    return None


def route_kind(path: str) -> str | None:
    """The isolation class of a route that is not a page; None: not classified."""
    if path == "/api" or path.startswith("/api/"):
        return "api"   # tests/server/test_class_isolation_walk.py walks each
    if path == "/join":
        return "join"   # no token needed: it checks the class code
    if path.startswith(("/_nicegui/", "/layerlab-static/")) or path in ("/favicon.ico", "/_nicegui_ws"):
        return "asset"  # the installed package's files, the same for everyone; the socket: tested below
    return None


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """The class server with Ada (a project 'Ada Zebra', a picture in the class dataset) and Ben."""
    root = tmp_path_factory.mktemp("isolation") / "7b"
    port, routes, log = free_port(), root.parent / "routes.json", root.parent / "classroom.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(LAYERLAB_TOKEN=TEACHER, LAYERLAB_CLASS_CODE=CODE, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1",
               ISOLATION_ROUTES=str(routes))
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-c", LAUNCH, "classroom", "--no-browser", "--host", "127.0.0.1",
                                 "--port", str(port), "--workspace", str(root), "--class-name", "7b"],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while READY not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the class server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        url = f"http://127.0.0.1:{port}"
        clients = {"anon": httpx.Client(base_url=url, timeout=30),
                   "teacher": httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {TEACHER}"})}
        pupils = {}
        for name in ("Ada", "Ben"):
            joined = clients["anon"].post("/api/class/join", json={"code": CODE, "name": name}).json()
            pupils[name] = joined
            # a browser's way: the pupil cookie, as /join sets it
            clients[name] = httpx.Client(base_url=url, timeout=30,
                                         headers={"Cookie": f"layerlab_pupil_{port}={joined['token']}"})
        doc = dict(layerlab.example("xor"), name="Ada Zebra")
        assert clients["Ada"].post("/api/projects", json={"name": "Ada Zebra", "doc": doc}).status_code == 201
        assert clients["Ben"].post("/api/projects", json={"name": "Ben Own", "doc": layerlab.example("xor")}
                                   ).status_code == 201
        layerlab.api.new_image_project(root / "teacher" / "pets", ["cat", "dog"], "Pets", 28)
        ds = clients["teacher"].post("/api/class/datasets", json={"project": "pets"}).json()["id"]
        buf = io.BytesIO()
        Image.new("RGB", (16, 16), "red").save(buf, "PNG")
        assert clients["Ada"].post(f"/api/class-datasets/{ds}/samples", params={"class": "cat"},
                                   content=buf.getvalue()).status_code in (200, 201)
        yield {"url": url, "port": port, "root": root, "log": log, "routes": json.loads(routes.read_text()),
               "c": clients, "pupils": pupils, "dataset": ds}
        for c in clients.values():
            c.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    assert "Traceback" not in log.read_text(), log.read_text()


def _fill(path: str, k: dict) -> str:
    ada = k["pupils"]["Ada"]["pupil"]["id"]
    return (path.replace("{project_id}", "ada-zebra").replace("{pupil_id}", ada)
            .replace("{ds_id}", k["dataset"]))


def _ada_in(text: str, k: dict) -> list[str]:
    """What of Ada's a page shows: her name, her pupil id, her project's name."""
    ada = k["pupils"]["Ada"]
    return [w for w in ("Ada", ada["pupil"]["id"], "Zebra") if w in text]


def test_every_route_the_server_registered_is_classified(klass):
    rows = klass["routes"]
    pages = [r["path"] for r in rows if r["page"]]
    assert {"/", "/teacher", "/p/{project_id}/model", "/class-dataset/{ds_id}"} <= set(pages), pages
    unclassified = [r["path"] for r in rows if (page_kind(r["path"]) if r["page"] else route_kind(r["path"])) is None]
    assert not unclassified, f"pages or routes nobody classified for isolation: {unclassified}"
    assert any(r["path"] == "/api/projects/{pid}" for r in rows)   # the API's included routers are listed too


def test_every_page_is_the_owners_the_teachers_or_a_sign_in(klass):
    c, walked = klass["c"], []
    for path in sorted(r["path"] for r in klass["routes"] if r["page"]):
        url, kind = _fill(path, klass), page_kind(path)
        anon = c["anon"].get(url, headers=HTML)   # no token: the sign-in page that sends a pupil to /join
        assert anon.status_code == 401 and 'href="/join"' in anon.text and not _ada_in(anon.text, klass), url
        ben = c["Ben"].get(url, headers=HTML)
        assert not _ada_in(ben.text, klass), (url, _ada_in(ben.text, klass))
        if kind == "project":
            assert ben.status_code == 404, (url, ben.status_code)
            ada = c["Ada"].get(url, headers=HTML)   # the same page is there for its owner, with her project on it
            assert ada.status_code == 200 and "Ada Zebra" in ada.text, (url, ada.status_code)
        elif kind == "teacher":
            assert ben.status_code == 403 and "teacher" in ben.text, (url, ben.status_code)
            assert c["Ada"].get(url, headers=HTML).status_code == 403
            teacher = c["teacher"].get(url, headers=HTML)
            assert teacher.status_code == 200 and (CODE in teacher.text or "Ada Zebra" in teacher.text), url
        else:   # Home and the class dataset: Ben's own view (his project; the dataset all pupils add to)
            assert ben.status_code == 200 and ("Ben Own" if kind == "home" else "Pets") in ben.text, url
            assert c["Ada"].get(url, headers=HTML).status_code == 200
        walked.append(kind)
    assert walked.count("project") >= 7 and walked.count("teacher") >= 2 and len(walked) >= 11, walked
    # the pupil's own Home names her project; Ben's never did (checked above)
    assert "Ada Zebra" in c["Ada"].get("/", headers=HTML).text


def _client_id(k: dict, who: str, url: str) -> str:
    page = k["c"][who].get(url, headers=HTML)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r"'client_id': '([0-9a-f-]{36})'", page.text).group(1)


async def _socket(k: dict, who: str, client_id: str, transport: str, implicit: bool, handshake: str | None = None,
                  event: dict | None = None) -> str:
    """Connect a socket.io client as who (their cookie on every request) the way NiceGUI's page does."""
    import aiohttp
    import socketio

    cookie = k["c"][who].headers["Cookie"]
    tab, doc = str(uuid.uuid4()), str(uuid.uuid4())
    query = f"client_id={client_id}&tab_id={tab}&document_id={doc}&next_message_id=0"
    async with aiohttp.ClientSession(headers={"Cookie": cookie}) as session:
        sio = socketio.AsyncClient(reconnection=False, http_session=session)
        try:
            await sio.connect(f"{k['url']}?{query}" + ("&implicit_handshake=true" if implicit else ""),
                              headers={"Cookie": cookie}, transports=[transport],
                              socketio_path="/_nicegui_ws/socket.io", wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            return "refused"
        try:
            if handshake is not None:
                ok = await sio.call("handshake", {"client_id": handshake, "tab_id": tab, "document_id": doc},
                                    timeout=10)
                return "attached" if ok else "refused"
            if event is not None:
                await sio.emit("event", event)
                await asyncio.sleep(0.3)
            return "connected"
        finally:
            await sio.disconnect()


def _polled_handshake(k: dict, who: str, client_id: str) -> str:
    """The 'handshake' event over engine.io's long-polling, spoken plainly with httpx (a socket.io client's
    polling loop waits up to the ping interval for its last poll when it disconnects: seconds per socket)."""
    path, tab, doc = "/_nicegui_ws/socket.io/", str(uuid.uuid4()), str(uuid.uuid4())
    c = k["c"][who]
    opened = c.get(path, params={"EIO": "4", "transport": "polling"})
    assert opened.status_code == 200 and opened.text.startswith("0"), opened.text
    q = {"EIO": "4", "transport": "polling", "sid": json.loads(opened.text[1:])["sid"]}
    assert c.post(path, params=q, content="40").text == "OK"
    assert c.get(path, params=q).text.startswith("40")   # the namespace is connected
    data = {"client_id": client_id, "tab_id": tab, "document_id": doc}
    assert c.post(path, params=q, content="421" + json.dumps(["handshake", data])).text == "OK"
    answer = c.get(path, params=q).text   # '431[true]' or '431[false]': the handshake's answer
    c.post(path, params=q, content="1")   # close
    assert answer.startswith("431["), answer
    return "attached" if answer == "431[true]" else "refused"


def test_a_pupil_cannot_attach_to_another_pupils_page_by_its_client_id(klass):
    async def walk() -> dict[str, str]:
        out = {}
        ada = _client_id(klass, "Ada", "/p/ada-zebra/model")   # her page, not yet connected
        out["ben implicit"] = await _socket(klass, "Ben", ada, "websocket", implicit=True)
        fresh = _client_id(klass, "Ada", "/p/ada-zebra/model")
        out["ben handshake websocket"] = await _socket(klass, "Ben", "", "websocket", False, handshake=fresh)
        out["ada handshake websocket"] = await _socket(klass, "Ada", "", "websocket", False, handshake=fresh)
        fresh = _client_id(klass, "Ada", "/p/ada-zebra/model")
        out["ben handshake polling"] = _polled_handshake(klass, "Ben", fresh)
        out["ada handshake polling"] = _polled_handshake(klass, "Ada", fresh)
        out["ada implicit"] = await _socket(klass, "Ada", ada, "websocket", implicit=True)
        ben = _client_id(klass, "Ben", "/")
        click = {"client_id": ada, "id": 1, "type": "click", "args": None, "listener_id": "x"}
        out["ben's own page, click on hers"] = await _socket(klass, "Ben", ben, "websocket", True, event=click)
        return out

    out = asyncio.run(walk())
    assert out == {"ben implicit": "refused", "ben handshake websocket": "refused", "ada handshake websocket":
                   "attached", "ben handshake polling": "refused", "ada handshake polling": "attached",
                   "ada implicit": "connected", "ben's own page, click on hers": "connected"}, out
    log = klass["log"].read_text()
    for event in ("connect", "handshake", "event"):
        assert f"socket.io {event} refused: the page client is someone else's" in log, (event, log[-2000:])


def test_a_pupil_cannot_upload_into_another_pupils_page(klass):
    c = klass["c"]
    page = c["Ada"].get("/", headers=HTML).text
    upload = re.search(r"/_nicegui/client/[0-9a-f-]{36}/upload/\d+", page).group(0)
    refused = c["Ben"].post(upload, files={"file": ("x.layerlab", b"not a project", "application/zip")})
    assert refused.status_code == 404 and refused.json()["error"]["message"] == "this page is not open here"
    own = c["Ada"].post(upload, files={"file": ("x.layerlab", b"not a project", "application/zip")})
    assert own.status_code == 200, own.text   # her page takes it (and tells her it is not a project file)
