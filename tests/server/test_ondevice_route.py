"""GET /api/projects/{pid}/ondevice.onnx: the run's self-contained ONNX file for the browser, over
the signed-in session only; cached per weights (ETag); a model that cannot run there is a 422."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import layerlab
from layerlab.server import security
from layerlab.store import workspace as ws

TOKEN = "ondevice-token"


@pytest.fixture
def client():
    app = FastAPI()
    security.install(app, token=TOKEN, host="127.0.0.1", port=8765)
    return TestClient(app, base_url="http://127.0.0.1:8765", headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One xor run for the module (each test copies it into its own workspace)."""
    project = layerlab.new(tmp_path_factory.mktemp("ondevice") / "xor", example="xor")
    return project, project.train(epochs=2)


@pytest.fixture
def xor(client, trained):
    project, run = trained
    assert client.post("/api/projects", json={"name": "xor-ondevice", "doc": project.doc}).status_code == 201
    shutil.copytree(project.dir / "runs", ws.project_dir("xor-ondevice") / "runs")
    return run


def test_the_file_is_the_servers_model_and_is_cached_by_etag(client, xor):
    import onnxruntime as ort
    r = client.get("/api/projects/xor-ondevice/ondevice.onnx")
    assert r.status_code == 200 and r.headers["content-type"] == "application/octet-stream"
    assert (r.headers["x-layerlab-run"], r.headers["x-layerlab-weights"]) == (xor.run_id, "best")
    sess = ort.InferenceSession(r.content, providers=["CPUExecutionProvider"])
    meta = sess.get_modelmeta().custom_metadata_map
    assert '"classes"' in meta["layerlab"]
    x = np.array([[0.1, 0.9], [0.9, 0.9]], np.float32)
    want = client.post("/api/projects/xor-ondevice/predict", json={"inputs": x.tolist()}).json()["outputs"]
    assert np.abs(sess.run(None, {"input": x})[0] - np.array(want)).max() <= 1e-5
    again = client.get("/api/projects/xor-ondevice/ondevice.onnx", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and not again.content
    last = client.get("/api/projects/xor-ondevice/ondevice.onnx", params={"weights": "last", "run_id": xor.run_id})
    assert last.headers["x-layerlab-weights"] == "last"


def test_only_signed_in_users_of_existing_projects_and_runs(client, xor):
    bare = TestClient(client.app, base_url="http://127.0.0.1:8765")
    assert bare.get("/api/projects/xor-ondevice/ondevice.onnx").status_code in (401, 403)
    assert client.get("/api/projects/nope/ondevice.onnx").status_code == 404
    assert client.get("/api/projects/xor-ondevice/ondevice.onnx", params={"run_id": "../x"}).status_code == 404
    assert client.post("/api/projects", json={"name": "untrained", "example": "xor"}).status_code == 201
    r = client.get("/api/projects/untrained/ondevice.onnx", headers={"Accept-Language": "de"})
    assert r.status_code == 404 and r.json()["error"]["path"] == "run"


def test_a_layer_without_onnx_export_is_refused_in_one_line(client, xor, monkeypatch):
    from layerlab.layers import load_all
    dense = load_all()["dense"]
    monkeypatch.setattr(dense, "exportable", False)
    monkeypatch.setattr(dense, "export_note", "no ONNX here")
    r = client.get("/api/projects/xor-ondevice/ondevice.onnx", headers={"Accept-Language": "de"})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["message"] == "dieses Modell kann nicht im Browser laufen" and "dense" in str(err["received"])
