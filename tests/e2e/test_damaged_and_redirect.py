"""In a real Chromium: Home lists a damaged project with what is wrong and how to repair it while
the other projects open as always, and a token link to `//evil.example/x` signs in and stays on
this studio (its 404 page, with our words).

At phone width the damaged entry's "Move to trash" empties the list of it.
Screenshots of Home with the damaged entry at 1280 x 800 and 375 x 812 go to tests/e2e/screenshots/.
"""
from __future__ import annotations

import re
import shutil

import pytest

from layerlab.api import create_project
from layerlab.store import workspace
from tests.e2e.conftest import close, open_page

pytestmark = pytest.mark.e2e


@pytest.fixture
def damaged(studio, monkeypatch):
    """A good project and a damaged one in the studio's workspace (removed afterwards: the workspace is shared)."""
    monkeypatch.setenv("LAYERLAB_HOME", str(studio["home"]))
    good = create_project("edges good", example="xor").dir
    bad = studio["home"] / "broken-notes"
    bad.mkdir()
    (bad / "project.json").write_text('{"name": "broken notes", "data": {"source": "xor"},\n'
                                      ' "training": {"learning_rate": NaN}}')
    yield good.name
    shutil.rmtree(bad, ignore_errors=True)
    for entry in (studio["home"] / ".trash").glob("broken-notes--*"):  # the 375 px run trashes it
        shutil.rmtree(entry, ignore_errors=True)
    shutil.rmtree(good, ignore_errors=True)


@pytest.mark.parametrize("width,height,name", [(1280, 800, "1280"), (375, 812, "375")])
def test_home_lists_a_damaged_project_and_the_others_open(browser, studio, shots, damaged, width, height, name):
    ctx, page, seen = open_page(browser, studio, width=width, height=height)
    try:
        entry = page.get_by_test_id("damaged-broken-notes")
        entry.scroll_into_view_if_needed()
        text = " ".join(entry.inner_text().split())
        assert "broken-notes: damaged, cannot be opened" in text
        assert "training.learning_rate: is not a finite number" in text and "Fix:" in text
        assert "move the folder" in text
        box = entry.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1  # nothing off-screen
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / f"damaged-project-home-{name}.png"))
        page.get_by_text("edges good", exact=True).click()
        page.wait_for_url(re.compile(rf"/p/{damaged}/model$"))
        page.get_by_text("edges good").first.wait_for()
        if width == 375:  # then the way out the entry offers: to the trash, and the list is whole again
            page.goto(studio["url"] + "/")
            page.get_by_test_id("trash-damaged-broken-notes").click()
            page.get_by_test_id("damaged-broken-notes").wait_for(state="detached")
            page.get_by_text("edges good", exact=True).wait_for()
            assert not (studio["home"] / "broken-notes").exists()
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()


def test_a_token_link_to_another_host_signs_in_and_stays_here(browser, studio):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    try:
        page.goto(f"{studio['url']}//evil.example/x?token={studio['token']}")
        page.wait_for_url(re.compile(r"/evil\.example/x$"))
        assert page.url == f"{studio['url']}/evil.example/x"
        assert "no page at this address" in page.content()
    finally:
        close(ctx, page)
