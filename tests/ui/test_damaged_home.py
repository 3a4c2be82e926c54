"""Home lists a damaged project with what is wrong and how to repair it; the others still open."""
from __future__ import annotations

from nicegui.testing import User

from layerlab.api import create_project
from layerlab.store import workspace


async def test_home_shows_a_damaged_project_and_the_others_still_open(user: User) -> None:
    create_project("my spiral", example="spiral")
    broken = workspace.home() / "broken"
    broken.mkdir()
    (broken / "project.json").write_text('{"name": "broken", "training": {"epochs": NaN}}')
    await user.open("/")
    await user.should_see(marker="damaged-broken")
    await user.should_see("broken: damaged, cannot be opened")
    await user.should_see("training.epochs: is not a finite number")
    await user.should_see("move the folder")
    user.find(marker="trash-damaged-broken").click()  # the way out offered beside the damage
    await user.should_see("broken is in the trash now")
    assert not broken.exists() and [p["id"] for p in workspace.list_projects()] == ["my-spiral"]
    await user.open("/")
    user.find(marker="recent-my-spiral").click()
    await user.should_see(marker="project-name")
