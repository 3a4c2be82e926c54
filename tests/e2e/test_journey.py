"""The main journey in a real Chromium: open the digits example, add a layer and see the shapes
update, break the model and fix it with one click, train two epochs and see chart points,
draw a digit and see probabilities, switch to German and dark mode; and a phone-width view.

Screenshots go to tests/e2e/screenshots/ (gitignored) for a person to look at.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import close, open_page

pytestmark = pytest.mark.e2e


def _shot(page, shots, name: str) -> None:
    page.wait_for_timeout(300)  # let transitions settle so the picture shows what a person sees
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_main_journey(page, studio, shots):
    # home: the gallery, then open the digits example
    page.get_by_role("button", name="Open digits").wait_for()
    page.keyboard.press("Tab")                      # keyboard users first reach the skip link, visibly focused
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    _shot(page, shots, "01-home")
    page.get_by_role("button", name="Open digits").click()
    page.wait_for_url(re.compile(r"/p/digits[\w-]*/model$"))
    page.get_by_test_id("model-valid").wait_for()
    assert page.get_by_test_id("shape-0").inner_text() == "→ 16×8×8"
    assert page.get_by_test_id("total-params").inner_text() == "13,706 parameters in total"
    page.locator(".katex:visible").first.wait_for()          # the math view is typeset by the bundled KaTeX
    _shot(page, shots, "02-model-digits")

    # add a dense layer before the output layer: shapes and the total update live
    page.get_by_role("button", name="Insert a layer here (8)").click()
    page.get_by_role("button", name=re.compile(r"^dense:")).click()
    page.get_by_test_id("layer-8").wait_for()
    page.get_by_test_id("shape-7").get_by_text("→ 32").wait_for()
    page.get_by_text("15,466 parameters in total").wait_for()  # 13,706 - 650 + (64*32+32) + (32*10+10)
    _shot(page, shots, "03-layer-added")

    # break the model (the output layer gets 5 units for 10 classes) and fix it with one click
    units = page.get_by_test_id("layer-8").get_by_label("units")
    units.fill("5")
    units.press("Tab")
    page.get_by_test_id("model-invalid").wait_for()
    page.get_by_test_id("error-8-0").wait_for()
    _shot(page, shots, "04-broken")
    page.get_by_test_id("error-8-0").get_by_role("button", name="set units to 10").click()
    page.get_by_test_id("model-valid").wait_for()
    assert page.get_by_test_id("layer-8").get_by_label("units").input_value() == "10"

    # drag the first pooling layer above the first convolution: every shape after it changes
    page.get_by_test_id("layer-1").drag_to(page.get_by_test_id("layer-0"))
    page.get_by_test_id("shape-0").get_by_text("→ 1×4×4").wait_for()

    # undo with the keyboard: first the move, then the fix brings the mistake back; redo fixes it again
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("Control+z")
    page.get_by_test_id("shape-0").get_by_text("→ 16×8×8").wait_for()
    page.keyboard.press("Control+z")
    page.get_by_test_id("model-invalid").wait_for()
    page.keyboard.press("Control+y")
    page.get_by_test_id("model-valid").wait_for()

    _train_two_epochs(page, shots)
    _draw_a_digit(page, shots)
    for tab, shot in (("Inspect", "08-inspect"), ("Export", "09-export")):   # the trained net, as users see it
        page.get_by_role("link", name=tab).first.click()
        page.wait_for_url(re.compile(rf"/{tab.lower()}$"))
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(3000)                  # views computed after the page is shown
        _shot(page, shots, shot)

    # German and dark mode, remembered for this browser
    page.get_by_role("link", name="Model").click()
    page.get_by_test_id("model-valid").wait_for()
    page.get_by_label("Language").first.click()
    page.get_by_role("option", name="Deutsch").click()
    page.get_by_text("Schicht hinzufügen").wait_for()
    page.get_by_role("button", name="Dunkler Modus").click()
    page.locator("body.body--dark").wait_for()
    page.get_by_text("Schicht hinzufügen").wait_for()
    _shot(page, shots, "05-german-dark")
    page.reload()
    page.locator("body.body--dark").wait_for()
    page.get_by_text("Schicht hinzufügen").wait_for()

    # the same mistake as before, now explained and fixed in German (the field says "Neuronen" there)
    units = page.get_by_test_id("layer-8").get_by_label("Neuronen")
    units.fill("5")
    units.press("Tab")
    box = page.get_by_test_id("error-8-0")
    box.wait_for()
    box.scroll_into_view_if_needed()
    _shot(page, shots, "05b-german-broken")
    assert "Klassen" in box.inner_text() and "must" not in box.inner_text()
    box.get_by_role("button", name="setze units auf 10").click()
    page.get_by_test_id("model-valid").wait_for()


def test_phone_width_has_no_horizontal_overflow(browser, studio, shots):
    ctx, page, seen = open_page(browser, studio, width=375, height=812)
    try:
        page.get_by_role("button", name="Open xor").click()
        page.wait_for_url(re.compile(r"/model$"))
        page.get_by_test_id("model-valid").wait_for()
        page.locator(".katex:visible").first.wait_for()
        _shot(page, shots, "10-phone-model")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page is {width}px wide at a 375px viewport"
        page.get_by_role("button", name="Menu").click()
        page.locator(".q-menu").get_by_text("Train", exact=True).wait_for()
        _shot(page, shots, "11-phone-menu")
        page.keyboard.press("Escape")
        page.wait_for_load_state("networkidle")
        page.goto(studio["url"] + "/")                 # the token cookie from the first visit signs us in
        page.get_by_role("button", name="Open digits").wait_for()
        _shot(page, shots, "12-phone-home")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert not page.evaluate(OVERLAPPING_ITEM_TEXT), "a recent project's texts overlap at phone width"
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()


TOUCH_DRAG = """([hx, hy, tx, ty]) => {
    const el = document.elementFromPoint(hx, hy);
    const at = (x, y) => new Touch({identifier: 1, target: el, clientX: x, clientY: y});
    el.dispatchEvent(new TouchEvent('touchstart', {bubbles: true, cancelable: true,
        touches: [at(hx, hy)], changedTouches: [at(hx, hy)]}));
    el.dispatchEvent(new TouchEvent('touchend', {bubbles: true, cancelable: true,
        touches: [], changedTouches: [at(tx, ty)]}));
}"""


def _layer_types(page) -> list[str]:
    return page.locator('[data-testid^="layer-type-"]').all_inner_texts()


OVERLAPPING_ITEM_TEXT = """() => [...document.querySelectorAll('.q-item')].filter(item => {
    const side = item.querySelector('.q-item__section--side');
    const main = item.querySelector('.q-item__section--main');
    if (!side || !main) return false;
    const text = e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect(); };
    const boxes = el => [...el.querySelectorAll('.q-item__label, a')].map(text);   // where the words are drawn
    return boxes(side).some(s => boxes(main).some(m =>
        s.left < m.right - 1 && m.left < s.right - 1 && s.top < m.bottom - 1 && m.top < s.bottom - 1));
}).map(item => item.innerText)"""


def test_tablet_width_shows_tabs_fits_and_drags_by_touch(browser, studio, shots):
    ctx, page, seen = open_page(browser, studio, width=820, height=1180, touch=True)
    try:
        page.get_by_role("button", name="Open digits").click()
        page.wait_for_url(re.compile(r"/model$"))
        page.get_by_test_id("model-valid").wait_for()
        page.get_by_role("link", name="Train").wait_for()   # tabs in the header, not in a menu
        _shot(page, shots, "13-tablet-model")
        assert page.evaluate("document.documentElement.scrollWidth") <= 820

        # a finger on the second layer's handle, lifted over the first card: the two swap places
        before = _layer_types(page)
        handle = page.get_by_test_id("layer-1").get_by_text("drag_indicator")
        handle.scroll_into_view_if_needed()
        h, target = handle.bounding_box(), page.get_by_test_id("layer-0").bounding_box()
        page.evaluate(TOUCH_DRAG, [h["x"] + h["width"] / 2, h["y"] + h["height"] / 2,
                                   target["x"] + 40, target["y"] + 20])
        page.wait_for_function("(want) => [...document.querySelectorAll('[data-testid^=layer-type-]')]"
                               ".map(e => e.innerText).join() === want", arg=",".join([before[1], before[0]] + before[2:]))
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()


CHART_POINTS = """() => [...document.querySelectorAll('.nicegui-echart')].map(el => {
    const chart = getElement(el.id.slice(1)).chart;
    return chart ? chart.getOption().series.reduce((n, s) => n + (s.data || []).length, 0) : 0;
})"""


def _train_two_epochs(page, shots) -> None:
    """Press Train on the Train page (when this build has it) and wait for two epochs of chart points."""
    page.get_by_role("link", name="Train").first.click()
    page.wait_for_url(re.compile(r"/train$"))
    if page.get_by_role("button", name=re.compile(r"Train$")).count() == 0:
        pytest.skip("this build has no Train page yet")
    epochs = page.get_by_label("Epochs")
    epochs.fill("2")
    epochs.press("Tab")
    page.wait_for_timeout(800)                       # the edit is saved before training reads the spec
    page.get_by_role("button", name=re.compile(r"Train$")).click()
    page.get_by_text(re.compile(r"Finished after 2 epochs")).wait_for(timeout=120_000)
    points = page.evaluate(CHART_POINTS)
    assert points and max(points) >= 2, f"no chart points after two epochs: {points}"
    _shot(page, shots, "06-trained")


def _draw_a_digit(page, shots) -> None:
    """Draw a stroke on the Test page's canvas and see one probability bar per class."""
    page.get_by_role("link", name="Test").first.click()
    page.wait_for_url(re.compile(r"/test$"))
    canvas = page.get_by_role("img", name="Draw")
    canvas.wait_for()
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.5, y + h * 0.15)
    page.mouse.down()
    for k in range(1, 11):                           # a "1": a vertical stroke down the middle
        page.mouse.move(x + w * 0.5, y + h * (0.15 + 0.07 * k), steps=2)
    page.mouse.up()
    page.get_by_role("meter").first.wait_for(timeout=30_000)
    assert page.get_by_role("meter").count() == 10
    _shot(page, shots, "07-test-drawn")


CUT_LABELS = """() => [...document.querySelectorAll('.q-tab__label, .q-btn__content')]
    .filter(l => l.offsetParent && l.scrollWidth > l.clientWidth + 1).map(l => l.innerText)"""


def test_german_labels_fit_on_every_tab(browser, studio, shots):
    """German words are longer: on each page of a project no tab or button label spills out, nothing is wider."""
    ctx, page, seen = open_page(browser, studio)
    try:
        page.get_by_role("button", name="Open digits").click()
        page.wait_for_url(re.compile(r"/model$"))
        page.get_by_label("Language").first.click()
        page.get_by_role("option", name="Deutsch").click()
        page.get_by_text("Schicht hinzufügen").wait_for()
        for tab, path in (("Daten", "data"), ("Training", "train"), ("Testen", "test"), ("Untersuchen", "inspect"),
                          ("Export", "export")):
            page.get_by_role("link", name=tab).first.click()
            page.wait_for_url(re.compile(rf"/{path}$"))
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(1000)
            _shot(page, shots, f"14-german-{path}")
            cut = page.evaluate(CUT_LABELS)
            assert not cut, f"labels wider than their tab or button on {path}: {cut}"
            assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()
