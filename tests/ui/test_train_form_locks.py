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


async def test_locked_training_settings_are_shown_read_only(user: User, project_id) -> None:
    """Seen in the class walk: the locked settings looked editable; a pupil typed, got a refusal toast, and the
    field kept the refused value. Now they are read-only (inert, greyed) with a sentence saying why."""
    pid = project_id("xor")
    await user.open(f"/p/{pid}/train")
    assert "inert" not in user.find(marker="train-settings-fields").elements.pop().props
    await user.should_not_see(marker="train-settings-locked")
    lesson.write(workspace.project_dir(pid), lesson.Lesson("l1", "XOR", locked=("training",)))
    await user.open(f"/p/{pid}/train")
    await user.should_see("Your teacher locked the training settings for this lesson: you see them")
    fields = user.find(marker="train-settings-fields").elements.pop()
    assert "inert" in fields.props and "pointer-events-none" in fields.classes
    epochs = user.find(marker="tf-training.epochs").elements.pop()
    epochs.set_value(99)                                   # a value sent anyway is refused, without 'Received: None'
    await user.should_see("your teacher locked the training settings for this lesson")
    await user.should_not_see("Received: None")
