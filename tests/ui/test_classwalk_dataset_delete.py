"""The teacher deletes a class dataset on the teacher page (issue 17.5): a button beside each dataset asks first,
naming the dataset and how many pictures go; Cancel keeps it, Delete deletes it and the card no longer lists it."""
from __future__ import annotations

import importlib

import pytest
from nicegui.testing import User
from PIL import Image

from layerlab import api
from layerlab import api_class_data as pool
from layerlab.api_owners import set_owner_lookup
from layerlab.data import samples
from layerlab.server.classroom import ClassServer


@pytest.fixture
def shared(user, tmp_path, monkeypatch):
    """A class server (the teacher's request) whose teacher shared the picture project 'Fruit' (3 pictures)."""
    server = ClassServer(tmp_path / "class", name="7b", code="K7Q2MX")
    monkeypatch.setattr(importlib.import_module("layerlab.ui.pages.teacher"), "PROVIDER", server)
    set_owner_lookup(lambda request: None)
    project = api.new_image_project(server.classroom.teacher_home / "fruit", ["apple", "banana"], "Fruit", 28)
    for c, colour in (("apple", "red"), ("apple", "darkred"), ("banana", "yellow")):
        samples.add_sample(project.dir, c, Image.new("RGB", (20, 20), colour))
    meta = pool.share_project(server.classroom.root, project.dir)
    yield server, meta["id"]
    set_owner_lookup(None)


async def test_the_teacher_deletes_a_class_dataset_after_confirming(user: User, shared) -> None:
    server, ds = shared
    await user.open("/teacher")
    await user.should_see(marker=f"tds-{ds}")
    user.find(marker=f"tds-delete-{ds}").click()
    await user.should_see("Delete the class dataset 'Fruit'?")
    await user.should_see("All 3 pictures in it are deleted")
    user.find("Cancel").click()
    assert pool.ClassDatasets(server.classroom.root).all()[0]["id"] == ds   # Cancel keeps it
    user.find(marker=f"tds-delete-{ds}").click()
    user.find(marker="tds-delete-confirm").click()
    await user.should_see("The class dataset 'Fruit' was deleted.")
    await user.should_not_see(marker=f"tds-{ds}")
    assert pool.ClassDatasets(server.classroom.root).all() == []
    assert api.load(server.classroom.teacher_home / "fruit").doc["data"]["source"] == "images"


async def test_the_delete_question_in_german(user: User, shared) -> None:
    server, ds = shared
    await user.open("/teacher?lang=de")
    await user.should_see(marker=f"tds-{ds}")   # the card draws its datasets on its first refresh
    user.find(marker=f"tds-delete-{ds}").click()
    await user.should_see("Den Klassen-Datensatz 'Fruit' löschen?")
    await user.should_see("Alle 3 Bilder darin werden gelöscht")


async def test_a_project_on_a_deleted_dataset_says_so_once_on_its_data_page(user: User, shared, monkeypatch) -> None:
    server, ds = shared
    home = server.classroom.teacher_home   # a workspace of the class: its projects may train on a class dataset
    monkeypatch.setenv("LAYERLAB_HOME", str(home))
    pool.project_on_dataset(server.classroom.root, ds, home / "mine", "Mine")
    pool.delete_dataset(server.classroom.root, ds, home)
    await user.open("/p/mine/data")
    await user.should_see("The data cannot be read: dataset: was deleted by the teacher")   # the overview, read in a thread
    await user.should_see("Use my own pictures")   # the way on, on the same page
    shown = [e for e in user.find("was deleted by the teacher").elements if e.visible]
    assert len(shown) == 1, [getattr(e, "text", "") for e in shown]   # not a second time from the pool's panel
