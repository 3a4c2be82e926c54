"""Schemathesis against the API's own OpenAPI schema: generated requests (valid and not)
never make the server answer 5xx. Bounded: a fixed number of examples per operation."""
from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from layerlab.engine.runner import ACTIVE, default_runner
from layerlab.server import api as server_api
from layerlab.server import security
from layerlab.api import create_project
from layerlab.store import workspace as ws

TOKEN = "schema-token"
app = FastAPI()
# Schemathesis's ASGI client sends Host: testserver; allow it like a configured name.
security.install(app, token=TOKEN, host="127.0.0.1", port=8765, allowed_hosts=["testserver"])
schema = schemathesis.openapi.from_dict(server_api.openapi_schema())
schema.app = app  # requests go to the app in-process (ASGI), not over the network


@pytest.fixture
def demo_project():
    """Half the generated requests target a project that exists, so they reach deep code."""
    if not (ws.home() / "demo" / "project.json").exists():
        create_project("demo", example="xor")
    yield "demo"
    for run in default_runner().runs():  # generated runs train up to 10,000 epochs: stop them
        if run.status in ACTIVE:
            run.stop()


@schema.parametrize()
@settings(max_examples=20, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, demo_project):
    if "pid" in (case.path_parameters or {}) and hash(repr(case.body)) % 2 == 0:
        case.path_parameters["pid"] = demo_project
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    case.validate_response(response, checks=[not_a_server_error])
