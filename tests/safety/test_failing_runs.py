"""A failing run (exception, NaN, out of memory, bad data) ends as RunFailed with an
explanation; the server keeps answering and the next run trains normally."""
from __future__ import annotations

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from layerlab.data.base import SOURCES, DataInfo, DataSource, RawData
from layerlab.engine.runner import default_runner
from layerlab.server import security
from layerlab.spec.params import Param

TOKEN = "t"


class Hostile(DataSource):
    """Data that goes wrong in a chosen way while a run trains."""

    name = "hostile"
    params = (Param("mode", "str", "ok", "How to fail."),)

    def info(self, p, root):
        return DataInfo("tabular", (2,), "classification", ["a", "b"], 1, 64)

    def load(self, p, root, seed):
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(64, 2)).astype(np.float32)
        y = rng.integers(0, 2, 64)
        mode = p["mode"]
        if mode == "exception":
            raise RuntimeError("the data file is locked by another program")
        if mode == "oom":
            raise MemoryError()
        if mode == "nan":
            x[:] = np.inf  # every forward pass produces NaN
        if mode == "bad_labels":
            y = y + 7  # labels outside the two classes
        return RawData(x, y, self.info(p, root))


SOURCES.setdefault("hostile", Hostile())


def doc(mode: str) -> dict:
    return {"name": mode, "task": "classification", "data": {"source": "hostile", "params": {"mode": mode}},
            "model": {"layers": [{"type": "dense", "units": 4, "activation": "relu"},
                                 {"type": "dense", "units": 2, "activation": "softmax"}]},
            "training": {"epochs": 2, "batch_size": 16}}


@pytest.fixture
def client():
    app = FastAPI()
    security.install(app, token=TOKEN, host="127.0.0.1", port=8765)
    return TestClient(app, base_url="http://127.0.0.1:8765", headers={"Authorization": f"Bearer {TOKEN}"})


def start(client, mode: str) -> tuple[str, str]:
    r = client.post("/api/projects", json={"name": f"p-{mode}", "doc": doc(mode)})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = client.post(f"/api/projects/{pid}/runs", json={})
    assert r.status_code == 202, r.text
    return pid, r.json()["run_id"]


@pytest.mark.parametrize("mode,kind,words", [
    ("exception", "error", "locked by another program"),
    ("oom", "out_of_memory", "memory"),
    ("nan", "nan", "NaN"),
    ("bad_labels", "data", "class"),
])
def test_a_failing_run_is_explained_and_the_server_goes_on(client, mode, kind, words):
    pid, rid = start(client, mode)
    ok_pid, ok_rid = start(client, "ok")  # queued behind the failing one
    assert client.get("/api/projects").status_code == 200  # the server answers meanwhile
    default_runner().get(ok_rid).wait(120)
    bad = client.get(f"/api/projects/{pid}/runs/{rid}").json()
    assert bad["status"] == "failed", bad
    failure = bad["failure"]
    assert failure["kind"] == kind, failure
    assert words.lower() in (failure["message"] + failure["hint"]).lower(), failure
    assert failure["hint"]  # always something to try
    good = client.get(f"/api/projects/{ok_pid}/runs/{ok_rid}").json()
    assert good["status"] == "finished" and good["epochs_done"] == 2
    listed = {r["run_id"]: r["status"] for r in client.get(f"/api/projects/{pid}/runs").json()}
    assert listed[rid] == "failed"
