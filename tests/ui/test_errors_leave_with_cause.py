"""A hint or error disappears the moment its cause does (issue 18.5): on Train, a class without
pictures is named until it is deleted elsewhere (the Data page, another tab), without a reload."""
from __future__ import annotations

from nicegui.testing import User
from PIL import Image

from layerlab.data import samples
from layerlab.store import workspace
from layerlab.ui.state import get_session


def _one(user: User, marker: str):
    return next(iter(user.find(marker=marker).elements))


async def test_train_drops_the_hint_of_a_class_deleted_elsewhere(user: User) -> None:
    await user.open("/")
    user.find(marker="new-image-project").click()
    await user.should_see(marker="image-project-dialog")
    _one(user, "ip-name").set_value("zoo")
    _one(user, "ip-class-1").set_value("cat")
    _one(user, "ip-class-2").set_value("dog")
    user.find(marker="ip-create").click()
    await user.should_see(marker="class-list", retries=50)
    pid = next(p["id"] for p in workspace.list_projects() if p["name"] == "zoo")
    folder = workspace.project_dir(pid)
    for name, colour in (("cat", "red"), ("dog", "blue")):
        samples.add_sample(folder, name, Image.new("RGB", (24, 24), colour))
    samples.add_class(folder, "bird")
    get_session(pid).data_changed()

    await user.open(f"/p/{pid}/train")
    await user.should_see(marker="train-hint")
    assert "bird" in " ".join(e.text for e in user.find(marker="train-hint").elements.pop().descendants()
                              if hasattr(e, "text"))

    samples.delete_class(folder, "bird")  # as the Data page does, in another tab
    get_session(pid).data_changed()
    await user.should_not_see(marker="train-hint")
    await user.should_not_see(marker="train-error-0")


async def test_data_page_drops_the_error_of_a_class_deleted_in_another_tab(user: User) -> None:
    await user.open("/")
    user.find(marker="new-image-project").click()
    await user.should_see(marker="image-project-dialog")
    _one(user, "ip-name").set_value("pond")
    _one(user, "ip-class-1").set_value("frog")
    _one(user, "ip-class-2").set_value("fish")
    user.find(marker="ip-create").click()
    await user.should_see(marker="class-list", retries=50)
    pid = next(p["id"] for p in workspace.list_projects() if p["name"] == "pond")
    folder = workspace.project_dir(pid)
    for name, colour in (("frog", "green"), ("fish", "blue")):
        for _ in range(2):
            samples.add_sample(folder, name, Image.new("RGB", (24, 24), colour))
    samples.add_class(folder, "newt")
    get_session(pid).data_changed()
    await user.open(f"/p/{pid}/data")
    await user.should_see("has a class with no images: 'newt'", retries=100)

    samples.delete_class(folder, "newt")  # in another tab
    get_session(pid).data_changed()
    await user.should_not_see("has a class with no images", retries=100)
    await user.should_not_see(marker="class-row-newt")
