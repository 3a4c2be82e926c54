"""Fixtures for the studio's NiceGUI `user` tests: a simulated browser on a fresh workspace.

The `user` fixture runs tests/ui/main.py (the whole studio) for every test and fails the
test on any ERROR log, like NiceGUI's own plugin, whose hooks are reused here.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from nicegui.testing.general_fixtures import pytest_configure  # noqa: F401  (per-session storage folder)
from nicegui.testing.user import User
from nicegui.testing.user_simulation import user_simulation

MAIN = Path(__file__).parent / "main.py"


@pytest.fixture
async def user(caplog: pytest.LogCaptureFixture) -> User:
    """A simulated browser user of the studio; any ERROR log fails the test."""
    async with user_simulation(main_file=MAIN) as u:
        yield u
        errors = [r for r in caplog.get_records("call") if r.levelname == "ERROR"]
        if errors:
            pytest.fail("ERROR logged: " + "; ".join(r.getMessage() for r in errors), pytrace=False)


@pytest.fixture
def project_id():
    """Create a workspace project from an example and return its id."""
    from layerlab.api import create_project

    def make(example: str = "xor", name: str | None = None, doc: dict | None = None) -> str:
        return create_project(name or example, example=example if doc is None else None, doc=doc).dir.name
    return make
