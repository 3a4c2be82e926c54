"""Home page: the example gallery, opening an example, recent projects."""
from __future__ import annotations

import asyncio
from pathlib import Path

from nicegui.testing import User

from layerlab import api
from layerlab.api import create_project
from layerlab.store import workspace


async def test_gallery_lists_every_example(user: User) -> None:
    await user.open("/")
    for ex in api.examples():
        await user.should_see(marker=f"example-{ex['name']}")
        await user.should_see(marker=f"open-{ex['name']}")
    await user.should_see(marker="no-projects")


async def test_opening_an_example_creates_a_project_and_shows_its_model(user: User) -> None:
    await user.open("/")
    user.find(marker="open-xor").click()
    await user.should_see(marker="project-name")
    projects = workspace.list_projects()
    assert [p["id"] for p in projects] == ["xor"]
    assert (workspace.project_dir("xor") / "project.json").is_file()
    await user.should_see(marker="nav-train")


async def test_recent_projects_are_listed_and_open(user: User) -> None:
    create_project("my spiral", example="spiral")
    await user.open("/")
    await user.should_see("my spiral")
    user.find(marker="recent-my-spiral").click()
    await user.should_see(marker="project-name")


async def test_unknown_project_is_a_clear_404(user: User) -> None:
    response = await user.http_client.get("/p/nope/model")
    assert response.status_code == 404
    assert "nope" in response.text


async def test_language_switch_translates_and_persists(user: User) -> None:
    await user.open("/")
    await user.should_see("Start from an example")
    user.find(marker="lang-select").click()
    user.find("Deutsch").click()
    await user.open("/")
    await user.should_see("Mit einem Beispiel beginnen")


async def test_every_tab_of_a_project_opens(user: User) -> None:
    from layerlab.ui.app import page_modules
    built = {name.rsplit(".", 1)[1] for name in page_modules()}   # the other pages arrive in their own commits
    pid = create_project("tabs", example="xor").dir.name
    for tab in sorted({"model", "inspect", "export"} | (built & {"data", "train", "test"})):
        await user.open(f"/p/{pid}/{tab}")
        await user.should_see(marker="project-name")


async def test_uploading_a_csv_asks_which_column_to_predict(user: User) -> None:
    """The guess (a text column with few values) is preselected, never the last column (a year here)."""
    from nicegui.elements.upload_files import SmallFileUpload
    rows = "\n".join(f"{i % 7},{'yes' if i % 2 else 'no'},{(i * 3) % 5},{2007 + i % 3}" for i in range(60))
    await user.open("/")
    upload = user.find(marker="own-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload(name="plants.csv", content_type="text/csv",
                                                 _data=("a,label,b,year\n" + rows).encode())])
    await user.should_see(marker="target-choice", retries=100)
    choice = user.find(marker="target-choice").elements.pop()
    assert choice.value == "label" and "year · whole numbers, 3 values: 2007, 2008, 2009" in choice.options.values()
    assert workspace.list_projects() == []                       # nothing is made before the user confirms
    choice.set_value("year")                                     # the user may choose another column
    choice.set_value("label")
    user.find(marker="target-next").click()
    await user.should_see("The network will predict: label")
    user.find(marker="role-0").elements.pop().set_value("ignored")
    user.find(marker="target-confirm").click()
    await user.should_see(marker="predicting", retries=100)     # the project opens on its Data page
    await user.should_see("predicting: label (2 classes)")
    project = workspace.list_projects()[0]
    assert project["id"].startswith("plants")
    params = api.load(workspace.project_dir(project["id"])).doc["data"]["params"]
    assert params["target"] == "label" and params["roles"] == {"a": "ignored"}


async def test_recent_projects_show_their_latest_run(user: User) -> None:
    project = create_project("tiny xor", example="xor")
    project.train(epochs=1)
    for _ in range(100):                            # the registry records the end just after training returns
        if project.runs() and project.runs()[0]["status"] == "finished":
            break
        await asyncio.sleep(0.1)
    await user.open("/")
    await user.should_see(marker="runs-tiny-xor")
    await user.should_see("training runs: 1")
    await user.should_see("latest: finished after epoch 1", retries=20)


async def test_a_file_that_cannot_be_used_says_why(user: User) -> None:
    from nicegui.elements.upload_files import SmallFileUpload
    await user.open("/")
    upload = user.find(marker="own-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload(name="empty.csv", content_type="text/csv", _data=b"")])
    await user.should_see("Could not use this file", retries=50)
    assert workspace.list_projects() == []


async def test_importing_a_tfjs_model_makes_a_project_with_its_weights(user: User) -> None:
    from nicegui.elements.upload_files import SmallFileUpload
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "tfjs" / "dense"
    files = [SmallFileUpload(name=f.name, content_type="application/octet-stream", _data=f.read_bytes())
             for f in sorted(fixture.iterdir()) if f.name == "model.json" or f.suffix == ".bin"]
    await user.open("/")
    upload = user.find(marker="import-upload").elements.pop()
    await upload.handle_uploads(files)
    await user.should_see(marker="project-name", retries=100)
    project = workspace.list_projects()[0]
    loaded = api.load(workspace.project_dir(project["id"])).load_run()
    assert loaded.network is not None and len(loaded.network.layers) > 0


async def test_an_import_without_model_json_says_why(user: User) -> None:
    from nicegui.elements.upload_files import SmallFileUpload
    await user.open("/")
    upload = user.find(marker="import-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload(name="weights.bin", content_type="application/octet-stream",
                                                 _data=b"\0" * 16)])
    await user.should_see("Could not import", retries=50)
    assert workspace.list_projects() == []


def test_every_example_has_a_german_description() -> None:
    for ex in api.examples():
        assert ex["description_de"] and ex["description_de"] != ex["description"], ex["name"]
