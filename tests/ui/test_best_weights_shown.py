"""Train and Test say which epoch's weights the studio uses ("best: epoch 14 of 50"), and an
example's description on Train says why it trains as it does (grokking: why so long)."""
from __future__ import annotations

import shutil

import pytest
from nicegui.testing import User

from layerlab import api
from layerlab.store import workspace


@pytest.fixture(scope="module")
def stopped_early(tmp_path_factory):
    """xor that early stopping ends two epochs after its best one."""
    doc = api.example("xor")
    doc["training"].update(epochs=200, learning_rate=0.2, early_stopping={"patience": 2})
    p = api.new(tmp_path_factory.mktemp("trained") / "xor", doc=doc)
    run = p.train()
    best = min(run.history, key=lambda h: h["val_loss"])["epoch"]
    return p, doc, f"best: epoch {best} of {run.history[-1]['epoch']}"


def _copy(project_id, p, doc) -> str:
    pid = project_id("xor", doc=doc)
    shutil.copytree(p.dir / "runs", workspace.project_dir(pid) / "runs")
    return pid


async def test_train_and_test_pages_say_the_best_epoch_is_used(stopped_early, user: User, project_id) -> None:
    p, doc, note = stopped_early
    pid = _copy(project_id, p, doc)
    await user.open(f"/p/{pid}/train")
    await user.should_see(f"Predictions, Inspect and Export use these weights: {note}.")
    await user.open(f"/p/{pid}/test")
    await user.should_see(note)


async def test_the_grokking_example_says_on_train_why_it_trains_so_long(user: User, project_id) -> None:
    pid = project_id("modular_arithmetic")
    await user.open(f"/p/{pid}/train")
    await user.should_see("500 epochs on purpose, with early stopping off")
