"""The HTTP API through a real app with the security middleware: CRUD with revision guards,
validation, uploads, runs; every error is JSON with a spec path and a fix, never a 500."""
from __future__ import annotations

import io
import zipfile

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from layerlab.server import security
from layerlab.store import workspace as ws

TOKEN = "api-token"


@pytest.fixture
def client():
    app = FastAPI()
    security.install(app, token=TOKEN, host="127.0.0.1", port=8765)
    return TestClient(app, base_url="http://127.0.0.1:8765", headers={"Authorization": f"Bearer {TOKEN}"})


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (6, 6), (10, 200, 30)).save(buf, "PNG")
    return buf.getvalue()


def create(client, name="My XOR", example="xor") -> dict:
    r = client.post("/api/projects", json={"name": name, "example": example})
    assert r.status_code == 201, r.text
    return r.json()


def test_create_list_get_delete(client):
    p = create(client)
    assert p["id"] == "my-xor" and p["doc"]["name"] == "My XOR" and len(p["revision"]) == 16
    assert [x["id"] for x in client.get("/api/projects").json()] == ["my-xor"]
    assert client.get("/api/projects/my-xor").json() == p
    assert client.delete("/api/projects/my-xor").status_code == 204
    assert client.get("/api/projects/my-xor").status_code == 404
    assert client.get("/api/projects").json() == []
    trash = list((ws.home() / ".trash").iterdir())
    assert len(trash) == 1 and (trash[0] / "project.json").is_file()  # a delete is recoverable


def test_update_with_the_current_revision_is_saved(client):
    p = create(client)
    doc = dict(p["doc"], description="changed")
    r = client.put("/api/projects/my-xor", json={"doc": doc, "revision": p["revision"]})
    assert r.status_code == 200 and r.json()["doc"]["description"] == "changed"
    assert r.json()["revision"] == ws.revision(ws.project_dir("my-xor")) != p["revision"]


def test_two_tabs_stale_write_is_refused_with_a_way_to_reload(client):
    p = create(client)
    tab_a, tab_b = dict(p["doc"], description="tab A"), dict(p["doc"], description="tab B")
    assert client.put("/api/projects/my-xor", json={"doc": tab_a, "revision": p["revision"]}).status_code == 200
    r = client.put("/api/projects/my-xor", json={"doc": tab_b, "revision": p["revision"]})
    assert r.status_code == 409
    err = r.json()["error"]
    assert "changed elsewhere" in err["message"] and "reload" in err["hint"]
    assert err["reload"] == "/api/projects/my-xor"
    assert client.get(err["reload"]).json()["doc"]["description"] == "tab A"  # never silently overwritten
    fresh = client.get(err["reload"]).json()
    r = client.put("/api/projects/my-xor", json={"doc": tab_b, "revision": fresh["revision"]})
    assert r.status_code == 200 and r.json()["doc"]["description"] == "tab B"


def test_invalid_documents_are_refused_with_the_spec_path(client):
    p = create(client)
    bad = dict(p["doc"], training={"learning_rate": -1})
    r = client.put("/api/projects/my-xor", json={"doc": bad, "revision": p["revision"]})
    assert r.status_code == 422
    assert r.json()["error"]["path"] == "training.learning_rate"
    assert client.get("/api/projects/my-xor").json()["revision"] == p["revision"]  # nothing written
    r = client.post("/api/projects", json={"name": "x", "example": "no-such"})
    assert r.status_code == 422 and r.json()["error"]["path"] == "example"
    r = client.post("/api/projects", json={"name": "x", "doc": {"model": "nope"}})
    assert r.status_code == 422 and r.json()["error"]["path"]


def test_model_mistakes_are_saved_and_reported_by_validate(client):
    p = create(client)
    doc = dict(p["doc"], model={"layers": [{"type": "dense", "units": 3, "activation": "softmax"}]})
    assert client.put("/api/projects/my-xor", json={"doc": doc, "revision": p["revision"]}).status_code == 200
    v = client.get("/api/projects/my-xor/validate").json()
    assert not v["valid"] and v["errors"][0]["path"].startswith("model.layers")
    ok = client.get("/api/projects/my-xor/summary")
    assert ok.status_code == 200 and ok.json()["errors"]


@pytest.mark.parametrize("pid", ["..", "..%2F..%2Fetc", "My-XOR", "a b", "x" * 300, "%00"])
def test_hostile_project_ids_are_refused_cleanly(client, pid):
    r = client.get(f"/api/projects/{pid}")
    assert r.status_code in (404, 422)  # '..' is resolved by the client itself to another (unknown) route
    r = client.put(f"/api/projects/{pid}", json={"doc": {}, "revision": None})
    assert r.status_code in (404, 405, 422)
    assert not list(ws.home().parent.glob("*.json"))


