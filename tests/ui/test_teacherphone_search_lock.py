"""A lesson copy whose training settings are locked: the Train page does not invite a search, and /search
says why instead of offering ranges the store would refuse; with the layers locked it offers
the training settings only (issue 17 class walk)."""
from __future__ import annotations

from nicegui.testing import User

from layerlab.store import lesson, workspace


async def test_search_is_not_offered_where_the_training_settings_are_locked(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/train")
    user.find(marker="train-search-link")                       # an ordinary project offers the search
    await user.open(f"/p/{pid}/search")
    user.find(marker="search-start")
    await user.should_not_see(marker="search-locked")
    lesson.write(workspace.project_dir(pid), lesson.Lesson("l1", "XOR", locked=("training",)))
    await user.open(f"/p/{pid}/train")
    await user.should_see(marker="train-settings-locked")
    await user.should_not_see(marker="train-search-link")
    await user.open(f"/p/{pid}/search")
    await user.should_see("Your teacher locked the training settings for this lesson, so a search cannot")
    await user.should_not_see(marker="search-start")
    await user.should_not_see(marker="search-ranges")
    user.find(marker="search-back-to-train")


async def test_locked_layers_offer_no_layer_ranges_but_the_training_settings_stay_searchable(user: User,
                                                                                          project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/search")
    offered = user.find(marker="search-setting").elements.pop().options
    assert any(p.startswith("model.layers") for p in offered) and "training.learning_rate" in offered
    lesson.write(workspace.project_dir(pid), lesson.Lesson("l1", "XOR", locked=("layers",)))
    await user.open(f"/p/{pid}/search")
    user.find(marker="search-start")                             # the settings are still the pupil's to search
    offered = user.find(marker="search-setting").elements.pop().options
    assert "training.learning_rate" in offered
    assert not [p for p in offered if p.startswith("model.")], offered

