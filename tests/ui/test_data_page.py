"""Data page: class counts, own classes with uploads, CSV column roles, augmentation preview."""
from __future__ import annotations

import asyncio
import io

from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from PIL import Image

from layerlab import api
from layerlab.data import samples
from layerlab.store import workspace


def _png(colour: str = "red") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (24, 24), colour).save(buf, format="PNG")
    return buf.getvalue()


def _texts(user: User, marker: str) -> list[str]:
    out = []
    for el in user.find(marker=marker).elements:
        out += [c.text for c in el.descendants() if isinstance(c, ui.label)]
    return out


async def _settled(user: User, timeout: float = 30.0) -> None:
    """Wait until the page finished reading its data and drawing the augmentation preview
    (work still running in a thread when a test ends makes NiceGUI's teardown log an error)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        overview = user.find(marker="data-overview").elements
        done = overview and any(m in {"data-samples", "data-problem"}
                                for el in overview for c in el.descendants() for m in c._markers)
        aug = user.find(marker="aug-preview").elements
        if done and all(list(a.descendants()) for a in aug):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the data page did not finish loading")


async def test_digits_shows_ten_class_counts_and_an_image_grid(user: User, project_id) -> None:
    pid = project_id("digits")
    await user.open(f"/p/{pid}/data")
    await user.should_see(marker="image-grid", retries=100)
    counts = api.load(workspace.project_dir(pid)).data_summary()["class_counts"]
    assert len(counts) == 10
    for i, (cls, n) in enumerate(counts.items()):
        assert _texts(user, f"data-count-{i}") == [cls, str(n)]
    await user.should_see("1,797 samples")  # numbers as people of the language write them
    await _settled(user)


async def test_points_get_a_scatter_and_tables_a_table(user: User, project_id) -> None:
    await user.open(f"/p/{project_id('spiral')}/data")
    await user.should_see(marker="data-scatter", retries=100)
    await _settled(user)
    await user.open(f"/p/{project_id('iris')}/data")
    await user.should_see(marker="data-table", retries=100)
    await _settled(user)


async def test_own_class_accepts_an_uploaded_picture_and_refuses_a_fake(user: User, project_id) -> None:
    pid = project_id("digits")
    await user.open(f"/p/{pid}/data")
    user.find(marker="use-images").click()
    await user.should_see(marker="own-pictures-dialog")  # never replaced without asking
    assert api.load(workspace.project_dir(pid)).doc["data"]["source"] == "digits"
    user.find(marker="own-pictures-replace").click()
    await user.should_see(marker="class-list")  # the page was rebuilt for own pictures
    folder = workspace.project_dir(pid)
    assert api.load(folder).doc["data"]["source"] == "images"
    user.find(marker="new-class").type("cat")
    user.find(marker="add-class").click()
    await user.should_see(marker="count-cat")
    upload = user.find(marker="class-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("red.png", "image/png", _png())])
    await user.should_see("1 picture")
    await user.should_not_see("1 pictures")  # one picture reads in the singular
    assert samples.class_counts(folder) == {"cat": 1}
    await upload.handle_uploads([SmallFileUpload("fake.png", "image/png", b"not a picture")])
    await user.should_see("is not a picture Pillow can read")
    assert samples.class_counts(folder) == {"cat": 1}


async def test_drawing_and_webcam_frames_land_in_the_chosen_class(user: User, project_id) -> None:
    from layerlab.ui.components.pictures import to_data_url
    pid = project_id("digits")
    folder = workspace.project_dir(pid)
    samples.add_class(folder, "a")
    samples.add_class(folder, "b")
    doc = api.load(folder).doc
    doc["data"] = {"source": "images", "params": {"size": 16, "channels": 1}}
    workspace.save_doc(folder, doc, workspace.revision(folder))
    await user.open(f"/p/{pid}/data")
    await user.should_see(marker="count-b")
    user.find(marker="target-class").elements.pop().set_value("b")
    canvas = user.find(marker="class-canvas").elements.pop()
    canvas.receive(to_data_url(Image.new("L", (32, 32), 255)))
    user.find(marker="save-drawing").click()
    cam = user.find(marker="class-webcam").elements.pop()
    for i in (1, 2, 3):  # a burst of three frames, as the browser sends them
        cam.receive(to_data_url(Image.new("RGB", (32, 32), "blue")), i, 3, "a")
    assert samples.class_counts(folder) == {"a": 3, "b": 1}
    user.find(marker="delete-a").click()          # asks first: the class holds pictures
    user.find(marker="cancel-delete").click()
    assert samples.class_counts(folder) == {"a": 3, "b": 1}
    user.find(marker="delete-a").click()
    user.find(marker="confirm-delete").click()
    assert samples.class_counts(folder) == {"b": 1}


async def test_csv_with_column_roles_becomes_the_data(user: User, project_id) -> None:
    pid = project_id("iris")
    await user.open(f"/p/{pid}/data")
    rows = "".join(f"{i},{i % 7},{i * 3 % 5},{'yes' if i % 2 else 'no'}\n" for i in range(40))
    csv = ("id,size,weight,label\n" + rows).encode()
    upload = user.find(marker="csv-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("pets.csv", "text/csv", csv)])
    await user.should_see(marker="target-choice")
    assert user.find(marker="target-choice").elements.pop().value == "label"   # the guess, preselected
    user.find(marker="target-next").click()
    await user.should_see(marker="role-0")
    user.find(marker="role-0").elements.pop().set_value("ignored")
    user.find(marker="target-confirm").click()
    await user.should_see("predicting: label (2 classes)", retries=100)
    await _settled(user)
    await user.should_see("40 samples", retries=100)
    data = api.load(workspace.project_dir(pid)).doc["data"]
    assert data["source"] == "csv" and data["params"]["target"] == "label"
    assert data["params"]["roles"] == {"id": "ignored"}


async def test_augmentation_switch_saves_and_previews(user: User, project_id) -> None:
    pid = project_id("digits")
    await user.open(f"/p/{pid}/data")
    await user.should_see(marker="aug-rotation")
    user.find(marker="aug-rotation").click()
    assert api.load(workspace.project_dir(pid)).doc["data"]["augmentation"] == {"rotation": True}
    for _ in range(100):
        grid = user.find(marker="aug-preview").elements.pop()
        if sum(isinstance(c, ui.image) for c in grid.descendants()) == 8:
            break
        await asyncio.sleep(0.1)
    assert sum(isinstance(c, ui.image) for c in grid.descendants()) == 8


async def test_zip_of_class_folders_becomes_own_pictures(user: User, project_id) -> None:
    import zipfile
    pid = project_id("digits")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for cls, colour in (("red", "red"), ("blue", "blue")):
            for i in range(3):
                zf.writestr(f"pets/{cls}/{i}.png", _png(colour))
        zf.writestr("pets/readme.txt", "not a picture")
    await user.open(f"/p/{pid}/data")
    upload = user.find(marker="zip-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("pets.zip", "application/zip", buf.getvalue())])
    await user.should_see(marker="own-pictures-dialog")  # the pictures would replace the digits: asked first
    folder = workspace.project_dir(pid)
    assert samples.class_counts(folder) == {} and api.load(folder).doc["data"]["source"] == "digits"
    user.find(marker="own-pictures-replace").click()
    await user.should_see(marker="count-blue", retries=100)  # the page was rebuilt for own pictures
    assert samples.class_counts(folder) == {"blue": 3, "red": 3}
    assert api.load(folder).doc["data"]["source"] == "images"
    assert api.load(folder).errors() == []  # the output layer followed: 2 units, one per class
    assert not (folder / "data" / "upload").exists()
    await _settled(user)


async def test_a_switched_on_augmentation_shows_its_settings_and_saves_them(user: User, project_id) -> None:
    pid = project_id("digits")
    await user.open(f"/p/{pid}/data")
    await user.should_see(marker="aug-rotation")
    await user.should_not_see(marker="augp-rotation-degrees")
    user.find(marker="aug-rotation").click()
    await user.should_see(marker="augp-rotation-degrees")
    degrees = user.find(marker="augp-rotation-degrees").elements.pop()
    assert degrees.value == 15.0                                     # the declared default
    degrees.set_value(40)
    assert api.load(workspace.project_dir(pid)).doc["data"]["augmentation"] == {"rotation": {"degrees": 40}}
    user.find(marker="aug-rotation").click()                         # off again: its settings go away
    await user.should_not_see(marker="augp-rotation-degrees")
    assert "rotation" not in api.load(workspace.project_dir(pid)).doc["data"].get("augmentation", {})


async def test_values_only_outside_the_training_rows_are_pointed_out(user: User, project_id) -> None:
    from tests.data.test_category_fit import _data, _val_only_table
    text, _ = _val_only_table()
    doc = {"name": "colours", "task": "classification", "data": _data(text),
           "model": {"layers": [{"type": "dense", "units": 2, "activation": "softmax"}]}}
    pid = project_id(doc=doc)
    await user.open(f"/p/{pid}/data")
    await _settled(user)
    await user.should_see(marker="data-unseen")
    assert "colour: purple" in next(iter(user.find(marker="data-unseen").elements)).text


async def test_the_sources_own_settings_are_a_form_that_saves_and_rereads(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/data")
    await _settled(user)
    samples = user.find(marker="src-n_samples").elements.pop()
    samples.set_value(120)
    assert api.load(workspace.project_dir(pid)).doc["data"]["params"]["n_samples"] == 120
    await _settled(user)
    await user.should_see("120 samples", retries=50)


async def test_own_pictures_offer_size_colour_and_fit(user: User, project_id) -> None:
    doc = api.example("digits")
    doc["data"] = {"source": "images", "params": {"size": 32, "channels": 3}}
    pid = project_id(doc=doc)
    await user.open(f"/p/{pid}/data")
    for name in ("size", "channels", "fit"):
        await user.should_see(marker=f"src-{name}")
    fit = user.find(marker="src-fit").elements.pop()
    assert set(fit.options) >= {"squash", "pad", "crop"}
    fit.set_value("pad")
    assert api.load(workspace.project_dir(pid)).doc["data"]["params"]["fit"] == "pad"
    await user.should_not_see(marker="src-path")                  # paths have their own controls
