"""The Train page's settings: early stopping switched off stays off (it came back on at the next
load), and a lesson's locked training settings are refused with the reason, not saved."""
from __future__ import annotations

from nicegui.testing import User

from layerlab import api
from layerlab.store import lesson, workspace


async def test_early_stopping_off_is_saved_as_off(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/train")
    switch = user.find(marker="tf-early_stopping").elements.pop()
    assert switch.value is True
    switch.set_value(False)
    assert api.load(workspace.project_dir(pid)).doc["training"]["early_stopping"] is None
    assert api.load(workspace.project_dir(pid)).spec.training.early_stopping is None
    await user.open(f"/p/{pid}/train")                      # a reload shows it off
    assert user.find(marker="tf-early_stopping").elements.pop().value is False


async def test_locked_training_settings_are_refused_with_the_reason(user: User, project_id) -> None:
    pid = project_id("xor")
    folder = workspace.project_dir(pid)
    lesson.write(folder, lesson.Lesson("l1", "XOR", locked=("training",)))
    await user.open(f"/p/{pid}/train")
    await user.should_see("locked: the training settings")
    epochs = user.find(marker="tf-training.epochs").elements.pop()
    before = api.load(folder).doc["training"]["epochs"]
    epochs.set_value(before + 5)
    await user.should_see("your teacher locked the training settings for this lesson")
    assert api.load(folder).doc["training"]["epochs"] == before
