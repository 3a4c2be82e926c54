"""A class server in-process for the classroom tests: a ClassServer in a temporary folder behind the
security middleware, the teacher's token, and clients for the teacher and for pupils."""
from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from layerlab.api_owners import set_owner_lookup
from layerlab.server import security
from layerlab.server.classroom import ClassServer

TEACHER, CODE, BASE = "teacher-token", "K7Q2MX", "http://127.0.0.1:8765"


@pytest.fixture
def klass(tmp_path, monkeypatch):
    """(ClassServer, app): class 7b with code CODE, the teacher's workspace as LAYERLAB_HOME."""
    root = tmp_path / "class"
    server = ClassServer(root, name="7b", code=CODE)
    monkeypatch.setenv("LAYERLAB_HOME", str(server.classroom.teacher_home))
    monkeypatch.setenv("LAYERLAB_REGISTRY", str(root / "runs.db"))
    app = FastAPI()
    security.install(app, token=TEACHER, host="127.0.0.1", port=8765, classroom=server)
    yield server, app
    set_owner_lookup(None)


def class_client(app, token=None) -> TestClient:
    """A client of the class server, with a Bearer token when given (the teacher's or a pupil's)."""
    return TestClient(app, base_url=BASE, headers={"Authorization": f"Bearer {token}"} if token else {})


def join(app, name, code=CODE):
    """The answer to POST /api/class/join for a pupil called name."""
    return class_client(app).post("/api/class/join", json={"code": code, "name": name})
