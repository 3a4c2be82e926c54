"""Home's project menu, the trash and "Open project file", as a user clicks them."""
from __future__ import annotations

from nicegui.testing import User

from layerlab import api
from layerlab.store import workspace

R = 40  # each action reloads Home; a busy machine needs more than the default 3 tries


async def test_duplicate_rename_delete_and_restore_from_home(user: User) -> None:
    workspace.create("my xor", example="xor")
    await user.open("/")
    user.find(marker="duplicate-my-xor").click()
    await user.should_see(marker="recent-my-xor-copy", retries=R)
    assert api.load(workspace.home() / "my-xor").name == "my xor"  # clicking the menu did not open it

    user.find(marker="rename-my-xor-copy").click()
    user.find(marker="rename-input").clear().type("Second XOR")
    user.find(marker="rename-save").click()
    await user.should_see(marker="recent-second-xor", retries=R)
    await user.should_see("Second XOR", retries=R)

    user.find(marker="delete-second-xor").click()
    await user.should_see(marker="trashed-second-xor", retries=R)
    await user.should_not_see(marker="recent-second-xor")
    await user.should_see("Trash (1)", retries=R)

    user.find(marker="restore-second-xor").click()
    await user.should_see(marker="recent-second-xor", retries=R)
    await user.should_see("Trash (0)", retries=R)


async def test_renaming_to_nothing_is_refused_in_the_field(user: User) -> None:
    workspace.create("keep", example="xor")
    await user.open("/")
    user.find(marker="rename-keep").click()
    user.find(marker="rename-input").clear()
    user.find(marker="rename-save").click()
    await user.should_see(marker="rename-input", retries=R)
    assert [p["name"] for p in workspace.list_projects()] == ["keep"]


async def test_emptying_the_trash_asks_first(user: User) -> None:
    workspace.create("gone", example="xor")
    api.delete_project("gone")
    await user.open("/")
    user.find(marker="empty-trash").click()
    await user.should_see(marker="empty-yes", retries=R)
    assert len(api.trash()) == 1  # nothing deleted before the answer
    user.find(marker="empty-yes").click()
    await user.should_see("Trash (0)", retries=R)
    assert api.trash() == []
