"""The studio on a phone and for everyone, in a real Chromium (issue 18, items 1, 5, 6 and the audit).

At 375 x 812 with touch, on every page: a bottom tab bar (Data, Model, Train, Test, Inspect) in
reach, and every touch target at least 44 x 44 px, measured here from the bounding boxes of
whatever can be tapped (buttons, links, tabs, items, switches, fields, the menu's items). On Test,
after drawing a digit, the prediction and all its bars are in view above the tab bar, and the hint
does not mention the Delete key. Home lists the projects first and tells two "digits" apart.
axe-core (tests/fixtures/axe, from npm, injected here only) audits every page at 375 and 1280 px
against WCAG 2.x A and AA: no violations.

Screenshots go to tests/e2e/screenshots/phone-*.png and a11y-*.png for a person to look at.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import close, open_page

pytestmark = pytest.mark.e2e
AXE = Path(__file__).parents[1] / "fixtures" / "axe" / "axe.min.js"
MIN = 44  # px, WCAG 2.5.5 (AAA) target size, asked for by issue 18
AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
EXCLUDED: dict[str, str] = {}  # axe rule id -> why it is not asserted (none at present)
# Parts of a page not audited, with the reason: KaTeX draws a formula twice, as MathML for screen
# readers and as aria-hidden HTML for the eye; walking its thousands of spans took 12 s a page here,
# and the colours it uses are the page's own text colour, which the rest of the page checks.
SKIPPED_PARTS = [".katex-html"]

# Everything a finger can tap, measured as the box it taps: a field's control, a whole button.
SMALL_TARGETS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=tab], [role=switch],'
    + '[role=checkbox], [role=menuitem], [role=option], [role=link], .q-btn, .q-tab, .q-toggle, .q-checkbox, .q-radio,'
    + '.q-chip--clickable, .q-item--clickable, .q-slider';
  const out = [], seen = new Set();
  for (const el of document.querySelectorAll(sel)) {
    let box = el.closest('.q-field') ? el.closest('.q-field').querySelector('.q-field__control') : el;
    const part = box && box.parentElement && box.parentElement.closest('.q-btn, .q-tab, .q-toggle, .q-checkbox, .q-radio');
    if (part && !box.matches('.q-btn')) box = part;   // a part of one control: the control is the target
    if (!box || seen.has(box)) continue;
    seen.add(box);
    if (box.matches('.nicegui-skip-link')) continue;  // off screen until focused by keyboard
    if (box.closest('[aria-hidden=true]')) continue;
    const st = getComputedStyle(box);
    if (st.visibility === 'hidden' || st.display === 'none') continue;
    const r = box.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.width < 44 || r.height < 44)
      out.push(`${Math.round(r.width)}x${Math.round(r.height)} ${box.tagName} ${(box.innerText || box.getAttribute('aria-label') || '').trim().slice(0, 40)}`);
  }
  return out;
}"""

AXE_RUN = """async ([tags, skipped]) => {
  const r = await axe.run({exclude: skipped.map(s => [s])}, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.html.slice(0, 160))}));
}"""


@pytest.fixture(scope="module")
def projects(studio):
    """A trained digits project, a second untrained 'digits' and an image project with two classes."""
    from layerlab import api
    from layerlab.api import create_project
    from layerlab.store import workspace
    before = os.environ.get("LAYERLAB_HOME")
    os.environ["LAYERLAB_HOME"] = str(studio["home"])
    try:
        trained = create_project("digits", example="digits")
        trained.train(epochs=1)
        twin = create_project("digits", example="digits")
        folder = studio["home"] / workspace.unique_id("pets")
        api.new_image_project(folder, ["cat", "dog"], "pets", 32, 1)
    finally:
        if before is None:
            os.environ.pop("LAYERLAB_HOME", None)
        else:
            os.environ["LAYERLAB_HOME"] = before
    return {"digits": trained.dir.name, "twin": twin.dir.name, "pets": folder.name}


def _pages(p: dict) -> list[tuple[str, str]]:
    d = p["digits"]
    return [("home", "/"), ("model", f"/p/{d}/model"), ("data", f"/p/{d}/data"), ("train", f"/p/{d}/train"),
            ("test", f"/p/{d}/test"), ("inspect", f"/p/{d}/inspect"), ("export", f"/p/{d}/export"),
            ("data-pictures", f"/p/{p['pets']}/data")]


