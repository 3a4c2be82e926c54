"""Own picture projects from Home; the output layer follows the classes; bad settings keep Train off."""
from __future__ import annotations

import io

from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from PIL import Image

from layerlab import api
from layerlab.data import samples
from layerlab.store import workspace


def _png(colour: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (24, 24), colour).save(buf, format="PNG")
    return buf.getvalue()


def _one(user: User, marker: str):
    return next(iter(user.find(marker=marker).elements))


async def test_new_image_project_then_the_output_follows_the_classes(user: User) -> None:
    await user.open("/")
    user.find(marker="new-image-project").click()
    await user.should_see(marker="image-project-dialog")
    _one(user, "ip-name").set_value("pets")
    _one(user, "ip-class-1").set_value("cat")
    user.find(marker="ip-create").click()
    await user.should_see("at least two classes")          # one class is refused, in words
    _one(user, "ip-class-2").set_value("dog")
    user.find(marker="ip-create").click()
    await user.should_see(marker="class-list", retries=50)
    pid = next(p["id"] for p in workspace.list_projects() if p["name"] == "pets")
    folder = workspace.project_dir(pid)
    assert samples.class_counts(folder) == {"cat": 0, "dog": 0}
    await user.should_see(marker="count-cat")
    await user.should_see("Add at least two classes with pictures", retries=100)  # a hint, no error card

    upload = _one(user, "class-upload")
    await upload.handle_uploads([SmallFileUpload("red.png", "image/png", _png("red"))])
    await user.should_see("1 picture")
    await user.should_not_see("1 pictures")  # one picture reads in the singular
    assert samples.class_counts(folder)["cat"] == 1
    _one(user, "new-class").set_value("bird")
    user.find(marker="add-class").click()
    await user.should_see("Output layer now has 3 units, one per class.")
    doc = api.load(folder).doc
    assert doc["model"]["layers"][-1]["units"] == 3

    await user.open(f"/p/{pid}/model")
    await user.should_see(marker="model-valid")             # no stale error after the data change
    await user.open(f"/p/{pid}/train")
    await user.should_see(marker="train-hint")              # empty classes: a gentle hint before Train
    await user.should_not_see(marker="train-error-0")


async def test_use_my_own_pictures_on_an_example_makes_a_copy(user: User, project_id) -> None:
    pid = project_id("digits")
    await user.open(f"/p/{pid}/data")
    user.find(marker="use-images").click()
    await user.should_see(marker="own-pictures-dialog")
    user.find(marker="own-pictures-copy").click()
    await user.should_see(marker="class-list", retries=50)
    assert api.load(workspace.project_dir(pid)).doc["data"]["source"] == "digits"   # the example is kept
    copy = next(p for p in workspace.list_projects() if p["id"] != pid)
    assert copy["source"] == "images" and "my pictures" in copy["name"]


async def test_a_bad_setting_turns_train_off_and_says_why(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/train")
    start = _one(user, "train-start")
    assert start.enabled
    epochs = _one(user, "tf-training.epochs")
    for bad in (0, None):
        epochs.set_value(bad)
        assert not start.enabled
        assert "Epochs" in _one(user, "train-blocked").text
    assert api.load(workspace.project_dir(pid)).doc["training"]["epochs"] == 60   # nothing invalid saved
    rate = _one(user, "tf-training.learning_rate")
    rate.set_value(-1)
    epochs.set_value(5)
    assert not start.enabled and "Learning rate" in _one(user, "train-blocked").text
    rate.set_value(0.01)
    assert start.enabled and _one(user, "train-blocked").text == ""
    assert api.load(workspace.project_dir(pid)).doc["training"]["epochs"] == 5


async def test_units_are_never_clamped_and_train_offers_the_fix(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/model")
    units = _one(user, "param-0-units")
    for bad in (-5, 10**9):
        units.set_value(bad)
        assert api.load(workspace.project_dir(pid)).doc["model"]["layers"][0]["units"] == bad   # kept as typed
        assert units.error  # the field says what is wrong
    await user.open(f"/p/{pid}/train")
    await user.should_see("must be at most 65536")          # Train shows the model's error at once
    await user.open(f"/p/{pid}/model")
    _one(user, "param-0-units").set_value(8)
    _one(user, "param-1-units").set_value(5)                 # an output that does not fit the data
    await user.open(f"/p/{pid}/train")
    await user.should_see(marker="train-error-0")
    user.find(marker="train-fix-0").click()                  # the one-click fix, right on Train
    await user.should_not_see(marker="train-error-0")
    assert api.load(workspace.project_dir(pid)).doc["model"]["layers"][1]["units"] == 2


async def test_a_zip_of_pictures_on_an_example_can_go_into_a_copy(user: User, project_id) -> None:
    import zipfile
    from nicegui.elements.upload_files import SmallFileUpload as Upload
    pid = project_id("digits")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for cls, colour in (("red", "red"), ("blue", "blue"), ("green", "green")):
            zf.writestr(f"{cls}/1.png", _png(colour))
    await user.open(f"/p/{pid}/data")
    await _one(user, "zip-upload").handle_uploads([Upload("set.zip", "application/zip", buf.getvalue())])
    await user.should_see(marker="own-pictures-dialog")
    user.find(marker="own-pictures-copy").click()
    await user.should_see(marker="count-green", retries=100)
    original = workspace.project_dir(pid)
    assert api.load(original).doc["data"]["source"] == "digits" and samples.class_counts(original) == {}
    copy = workspace.project_dir(next(p["id"] for p in workspace.list_projects() if p["id"] != pid))
    assert samples.class_counts(copy) == {"blue": 1, "green": 1, "red": 1}
    assert api.load(copy).doc["model"]["layers"][-1]["units"] == 3 and api.load(copy).errors() == []


def test_a_session_notices_pictures_added_elsewhere() -> None:
    from layerlab.ui.state import get_session
    folder = workspace.home() / "pets"
    api.new_image_project(folder, ["cat", "dog"], name="pets")
    session = get_session("pets")
    assert session.errors() == []
    samples.add_sample(folder, "bird", _png("green"))  # e.g. through the HTTP API or by hand
    again = get_session("pets")
    assert again is session and session.errors() == []  # analysed again at once: no stale error
    assert session.doc["model"]["layers"][-1]["units"] == 3 == api.load(folder).doc["model"]["layers"][-1]["units"]
    assert session.undo() and session.doc["model"]["layers"][-1]["units"] == 2  # the follow-up is an edit