def test_request_errors_are_json_not_500(client):
    create(client)
    r = client.put("/api/projects/my-xor", json={"doc": "text"})
    assert r.status_code == 422 and r.json()["error"]["message"]
    r = client.put("/api/projects/my-xor", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    r = client.post("/api/projects/my-xor/runs", json={"epochs": 0})
    assert r.status_code == 422 and "epochs" in r.json()["error"]["path"]


def test_uploads_through_the_api(client):
    create(client)
    r = client.post("/api/projects/my-xor/uploads", params={"name": "../../x.png"}, content=png())
    assert r.status_code == 201 and r.json()["saved"] == ["data/uploads/x.png"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a/1.png", png())
        zf.writestr("b/2.png", png())
    r = client.post("/api/projects/my-xor/uploads", params={"name": "set.zip"}, content=buf.getvalue())
    assert r.status_code == 201 and r.json()["count"] == 2
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../escape.png", png())
    r = client.post("/api/projects/my-xor/uploads", params={"name": "evil.zip"}, content=buf.getvalue())
    assert r.status_code == 400 and "zip-slip" in r.json()["error"]["message"]
    r = client.post("/api/projects/my-xor/uploads", params={"name": "x.png"}, content=b"<svg onload=alert(1)>")
    assert r.status_code == 400
    assert client.post("/api/projects/my-xor/uploads", params={"name": "x.png"}, content=b"").status_code == 400


def test_json_bodies_are_limited(client):
    p = create(client)
    big = dict(p["doc"], description="x" * (5 * 1024 * 1024))
    r = client.put("/api/projects/my-xor", json={"doc": big, "revision": p["revision"]})
    assert r.status_code == 413
    assert client.get("/api/projects/my-xor").json()["revision"] == p["revision"]


def test_upload_size_limit_is_enforced_while_streaming(client, monkeypatch):
    create(client)
    monkeypatch.setenv("LAYERLAB_MAX_UPLOAD_MB", "0.01")
    r = client.post("/api/projects/my-xor/uploads", params={"name": "big.png"}, content=b"\x89PNG" + b"0" * 20000)
    assert r.status_code == 413 and "LAYERLAB_MAX_UPLOAD_MB" in r.json()["error"]["hint"]

    def chunks():
        for _ in range(30):
            yield b"0" * 1000
    r = client.post("/api/projects/my-xor/uploads", params={"name": "big.png"}, content=chunks())
    assert r.status_code == 413


def test_training_run_through_the_api(client):
    create(client)
    r = client.post("/api/projects/my-xor/runs", json={"epochs": 2})
    assert r.status_code == 202, r.text
    rid = r.json()["run_id"]
    from layerlab.engine.runner import default_runner
    default_runner().get(rid).wait(60)
    run = client.get(f"/api/projects/my-xor/runs/{rid}").json()
    assert run["status"] == "finished" and run["epochs_done"] == 2 and len(run["history"]) == 2
    assert rid in [x["run_id"] for x in client.get("/api/projects/my-xor/runs").json()]
    assert client.post(f"/api/projects/my-xor/runs/{rid}/stop").json()["status"] == "finished"
    assert client.get("/api/projects/my-xor/runs/20990101-000000-000-abcd").status_code == 404
    pred = client.post("/api/projects/my-xor/predict", json={"inputs": [[0.0, 1.0], [1.0, 1.0]]}).json()
    assert pred["run_id"] == rid and len(pred["outputs"]) == 2 and len(pred["outputs"][0]) == 2
    assert abs(sum(pred["outputs"][0]) - 1) < 1e-5
    # strings would be read as file paths by the facade: the API takes numbers only
    r = client.post("/api/projects/my-xor/predict", json={"inputs": ["/etc/passwd"]})
    assert r.status_code == 422 and "numbers" in r.json()["error"]["message"]
    r = client.post("/api/projects/my-xor/predict", json={"inputs": [[1.0, 2.0, 3.0]]})
    assert r.status_code == 422 and r.json()["error"]["path"].startswith("input")
    r = client.post("/api/projects/my-xor/predict", json={"inputs": [[1e308, 1e308]]})
    assert r.status_code == 200  # a non-finite output is sent as null, not a 500
    assert client.get("/api/projects/my-xor/runs/..%2F..").status_code in (404, 422)


def test_an_invalid_project_is_refused_before_training(client):
    p = create(client)
    doc = dict(p["doc"], model={"layers": [{"type": "dense", "units": 3}]})
    client.put("/api/projects/my-xor", json={"doc": doc, "revision": p["revision"]})
    r = client.post("/api/projects/my-xor/runs", json={})
    assert r.status_code == 422 and r.json()["error"]["path"].startswith("model.layers")


def test_openapi_schema_lists_the_api(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/projects", "/api/projects/{pid}", "/api/projects/{pid}/runs",
            "/api/projects/{pid}/uploads", "/api/projects/{pid}/predict"} <= set(schema["paths"])
    assert "409" in schema["paths"]["/api/projects/{pid}"]["put"]["responses"]
