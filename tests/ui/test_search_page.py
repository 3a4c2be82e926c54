"""Search page (issue 19.2): add ranges (other pages keep working), search, see trials, use the best, undo."""
from __future__ import annotations

import asyncio

from nicegui.testing import User

from layerlab import api
from layerlab.spec.search import ranges
from layerlab.store import workspace


async def _wait_for(predicate, timeout: float = 90.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.2)


async def test_search_from_the_page_and_use_the_best(user: User, project_id) -> None:
    pid = project_id("xor")
    folder = workspace.project_dir(pid)
    await user.open(f"/p/{pid}/search")
    await user.should_see("No ranges yet")
    user.find(marker="search-setting").elements.pop().set_value("model.layers[0].units")
    user.find(marker="search-kind").elements.pop().set_value("choice")
    user.find(marker="search-values").elements.pop().set_value("2, 16")
    user.find(marker="search-add-btn").click()
    doc = api.load(folder).doc
    assert [r.path for r in ranges(doc)] == ["model.layers[0].units"]
    assert doc["model"]["layers"][0]["units"]["search"] == {"choice": [8, 2, 16], "default": 8}
    api.load(folder).validate()  # the default keeps training (and every other page) working
    await user.should_see(marker="search-range")
    user.find(marker="search-epochs").elements.pop().set_value(3)
    user.find(marker="search-trials").elements.pop().set_value(3)
    user.find(marker="search-start").click()
    from layerlab.ui.pages.search import SEARCHES
    await _wait_for(lambda: pid in SEARCHES and SEARCHES[pid].done)
    await asyncio.sleep(0.8)  # the page polls twice a second
    table = user.find(marker="search-table").elements.pop()
    assert len(table.rows) == 3
    await user.should_see("Search finished")
    best = SEARCHES[pid].result.best
    user.find(marker="search-use-best").click()
    after = api.load(folder).doc
    assert after["model"]["layers"][0]["units"]["search"]["default"] == best.params["model.layers[0].units"]
    await user.should_see(marker="search-undo")
    user.find(marker="search-undo").click()
    assert api.load(folder).doc["model"]["layers"][0]["units"]["search"]["default"] == 8
    await user.open(f"/p/{pid}/model")  # the Model page shows the range and does not break
    await user.should_see(marker="layer-range")


async def test_train_page_links_to_search_and_offers_workers_in_expert_mode(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/train")
    await user.should_see(marker="train-search-link")
    await user.should_not_see(marker="train-workers")
    user.find(marker="expert-switch").click()
    await user.open(f"/p/{pid}/train")
    await user.should_see(marker="train-workers")
