"""The HTTP API's own limits (docs/SECURITY.md, "Other limits"): runs waiting per project and per
server (429), numbers per predict request, nothing but numbers in a predict body (422)."""
from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from layerlab.server import api_runs, security

TOKEN = "limits-token"


@pytest.fixture
def client():
    app = FastAPI()
    security.install(app, token=TOKEN, host="127.0.0.1", port=8765)
    return TestClient(app, base_url="http://127.0.0.1:8765", headers={"Authorization": f"Bearer {TOKEN}"})


def _long(client, pid: str):
    return client.post(f"/api/projects/{pid}/runs", json={"epochs": 10_000})


def test_runs_waiting_or_training_are_capped_per_project_and_per_server(client, monkeypatch):
    for pid in ("a", "b"):
        assert client.post("/api/projects", json={"name": pid, "example": "xor"}).status_code == 201
    started = []
    try:
        for _ in range(api_runs.MAX_ACTIVE_PER_PROJECT):
            r = _long(client, "a")
            assert r.status_code == 202, r.text
            started.append(("a", r.json()["run_id"]))
        r = _long(client, "a")
        assert r.status_code == 429 and "already has runs waiting" in r.json()["error"]["message"]
        monkeypatch.setattr(api_runs, "MAX_ACTIVE_TOTAL", len(started))
        r = _long(client, "b")
        assert r.status_code == 429 and "busy" in r.json()["error"]["message"], r.text
    finally:
        for pid, rid in started:
            client.post(f"/api/projects/{pid}/runs/{rid}/stop")


@pytest.mark.parametrize("inputs,words", [
    ([[0.0] * 1000] * 401, "at most 400,000 numbers"),
    ([["/etc/passwd"]], "numbers"),
    ([[[[[[[[0.0]]]]]]]], "nest deeper than 5 levels"),
])
def test_a_predict_body_holds_a_bounded_count_of_numbers_and_nothing_else(client, inputs, words):
    assert client.post("/api/projects", json={"name": "p", "example": "xor"}).status_code == 201
    r = client.post("/api/projects/p/predict", json={"inputs": inputs})
    assert r.status_code == 422 and words in r.text, r.text[:300]
