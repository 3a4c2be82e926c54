"""Projects as things a person manages, in a real Chromium: Home -> duplicate a trained example project
-> rename it -> delete it -> restore it from the trash -> download the project file -> open it in a
fresh workspace with the CLI (same predictions as the original) and in the studio ("Open project file").

Screenshots of Home with a project's menu open and the trash, at 1280 px and 375 px, go to
tests/e2e/screenshots/ for a person to look at.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import pytest

from layerlab import api
from tests.e2e.conftest import close, open_page, run_studio

pytestmark = pytest.mark.e2e
X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.3, 0.8]]


def _shot(page, shots, name: str) -> None:
    page.wait_for_timeout(300)  # let the menu's transition settle so the picture shows what a person sees
    page.screenshot(path=str(shots / f"{name}.png"))  # the screen as it is: the list and its open menu


def _menu(page, pid: str, item: str) -> None:
    page.get_by_test_id(f"menu-{pid}").click()
    page.get_by_test_id(f"{item}-{pid}").click()


def _cli(*args: str, home) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(LAYERLAB_HOME=str(home), OMP_NUM_THREADS="1")
    r = subprocess.run([sys.executable, "-c", "from layerlab.cli import main; main()", *args], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """A studio of its own: the journey opens the xor example, which the shared one may hold already."""
    yield from run_studio(tmp_path_factory)


@pytest.fixture
def page(browser, studio):
    """A 1280 x 800 page on the studio's home; fails the test if a request left localhost."""
    ctx, pg, seen = open_page(browser, studio, width=1280, height=800)
    pg.set_default_timeout(45000)  # each action reloads Home (and its example pictures) on a shared, busy machine
    yield pg
    close(ctx, pg)
    assert not seen.outside(), f"requests left localhost: {seen.outside()}"


def test_duplicate_rename_delete_restore_download_and_open_elsewhere(page, studio, shots, monkeypatch, tmp_path):
    page.get_by_role("button", name="Open xor").click()          # an example project, from Home
    page.wait_for_url(re.compile(r"/p/xor/model$"))
    monkeypatch.setenv("LAYERLAB_HOME", str(studio["home"]))     # this process sees the studio's workspace
    original = api.load(studio["home"] / "xor")
    original.train(epochs=2)
    expected = original.predict(X)

    page.goto(f"{studio['url']}/")
    _menu(page, "xor", "duplicate")
    page.get_by_test_id("menu-xor-copy").wait_for()
    _menu(page, "xor-copy", "rename")
    page.get_by_label("New name").fill("Lesson XOR")
    page.get_by_test_id("rename-save").click()
    page.get_by_test_id("menu-lesson-xor").wait_for()
    assert page.get_by_text("Lesson XOR").is_visible()
    page.get_by_test_id("menu-lesson-xor").scroll_into_view_if_needed()
    page.get_by_test_id("menu-lesson-xor").click()
    page.get_by_test_id("delete-lesson-xor").wait_for()
    _shot(page, shots, "projects-menu-1280")

    page.get_by_test_id("delete-lesson-xor").click()
    page.get_by_test_id("trash").get_by_text("Trash (1)").wait_for()
    assert page.get_by_test_id("menu-lesson-xor").count() == 0
    page.get_by_test_id("trash").get_by_text("Trash (1)").click()
    page.get_by_test_id("restore-lesson-xor").wait_for()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    _shot(page, shots, "projects-trash-1280")
    page.get_by_test_id("restore-lesson-xor").click()
    page.get_by_test_id("menu-lesson-xor").wait_for()
    page.get_by_test_id("trash").get_by_text("Trash (0)").wait_for()

    with page.expect_download() as dl:
        _menu(page, "lesson-xor", "download")
    assert dl.value.suggested_filename == "lesson-xor.layerlab"
    file = tmp_path / "lesson-xor.layerlab"
    dl.value.save_as(file)

    # a fresh workspace, as on another machine: the CLI opens the file and predicts as the original did
    elsewhere = tmp_path / "elsewhere"
    assert "Opened Lesson XOR" in _cli("unpack", str(file), home=elsewhere)
    monkeypatch.setenv("LAYERLAB_HOME", str(elsewhere))
    np.testing.assert_allclose(api.load(elsewhere / "lesson-xor").predict(X), expected, rtol=0, atol=1e-6)

    # and the studio's "Open project file": a fresh name beside the one it came from
    page.get_by_test_id("open-project-file").locator("input[type=file]").set_input_files(str(file))
    page.wait_for_url(re.compile(r"/p/lesson-xor-2/model$"))
    monkeypatch.setenv("LAYERLAB_HOME", str(studio["home"]))
    np.testing.assert_allclose(api.load(studio["home"] / "lesson-xor-2").predict(X), expected, rtol=0, atol=1e-6)


def test_home_with_menus_at_phone_width(browser, studio, shots, monkeypatch):
    monkeypatch.setenv("LAYERLAB_HOME", str(studio["home"]))
    if not (studio["home"] / "phone-demo").exists():
        api.new(studio["home"] / "phone-demo", doc=dict(api.example("spiral"), name="A project with a long name "
                                                                                 "on a phone"))
        api.new(studio["home"] / "old-lesson", example="xor")
        api.delete_project("old-lesson")  # the trash shows one entry with its Restore button
    ctx, page, seen = open_page(browser, studio, width=375, height=812, touch=True)
    try:
        page.get_by_test_id("menu-phone-demo").scroll_into_view_if_needed()
        page.get_by_test_id("menu-phone-demo").click()
        page.get_by_test_id("rename-phone-demo").wait_for()
        box = page.get_by_test_id("menu-phone-demo").bounding_box()
        assert box is not None and box["x"] + box["width"] <= 375  # the menu button stays on screen
        _shot(page, shots, "projects-menu-375")
        page.keyboard.press("Escape")
        page.get_by_test_id("trash").click()
        page.get_by_test_id("restore-old-lesson").wait_for()
        page.wait_for_timeout(400)  # the expansion opens with an animation; scroll once it is open
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        _shot(page, shots, "projects-trash-375")
    finally:
        close(ctx, page)
    assert not seen.outside()
