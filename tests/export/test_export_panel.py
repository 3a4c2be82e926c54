"""The studio's Export page: every format, the reason a format is unavailable, a working download."""
from __future__ import annotations

from pathlib import Path

import pytest
from nicegui.testing.user import User
from nicegui.testing.user_simulation import user_simulation

from tests.conftest import toy_doc
from layerlab.api import create_project
from layerlab.store import workspace

MAIN = Path(__file__).resolve().parents[1] / "ui" / "main.py"


@pytest.fixture
async def user(caplog: pytest.LogCaptureFixture) -> User:
    """A simulated browser user of the studio; any ERROR log fails the test."""
    async with user_simulation(main_file=MAIN) as u:
        yield u
        errors = [r for r in caplog.get_records("call") if r.levelname == "ERROR"]
        assert not errors, "; ".join(r.getMessage() for r in errors)


async def test_export_page_lists_formats_and_downloads_onnx(user: User) -> None:
    pid = create_project("xor", example="xor").dir.name
    await user.open(f"/p/{pid}/export")
    for fmt in ("onnx", "onnx_int8", "torchscript", "pt2", "safetensors", "script", "tfjs", "webpage", "zip"):
        await user.should_see(marker=f"export-{fmt}")
    await user.should_see(marker="export-untrained")
    user.find(marker="export-button-onnx").click()
    await user.should_see("largest difference", retries=100)
    assert (workspace.project_dir(pid) / "exports" / "xor.onnx").is_file()
    assert user.download.http_responses, "no download was offered"


async def test_unavailable_format_says_why_before_trying(user: User) -> None:
    doc = toy_doc([{"type": "gru", "units": 4}, {"type": "dense", "units": 3, "activation": "softmax"}], shape=(5, 2))
    pid = create_project("recurrent", doc=doc).dir.name
    await user.open(f"/p/{pid}/export")
    await user.should_see(marker="export-blocked-tfjs")
    await user.should_see("gru")
