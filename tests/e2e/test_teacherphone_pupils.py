"""The teacher's pupils at 375 px (issue 17 class walk): walking round the class with a phone, the teacher sees
every pupil's name, training state, best accuracy and last activity without scrolling sideways (each pupil
is a card), with the same actions as the laptop's table (open a project, stop, rejoin code, remove)."""
from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import close, sign_in
from tests.e2e.test_classroom_browser import CODE, TEACHER, klass  # noqa: F401 (the class server fixture)

pytestmark = pytest.mark.e2e


def _pupil(url: str, name: str) -> None:
    with httpx.Client(base_url=url) as c:
        token = c.post("/api/class/join", json={"code": CODE, "name": name}).json()["token"]
        made = c.post("/api/projects", json={"name": f"{name}s xor", "example": "xor"},
                      headers={"Authorization": f"Bearer {token}"})
        assert made.status_code == 201, made.text


def _teacher(browser, url, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height}, has_touch=width < 600)
    page = ctx.new_page()
    page.set_default_timeout(30000)
    sign_in(page, url, TEACHER, "/teacher")
    return ctx, page


def test_the_teachers_phone_shows_each_pupil_as_a_card_without_sideways_scrolling(browser, klass, shots):  # noqa: F811
    url = klass["url"]
    for name in ("Ada", "Bartholomäus-Maximilian"):
        _pupil(url, name)
    ctx, phone = _teacher(browser, url, 375, 812)
    card = phone.locator("[data-pupil='Ada']")
    card.wait_for()
    assert phone.locator("[data-pupil]").count() == 2 and phone.locator("tbody tr").count() == 0
    text = card.inner_text()
    for label in ("Training:", "Best validation accuracy:", "Last activity:", "Page:", "Projects:"):
        assert label in text, text
    # nothing wider than the phone: no sideways scrolling for the page or inside the pupils' list
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    phone.locator("[data-pupil='Bartholomäus-Maximilian']").scroll_into_view_if_needed()
    phone.screenshot(path=str(shots / "teacherphone-pupils-375.png"), full_page=True)
    # the same actions: a new rejoin code, and opening the project for the projector
    card.get_by_role("button", name="New rejoin code for Ada").click()
    phone.locator("[data-rejoin]").wait_for()
    phone.get_by_role("button", name="Close").click()
    assert card.get_by_role("button", name="Delete Ada").count() == 1
    card.get_by_role("link", name="Adas xor").click()
    phone.get_by_text("Ada · Adas xor").wait_for()
    close(ctx, phone)

    ctx, laptop = _teacher(browser, url, 1280, 800)     # a laptop keeps the table
    row = laptop.locator("tbody tr").filter(has_text="Ada")
    row.wait_for()
    assert laptop.locator("[data-pupil]").count() == 0
    assert row.get_by_role("button", name="New rejoin code for Ada").count() == 1
    laptop.screenshot(path=str(shots / "teacherphone-pupils-1280.png"), full_page=True)
    close(ctx, laptop)
