"""The studio's Inspect page: tabs per view, math typeset, confusion cells open their samples."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
from nicegui.testing.user import User
from nicegui.testing.user_simulation import user_simulation

import layerlab
from layerlab.api import create_project
from layerlab.store import workspace

MAIN = Path(__file__).parents[1] / "ui" / "main.py"


@pytest.fixture
async def user(caplog: pytest.LogCaptureFixture) -> User:
    """A simulated browser on the whole studio; any ERROR log fails the test."""
    async with user_simulation(main_file=MAIN) as u:
        yield u
        errors = [r for r in caplog.get_records("call") if r.levelname == "ERROR"]
        if errors:
            pytest.fail("ERROR logged: " + "; ".join(r.getMessage() for r in errors), pytrace=False)


async def test_inspect_page_shows_views_math_and_confusion_cells(user: User) -> None:
    torch.set_num_threads(1)
    folder = create_project("xor", example="xor").dir
    layerlab.load(folder).train(epochs=2)
    await user.open(f"/p/{folder.name}/inspect")
    await user.should_see(marker="inspect-tabs")
    await user.should_see(marker="inspect-image-flow", retries=300)
    user.find(marker="tab-math").click()
    await user.should_see(marker="math-1", retries=300)
    await user.should_see(marker="math-worked-1")            # one sample's numbers through the first dense layer
    user.find(marker="tab-errors").click()
    await user.should_see(marker="confusion-chart", retries=300)
    await user.should_see(marker="history-chart")            # loss and accuracy per epoch, recorded while training
    chart = user.find(marker="confusion-chart")
    cell = next(iter(chart.elements)).props["options"]["series"][0]["data"][0]
    chart.trigger("componentClick", {"componentType": "series", "seriesType": "heatmap", "seriesIndex": 0,
                                     "seriesName": "", "name": "", "dataIndex": 0, "data": cell, "value": cell["value"]})
    await user.should_see(marker="cell-title", retries=300)


async def test_untrained_project_says_so_and_bad_views_explain(user: User) -> None:
    folder = create_project("xor2", example="xor").dir
    await user.open(f"/p/{folder.name}/inspect")
    await user.should_see(marker="inspect-untrained")
    user.find(marker="tab-saliency").click()
    await user.should_see(marker="inspect-image-saliency", retries=300)
