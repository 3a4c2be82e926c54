"""Home's project menu, the trash and "Open project file", as a user clicks them."""
from __future__ import annotations

import asyncio

from nicegui.testing import User

from layerlab import api
from layerlab.api import create_project
from layerlab.store import workspace

R = 40  # each action reloads Home; a busy machine needs more than the default 3 tries


async def test_duplicate_rename_delete_and_restore_from_home(user: User) -> None:
    create_project("my xor", example="xor")
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
    create_project("keep", example="xor")
    await user.open("/")
    user.find(marker="rename-keep").click()
    user.find(marker="rename-input").clear()
    user.find(marker="rename-save").click()
    field = user.find(marker="rename-input").elements.pop()
    for _ in range(R):
        if field.props.get("error-message"):
            break
        await asyncio.sleep(0.1)
    assert field.props["error-message"].startswith("name: a project needs a name")
    assert [p["name"] for p in workspace.list_projects()] == ["keep"]


async def test_emptying_the_trash_asks_first(user: User) -> None:
    create_project("gone", example="xor")
    api.delete_project("gone")
    await user.open("/")
    user.find(marker="empty-trash").click()
    await user.should_see(marker="empty-yes", retries=R)
    assert len(api.trash()) == 1  # nothing deleted before the answer
    user.find(marker="empty-yes").click()
    await user.should_see("Trash (0)", retries=R)
    assert api.trash() == []


async def test_open_project_file_opens_a_good_file_and_refuses_a_hostile_one(user: User, tmp_path) -> None:
    import io
    import zipfile

    from nicegui.elements.upload_files import SmallFileUpload
    source = create_project("shared", example="xor")
    good = api.pack_project(source.dir, tmp_path / "shared.layerlab").path.read_bytes()
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("project.json", "{}")
        zf.writestr("data/model.pkl", b"\x80\x04K\x01.")
    await user.open("/")
    upload = user.find(marker="open-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("evil.layerlab", "application/zip", evil.getvalue())])
    await user.should_see("pickle", retries=R)
    assert [p["id"] for p in workspace.list_projects()] == ["shared"]
    await upload.handle_uploads([SmallFileUpload("shared.layerlab", "application/zip", good)])
    await user.should_see(marker="project-name", retries=R)
    assert sorted(p["id"] for p in workspace.list_projects()) == ["shared", "shared-2"]
