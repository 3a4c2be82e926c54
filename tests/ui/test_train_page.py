"""Train page: settings autosave, a short run shows chart points and validation views, stop works."""
from __future__ import annotations

import asyncio

import pytest
from nicegui.testing import User

from layerlab import api
from layerlab.store import workspace


async def _wait_for(predicate, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.1)


def _visible(user: User, marker: str) -> set:
    """Visible elements with the marker (none yet is not an error while waiting)."""
    try:
        return user.find(marker=marker).elements
    except AssertionError:
        return set()


def _series(user: User, marker: str) -> dict[str, list]:
    chart = user.find(marker=marker).elements.pop()
    return {s["name"]: s["data"] for s in chart.options["series"]}


async def test_settings_are_saved_and_bad_values_refused(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/train")
    await user.should_see(marker="train-start")
    epochs = user.find(marker="tf-training.epochs").elements.pop()
    epochs.set_value(7)
    assert api.load(workspace.project_dir(pid)).doc["training"]["epochs"] == 7
    rate = user.find(marker="tf-training.learning_rate").elements.pop()
    rate.set_value(0)
    assert rate.error and "0" in rate.error
    assert api.load(workspace.project_dir(pid)).doc["training"]["learning_rate"] > 0


async def test_short_run_draws_points_then_finishes(user: User, project_id) -> None:
    pid = project_id("spiral")
    doc = api.load(workspace.project_dir(pid)).doc
    doc["training"]["epochs"] = 2
    workspace.save_doc(workspace.project_dir(pid), doc, workspace.revision(workspace.project_dir(pid)))
    await user.open(f"/p/{pid}/train")
    user.find(marker="train-start").click()
    await _wait_for(lambda: "val_loss" in _series(user, "loss-chart"))
    series = _series(user, "loss-chart")
    assert series["loss (batch)"], "per-batch points appear"
    assert [p[0] for p in series["loss"]][:1] == [1]
    await _wait_for(lambda: "2 epochs" in user.find(marker="train-status").elements.pop().text
                    or "Finished" in user.find(marker="train-status").elements.pop().text)
    await user.should_see("Finished after 2 epochs.")
    await _wait_for(lambda: any(e.source.startswith("data:image/png") for e in _visible(user, "boundary")))
    run_id = api.load(workspace.project_dir(pid)).runs()[0]["run_id"]
    await user.should_see(marker=f"run-{run_id}")  # the run is listed with its compare switch
    user.find(marker=f"compare-{run_id}").click()
    await _wait_for(lambda: any(name.startswith("run ") for name in _series(user, "loss-chart")))
    user.find(marker="train-more").click()  # goes on from the saved weights for 2 more epochs
    await _wait_for(lambda: "Finished after 4 epochs." in user.find(marker="train-status").elements.pop().text)
    assert [p[0] for p in _series(user, "loss-chart")["loss"]] == [1, 2, 3, 4]


async def test_pause_continue_and_stop_a_long_run(user: User, project_id) -> None:
    pid = project_id("digits")
    doc = api.load(workspace.project_dir(pid)).doc
    doc["training"]["epochs"] = 500
    workspace.save_doc(workspace.project_dir(pid), doc, workspace.revision(workspace.project_dir(pid)))
    await user.open(f"/p/{pid}/train")
    user.find(marker="train-start").click()
    await _wait_for(lambda: bool(_series(user, "loss-chart").get("loss (batch)")))
    user.find(marker="train-pause").click()
    await user.should_see("Paused at epoch", retries=100)
    user.find(marker="train-resume").click()
    await user.should_see("Training: epoch", retries=100)
    user.find(marker="train-stop").click()
    await user.should_see("Stopped after", retries=100)
    await user.should_see(marker="train-more")


@pytest.fixture(autouse=True)
def _no_run_left_behind():
    """A run still going after a test would train into the next test's workspace."""
    yield
    from layerlab.engine.runner import default_runner
    for r in default_runner().runs():
        if not r.done:
            r.stop()
            r.wait(30)


async def test_a_broken_model_says_what_is_wrong_and_links_to_it(user: User, project_id) -> None:
    pid = project_id("xor")
    folder = workspace.project_dir(pid)
    doc = api.load(folder).doc
    doc["model"]["layers"][-1]["units"] = 5  # xor has two classes
    workspace.save_doc(folder, doc, workspace.revision(folder))
    await user.open(f"/p/{pid}/train")
    user.find(marker="train-start").click()
    await user.should_see(marker="train-problem", retries=100)
    await user.should_see("Open the model")
    await user.should_see(marker="train-start")  # ready to try again once fixed
