"""Runs are for the requesting user: the HTTP API asks `api_owners.owner_of(request)` (the Train page
asks it of the request that opened it), which a class server will map to a pupil. Before, every
run of the API and the studio was "local", so the scheduler's one-run-per-user rule never applied."""
from __future__ import annotations

import doctest

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request

from layerlab import api_owners
from layerlab.server import security

TOKEN = "owner-token"
ORIGIN = "http://127.0.0.1:8765"


def test_the_docstring_examples_hold():
    assert doctest.testmod(api_owners).failed == 0


def test_a_browser_session_is_its_own_owner_and_no_session_is_local():
    app = FastAPI()
    made = iter(["s1", "s2"])

    async def sign_in(request: Request) -> dict:  # NiceGUI sets the session id on a client's first answer
        request.session.setdefault("id", next(made))
        return {}

    async def who(request: Request) -> dict:
        return {"owner": api_owners.owner_of(request)}
    app.add_api_route("/sign-in", sign_in)
    app.add_api_route("/who", who)
    app.add_middleware(SessionMiddleware, secret_key="s")
    with TestClient(app) as a, TestClient(app) as b, TestClient(app) as none:
        a.get("/sign-in")
        b.get("/sign-in")
        first, again, other = a.get("/who").json(), a.get("/who").json(), b.get("/who").json()
        anonymous = none.get("/who").json()
    assert first == again == {"owner": "browser:s1"} and other == {"owner": "browser:s2"}
    assert anonymous == {"owner": api_owners.LOCAL} and api_owners.owner_of(None) == api_owners.LOCAL


@pytest.fixture
def client():
    app = FastAPI()
    security.install(app, token=TOKEN, host="127.0.0.1", port=8765)
    return TestClient(app, base_url=ORIGIN, headers={"Authorization": f"Bearer {TOKEN}"})


def test_the_api_starts_a_run_for_the_owner_the_lookup_names(client, monkeypatch):
    monkeypatch.setattr(api_owners, "_lookup", None)
    api_owners.set_owner_lookup(lambda request: request.headers.get("x-test-pupil"))
    assert client.post("/api/projects", json={"name": "xor", "example": "xor"}).status_code == 201
    r = client.post("/api/projects/xor/runs", json={"epochs": 1}, headers={"X-Test-Pupil": "pupil:ann"})
    assert r.status_code == 202 and r.json()["owner"] == "pupil:ann", r.text
    rid = r.json()["run_id"]
    client.post(f"/api/projects/xor/runs/{rid}/stop")
    api_owners.set_owner_lookup(None)
    r = client.post("/api/projects/xor/runs", json={"epochs": 1})  # no lookup, no session: local
    assert r.status_code == 202 and r.json()["owner"] == api_owners.LOCAL, r.text
    client.post(f"/api/projects/xor/runs/{r.json()['run_id']}/stop")
