"""Project management over HTTP: rename, duplicate, trash and restore, download and open a project file."""
from __future__ import annotations

import io
import zipfile

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from layerlab.server import api as server_api
from layerlab.server import security

TOKEN = "api-token"


@pytest.fixture
def client():
    app = FastAPI()
    security.install(app, token=TOKEN, host="127.0.0.1", port=8765)
    return TestClient(app, base_url="http://127.0.0.1:8765", headers={"Authorization": f"Bearer {TOKEN}"})


def _create(client, name="My XOR") -> str:
    r = client.post("/api/projects", json={"name": name, "example": "xor"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _ids(client) -> list[str]:
    return sorted(p["id"] for p in client.get("/api/projects").json())


def test_duplicate_rename_delete_restore(client):
    pid = _create(client)
    r = client.post(f"/api/projects/{pid}/duplicate", json={"name": "Copy of XOR"})
    assert r.status_code == 201 and r.json() == {"id": "copy-of-xor", "name": "Copy of XOR"}
    r = client.post("/api/projects/copy-of-xor/rename", json={"name": "Renamed"})
    assert r.json() == {"id": "renamed", "name": "Renamed"}
    assert client.get("/api/projects/renamed").json()["doc"]["name"] == "Renamed"
    assert client.delete("/api/projects/renamed").status_code == 204
    assert _ids(client) == [pid]
    [entry] = client.get("/api/trash").json()
    assert entry["project_id"] == "renamed" and entry["name"] == "Renamed" and entry["deleted_at"]
    r = client.post(f"/api/trash/{entry['id']}/restore")
    assert r.json() == {"id": "renamed", "name": "Renamed"} and _ids(client) == [pid, "renamed"]
    assert client.get("/api/trash").json() == []


def test_emptying_the_trash_is_explicit(client):
    for name in ("a", "b"):
        client.delete(f"/api/projects/{_create(client, name)}")
    first = client.get("/api/trash").json()[0]["id"]
    assert client.delete(f"/api/trash/{first}").status_code == 204
    assert client.delete("/api/trash").json() == {"deleted": 1}
    assert client.get("/api/trash").json() == []


def test_unknown_things_are_404_and_bad_names_422_in_the_readers_language(client):
    assert client.post("/api/projects/nope/rename", json={"name": "x"}).status_code == 404
    assert client.post("/api/trash/nope/restore").status_code == 404
    pid = _create(client)
    r = client.post(f"/api/projects/{pid}/rename", json={"name": "   "}, headers={"Accept-Language": "de"})
    assert r.status_code == 422 and r.json()["error"]["message"] == "ein Projekt braucht einen Namen"


def test_download_and_open_a_project_file(client):
    pid = _create(client)
    r = client.get(f"/api/projects/{pid}/file")
    assert r.status_code == 200 and r.headers["content-disposition"] == f'attachment; filename="{pid}.layerlab"'
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    opened = client.post("/api/projects/unpack", content=r.content, params={"name": "Opened"})
    assert opened.status_code == 201 and opened.json()["id"] == "opened" and opened.json()["format_version"] == 1
    again = client.post("/api/projects/unpack", content=r.content)
    assert again.json()["id"] == f"{pid}-2"  # never over the original
    assert client.get("/api/projects/opened").json()["doc"]["model"] == client.get(f"/api/projects/{pid}").json()["doc"]["model"]


def test_a_hostile_project_file_is_refused_with_a_reason(client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("project.json", "{}")
        zf.writestr("../../evil.csv", "a\n1\n")
    r = client.post("/api/projects/unpack", content=buf.getvalue())
    assert r.status_code == 400 and "zip-slip" in r.json()["error"]["message"]
    r = client.post("/api/projects/unpack", content=b"hello")
    assert r.status_code == 400 and r.json()["error"]["hint"]


def test_the_routes_are_in_the_openapi_document():
    paths = server_api.openapi_schema()["paths"]
    for p in ("/api/projects/{pid}/rename", "/api/projects/{pid}/duplicate", "/api/projects/{pid}/file",
              "/api/projects/unpack", "/api/trash", "/api/trash/{entry}/restore", "/api/trash/{entry}"):
        assert p in paths, p