def _settle(page) -> None:
    page.locator(".ll-main").first.wait_for()  # the page's content is there (NiceGUI renders it at load)
    page.wait_for_timeout(400)  # late parts (timers, pictures) and the page's fix-ups, 200 ms after a change


def _audit(page, name: str) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    found = page.evaluate(AXE_RUN, [AA_TAGS, SKIPPED_PARTS])
    return [f"{name}: {v['id']} ({v['help']}) {v['nodes']}" for v in found if v["id"] not in EXCLUDED]


def test_every_page_has_the_tab_bar_44px_targets_and_no_aa_violations(browser, studio, projects, shots):
    """Each page once, at 375 x 812 (touch), then the same page widened to 1280 x 800 (CSS follows the
    width; the Test page is audited with a mouse too, below)."""
    ctx, page, seen = open_page(browser, studio, width=375, height=812, touch=True)
    page.set_default_timeout(30000)
    small, violations = [], []
    try:
        for name, path in _pages(projects):
            page.set_viewport_size({"width": 375, "height": 812})
            page.goto(studio["url"] + path)
            _settle(page)
            small += [f"{name}: {s}" for s in page.evaluate(SMALL_TARGETS)]
            violations += _audit(page, f"375 {name}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{name} scrolls sideways"
            if name in ("train", "test", "inspect", "export"):  # pupils read run names, not ids
                assert not page.get_by_text(projects_run_id(studio, projects)).count(), name
            if name == "train":
                assert page.get_by_text("Last run: Run 1 · ").is_visible()
            if name == "home":
                _projects_first(page, projects)
                page.screenshot(path=str(shots / "phone-home.png"))
                _action_keeps_the_place(page, projects)
                page.set_viewport_size({"width": 1280, "height": 800})
                page.wait_for_timeout(400)
                violations += _audit(page, "1280 home")
                continue
            bar = page.get_by_role("navigation", name="Pages of this project")
            labels = [a.inner_text().split("\n")[-1] for a in bar.get_by_role("link").all()]
            assert labels == ["Data", "Model", "Train", "Test", "Inspect"], labels
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # still in reach at the end
            for link in bar.get_by_role("link").all():
                box = link.bounding_box()
                assert box["width"] >= MIN and box["height"] >= MIN and box["y"] + box["height"] <= 812 + 0.5, box
            if name in ("model", "data-pictures", "train"):
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(shots / f"phone-{name}.png"))
            page.set_viewport_size({"width": 1280, "height": 800})
            page.wait_for_timeout(400)
            violations += _audit(page, f"1280 {name}")
            assert not page.locator("footer").is_visible(), "the bottom tab bar is for phones and tablets"
        page.set_viewport_size({"width": 375, "height": 812})
        page.wait_for_timeout(300)
        page.get_by_role("button", name="Menu").click()  # the header menu's items are targets too
        page.locator(".q-menu").get_by_text("Export", exact=True).wait_for()
        page.wait_for_timeout(300)
        small += [f"menu: {s}" for s in page.evaluate(SMALL_TARGETS)]
        page.screenshot(path=str(shots / "phone-menu.png"))
    finally:
        close(ctx, page)
    assert not small, "touch targets under 44 x 44 px at 375 x 812:\n" + "\n".join(small)
    assert not violations, "axe-core, WCAG A/AA:\n" + "\n".join(violations)
    assert not seen.outside(), seen.outside()


def _draw(page) -> None:
    canvas = page.get_by_role("img", name="Draw")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    for k in range(12):
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * (0.2 + 0.05 * k), steps=2)
    page.mouse.up()


VISIBLE_METERS = """() => [...document.querySelectorAll('[role=meter]')].map(m => m.getBoundingClientRect())
  .filter(r => r.height > 0).map(r => r.bottom)"""
SETTLED = """() => { const w = document.querySelector('[data-ll=where-text]');
  return !w || !/Loading|Lade/.test(w.textContent); }"""


