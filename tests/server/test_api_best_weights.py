"""The HTTP API says which epoch's weights a run's predictions use, in the asked language, and
can predict with the last epoch's instead."""
from __future__ import annotations

import shutil

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import layerlab
from layerlab.server import security
from layerlab.store import workspace as ws

TOKEN = "api-token"


@pytest.fixture
def client():
    app = FastAPI()
    security.install(app, token=TOKEN, host="127.0.0.1", port=8765)
    return TestClient(app, base_url="http://127.0.0.1:8765", headers={"Authorization": f"Bearer {TOKEN}"})


def test_runs_list_run_view_and_predict_name_the_best_epoch(client, tmp_path):
    doc = layerlab.example("xor")
    doc["training"].update(epochs=200, learning_rate=0.2, early_stopping={"patience": 2})
    trained = layerlab.new(tmp_path / "xor", doc=doc)
    run = trained.train()
    best = min(run.history, key=lambda h: h["val_loss"])["epoch"]
    last = run.history[-1]["epoch"]
    assert client.post("/api/projects", json={"name": "xor", "doc": doc}).status_code == 201
    shutil.copytree(trained.dir / "runs", ws.project_dir("xor") / "runs")

    rows = client.get("/api/projects/xor/runs").json()
    assert (rows[0]["best_epoch"], rows[0]["weights_note"]) == (best, f"best: epoch {best} of {last}")
    view = client.get(f"/api/projects/xor/runs/{run.run_id}", headers={"Accept-Language": "de"}).json()
    assert view["weights_note"] == f"beste: Epoche {best} von {last}"

    x = {"inputs": [[0.1, 0.9], [0.9, 0.9]]}
    by_default = client.post("/api/projects/xor/predict", json=x).json()
    assert (by_default["weights"], by_default["epoch"]) == ("best", best)
    from_last = client.post("/api/projects/xor/predict", json={**x, "weights": "last"}).json()
    assert (from_last["weights"], from_last["epoch"], from_last["weights_note"]) == ("last", last,
                                                                                    f"last: epoch {last}")
    assert from_last["outputs"] != by_default["outputs"]
    bad = client.post("/api/projects/xor/predict", json={**x, "weights": "middle"})
    assert bad.status_code == 422
