"""Real-browser checks of the Data, Train and Test pages: a burst from Chromium's fake webcam
lands in a class, pressing Train draws chart points, a drawn digit gets probability bars,
and the three pages fit a 375 px phone screen. Screenshots go to tests/e2e/screenshots/.
"""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARGS, BOTH_ANSWERS_WATCH, CHROMIUM, close, sign_in

pytestmark = pytest.mark.e2e
FAKE_CAMERA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
CHART_POINTS = """() => [...document.querySelectorAll('.nicegui-echart')].map(el => {
    const chart = getElement(el.id.slice(1)).chart;
    return chart ? chart.getOption().series.reduce((n, s) => n + (s.data || []).length, 0) : 0;
})"""


@pytest.fixture(scope="module")
def camera_browser():
    """Chromium with a fake camera that is allowed without asking."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + FAKE_CAMERA, headless=True)
        yield b
        b.close()


def _open(browser, studio, width: int = 1280, height: int = 900):
    ctx = browser.new_context(viewport={"width": width, "height": height}, permissions=["camera"])
    page = ctx.new_page()
    page.set_default_timeout(20000)
    sign_in(page, studio["url"], studio["token"])
    return ctx, page


def _shot(page, shots, name: str) -> None:
    page.wait_for_timeout(400)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def _fits_phone(page, shots, name: str) -> None:
    """The same page at 375 px: screenshot, and nothing wider than the screen."""
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_timeout(500)
    _shot(page, shots, name)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(size)
    assert width <= 375, f"{name}: the page is {width}px wide at a 375px viewport"


def _new_project(page, example: str) -> str:
    page.get_by_role("button", name=f"Open {example}").click()
    page.wait_for_url(re.compile(r"/p/[\w-]+/model$"))
    return page.url.rsplit("/", 2)[-2]


def test_webcam_burst_fills_a_class(camera_browser, studio, shots):
    ctx, page = _open(camera_browser, studio)
    try:
        pid = _new_project(page, "digits")
        page.goto(f"{studio['url']}/p/{pid}/data")
        page.get_by_role("button", name=re.compile("Use my own pictures")).click()
        page.get_by_role("button", name=re.compile("Replace the data here")).click()  # asked first
        page.get_by_label("New class").fill("cup")
        page.get_by_label("New class").press("Enter")
        page.get_by_text("0 pictures", exact=True).wait_for()
        page.get_by_role("tab", name=re.compile("Camera")).click()
        page.get_by_label("Pictures", exact=True).fill("3")
        page.get_by_label("Every (s)").fill("0.2")
        page.get_by_role("button", name=re.compile("Start camera")).click()
        page.get_by_role("button", name=re.compile("Stop camera")).wait_for()
        page.wait_for_function("document.querySelector('video').videoWidth > 0")
        page.get_by_role("button", name=re.compile("Capture 3")).click()
        page.get_by_text("3 pictures", exact=True).wait_for(timeout=20000)
        page.get_by_text("Added 3 pictures to cup.").first.wait_for()
        _shot(page, shots, "capture-01-burst")
        _fits_phone(page, shots, "capture-phone-classes")
        page.get_by_role("button", name=re.compile("Stop camera")).click()
        folder = studio["home"] / "projects" / pid / "data" / "images" / "cup"
        if not folder.exists():  # the workspace layout belongs to the store; find the class folder anywhere
            folder = next(studio["home"].rglob("images/cup"))
        assert len(list(folder.glob("*.png"))) == 3
    finally:
        close(ctx, page)


def test_train_then_draw_a_digit(camera_browser, studio, shots):
    ctx, page = _open(camera_browser, studio)
    try:
        pid = _new_project(page, "digits")
        page.goto(f"{studio['url']}/p/{pid}/train")
        epochs = page.get_by_label("Epochs")
        epochs.fill("2")
        epochs.press("Tab")
        page.wait_for_timeout(500)  # the edit is saved before the run snapshots the spec
        start = time.monotonic()
        page.get_by_role("button", name=re.compile(r"Train$")).click()
        page.wait_for_function(f"({CHART_POINTS})().some(n => n > 0)", timeout=30000)
        first_point_s = time.monotonic() - start
        page.get_by_text(re.compile(r"Finished after 2 epochs")).wait_for(timeout=120000)
        assert max(page.evaluate(CHART_POINTS)) >= 2
        page.locator(".q-img__image").first.wait_for()  # the validation grid after the epochs
        _shot(page, shots, "capture-02-trained")
        print(f"first chart point {first_point_s:.2f} s after pressing Train")
        _fits_phone(page, shots, "capture-phone-trained")

        page.goto(f"{studio['url']}/p/{pid}/test")
        page.evaluate(BOTH_ANSWERS_WATCH)   # counts frames that show the server's and the device's answer at once
        canvas = page.get_by_role("img", name="Draw")
        box = canvas.bounding_box()
        x, y, w, h = box["x"], box["y"], box["width"], box["height"]
        page.mouse.move(x + w * 0.3, y + h * 0.2)
        page.mouse.down()
        for k in range(1, 11):  # a "7": across the top, then down to the left
            page.mouse.move(x + w * (0.3 + 0.04 * k), y + h * 0.2, steps=2)
        for k in range(1, 11):
            page.mouse.move(x + w * (0.7 - 0.03 * k), y + h * (0.2 + 0.06 * k), steps=2)
        page.mouse.up()
        page.get_by_role("meter").first.wait_for(timeout=30000)
        # ten bars in view: one answer, the server's or the device's
        expect(page.get_by_role("meter")).to_have_count(10, timeout=10000)
        # one answer in view: the device's, or the server's while the model loads (the other is hidden)
        assert page.get_by_text(re.compile(r"^Prediction: \d \(")).filter(visible=True).count() == 1
        assert page.evaluate("window.__bothAnswers") == 0   # not even for a frame while one hands over
        _shot(page, shots, "capture-03-drawn")
        _fits_phone(page, shots, "capture-phone-drawn")
    finally:
        close(ctx, page)


@pytest.mark.parametrize("tab", ["data", "train", "test"])
def test_pages_fit_a_phone(camera_browser, studio, shots, tab):
    ctx, page = _open(camera_browser, studio, width=375, height=812)
    try:
        pid = _new_project(page, "spiral" if tab != "test" else "iris")
        page.goto(f"{studio['url']}/p/{pid}/{tab}")
        page.locator(".ll-main").wait_for()
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # data previews load after the page is shown
        _shot(page, shots, f"capture-phone-{tab}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the {tab} page is {width}px wide at a 375px viewport"
    finally:
        close(ctx, page)