@pytest.mark.parametrize("width,height,touch", [(375, 812, True), (1280, 800, False)])
def test_drawing_shows_the_whole_prediction_in_view(browser, studio, projects, shots, width, height, touch,
                                                    tmp_path):
    ctx, page, seen = open_page(browser, studio, width=width, height=height, touch=touch)
    page.set_default_timeout(30000)
    try:
        page.goto(f"{studio['url']}/p/{projects['digits']}/test")
        page.get_by_role("img", name="Draw").wait_for()
        page.wait_for_function(SETTLED, timeout=60000)  # the device has its model, or says it uses the server
        assert page.get_by_text("Run 1 · ").first.is_visible(), "the run's name, not its id"
        assert not page.get_by_text(projects_run_id(studio, projects)).count(), "a pupil sees no run id"
        _draw(page)
        page.wait_for_function(f"({VISIBLE_METERS})().length >= 10")
        page.wait_for_timeout(300)
        bottoms = page.evaluate(VISIBLE_METERS)
        limit = page.locator("footer").bounding_box()["y"] if touch else height
        assert max(bottoms) <= limit, f"the last bar ends at {max(bottoms):.0f} px, the view at {limit:.0f} px"
        for headline in page.get_by_text("Prediction:").filter(visible=True).all():
            assert headline.bounding_box()["y"] >= 0
        page.screenshot(path=str(shots / f"phone-test-drawn-{width}.png"))
        if not touch:  # a desktop with a mouse: the audit with a fine pointer, on the page with the most to read
            found = _audit(page, "1280 test, mouse")
            assert not found, "axe-core, WCAG A/AA:\n" + "\n".join(found)
        if touch:  # no keyboard on a phone: the hint says nothing about Delete
            assert not page.get_by_text("Delete clears").is_visible()
            assert page.get_by_text("Draw with your finger or a pen.").is_visible()
            _refused_then_error(page, tmp_path, shots)
        else:
            assert page.get_by_text("Delete clears").is_visible()
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()


def projects_run_id(studio, projects) -> str:
    runs = sorted(p.name for p in (studio["home"] / projects["digits"] / "runs").iterdir() if p.is_dir())
    return runs[-1]


def _refused_then_error(page, tmp_path, shots) -> None:
    """A .txt among pictures is refused with the reason; a broken picture's error replaces the answer."""
    page.get_by_role("tab", name="Upload").click()
    box = page.locator(".q-uploader").filter(visible=True)
    assert "0.0B" not in box.inner_text() and "%" not in box.inner_text(), box.inner_text()
    with page.expect_file_chooser() as chooser:  # the + button still opens the picker
        box.get_by_role("button", name="Drop a picture here or choose one").click()
    notes = tmp_path / "notes.txt"
    notes.write_text("not a picture")
    chooser.value.set_files(str(notes))
    page.get_by_text("notes.txt was not added").wait_for()
    page.screenshot(path=str(shots / "phone-test-refused.png"))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    box.locator("input[type=file]").set_input_files(str(broken))
    page.get_by_text("Could not predict").wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate(VISIBLE_METERS) == [], "an error replaces the previous answer"


def _projects_first(page, projects) -> None:
    """Home: a returning pupil's projects come before the examples, two 'digits' told apart."""
    mine = page.get_by_text("Your projects").bounding_box()["y"]
    examples = page.get_by_text("Start from an example").bounding_box()["y"]
    assert mine < examples, "a returning pupil's projects come before the examples"
    twin = page.get_by_test_id(f"project-title-{projects['twin']}").inner_text()
    first = page.get_by_test_id(f"project-title-{projects['digits']}").inner_text()
    assert twin != first and projects["twin"] in twin, (first, twin)


def _action_keeps_the_place(page, projects) -> None:
    """Duplicating a project reloads Home where the pupil was, not at the top."""
    page.evaluate("window.scrollTo(0, 200)")
    page.wait_for_timeout(200)
    twin = projects["twin"]
    titles = page.locator('[data-testid^="project-title-"]')
    before = titles.count()
    page.get_by_test_id(f"menu-{twin}").click()
    with page.expect_navigation(timeout=45000):
        page.get_by_test_id(f"duplicate-{twin}").click()
    titles.nth(before).wait_for(timeout=45000)  # the copy is listed
    page.wait_for_function("Math.abs(scrollY - 200) <= 2", timeout=5000)
