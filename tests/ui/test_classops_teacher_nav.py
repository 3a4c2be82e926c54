"""Small gaps a teacher met on a class server (issue 17): on Home and on a project's pages the teacher has a
visible link back to the teacher page (a pupil does not), and the joining switch says the state it is in."""
from __future__ import annotations

import importlib

import pytest
from nicegui.testing import User

from layerlab.api_owners import set_owner_lookup
from layerlab.server.classroom import ClassServer


@pytest.fixture
def class_server(user, tmp_path, monkeypatch):
    """A class server's provider on the teacher page and its owner lookup (None: the teacher's request); after
    the user fixture, whose start may import the page modules afresh (and so their PROVIDER)."""
    server = ClassServer(tmp_path / "class", name="7b", code="K7Q2MX")
    monkeypatch.setattr(importlib.import_module("layerlab.ui.pages.teacher"), "PROVIDER", server)
    who: dict[str, str | None] = {"owner": None}
    set_owner_lookup(lambda request: who["owner"])
    yield server, who
    set_owner_lookup(None)


async def test_the_teacher_has_a_link_back_to_the_teacher_page_and_a_pupil_has_none(user: User, class_server,
                                                                                      project_id) -> None:
    _, who = class_server
    pid = project_id("xor")
    for path in ("/", f"/p/{pid}/model"):
        await user.open(path)
        link = user.find(marker="nav-teacher").elements.pop()
        assert link.props["href"] == "/teacher", path
        await user.should_see("Teacher page")
    await user.open("/teacher")
    await user.should_not_see(marker="nav-teacher")          # no link to the page you are on
    who["owner"] = "pupil:p1"                                # the same pages for a pupil
    for path in ("/", f"/p/{pid}/model"):
        await user.open(path)
        await user.should_not_see(marker="nav-teacher")


async def test_no_teacher_link_in_the_single_user_studio(user: User) -> None:
    await user.open("/")
    await user.should_see("LayerLab")
    await user.should_not_see(marker="nav-teacher")


async def test_the_joining_switch_says_whether_joining_is_open(user: User, class_server) -> None:
    server, _ = class_server
    await user.open("/teacher")
    switch = user.find(marker="joining").elements.pop()
    assert switch.value is True and switch.text == "Joining open"
    user.find(marker="joining").click()
    assert server.classroom.open_for_joining is False and switch.text == "Joining closed"
    user.find(marker="joining").click()
    assert server.classroom.open_for_joining is True and switch.text == "Joining open"
    server.classroom.set_open(False)                         # closed elsewhere (the API, another tab)
    await user.should_see("Joining closed")
    assert switch.value is False


async def test_the_joining_switch_in_german(user: User, class_server) -> None:
    server, _ = class_server
    server.classroom.set_open(False)
    await user.open("/teacher?lang=de")
    switch = user.find(marker="joining").elements.pop()
    assert switch.value is False and switch.text == "Beitreten geschlossen"
