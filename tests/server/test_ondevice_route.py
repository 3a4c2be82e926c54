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


def test_the_page_sees_a_new_version_when_the_weights_are_rewritten(trained, tmp_path):
    """The Test page hands the browser a new version (it refetches) when the weights file changes:
    a new run, or a better epoch during training; none before the first run."""
    import os
    from layerlab.ui.components.ondevice import weights_version
    project, run = trained
    assert weights_version(layerlab.new(tmp_path / "fresh", example="xor")) is None
    rid, which, version = weights_version(project)
    assert (rid, which) == (run.run_id, "best") and weights_version(project)[2] == version
    best = project.dir / "runs" / rid / "best.safetensors"
    st = best.stat()
    os.utime(best, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))   # the worker saved a better epoch
    assert weights_version(project)[2] != version


def test_an_upload_reaches_the_browser_upright_with_its_transparency():
    import base64
    import io
    from PIL import Image
    from layerlab.ui.components.ondevice import device_picture

    def back(img):
        return Image.open(io.BytesIO(base64.b64decode(device_picture(img).split(",", 1)[1])))
    assert (back(Image.new("LA", (3, 5), (10, 0))).mode, back(Image.new("LA", (3, 5))).size) == ("RGBA", (3, 5))
    assert back(Image.new("I;16", (4, 2), 300)).mode == "RGB"
