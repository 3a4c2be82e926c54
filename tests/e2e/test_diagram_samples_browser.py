"""In a real Chromium at 1280 x 800 and 375 x 812 (touch): the network diagram's labels are at least
11 px on the screen and nothing leaves the diagram's box, in both styles; the style switch
redraws it; the SVG and PNG downloads are real files; in German (?lang=de) the layer form's
labels, the style names and the sample count are German, and the data preview mixes the classes.

Screenshots: tests/e2e/screenshots/diagram-{fcnn,lenet}-{1280,375}.png, diagram-de-375.png,
diagram-data-de-375.png.
"""
from __future__ import annotations

from xml.dom.minidom import parseString

import pytest

from layerlab.api import create_project
from layerlab.store import workspace
from tests.e2e.conftest import close, open_page

pytestmark = pytest.mark.e2e

MEASURE = """() => {
  const box = document.querySelector('[data-testid=diagram-card]').getBoundingClientRect();
  const svg = document.querySelector('[data-testid=diagram] svg');
  const r = svg.getBoundingClientRect();
  const scale = r.width / svg.viewBox.baseVal.width;
  const texts = [...svg.querySelectorAll('text')];
  const out = [];
  for (const el of svg.querySelectorAll('text, circle, rect, line')) {
    const b = el.getBoundingClientRect();
    if (b.left < r.left - 0.5 || b.right > r.right + 0.5 || b.top < r.top - 0.5 || b.bottom > r.bottom + 0.5)
      out.push(el.outerHTML.slice(0, 80));
  }
  return {fonts: texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale),
          n: texts.length, outside: out, style: svg.dataset.style,
          svg: [r.left, r.right], card: [box.left, box.right], page: document.documentElement.scrollWidth,
          view: window.innerWidth};
}"""


@pytest.fixture
def digits(studio, monkeypatch):
    monkeypatch.setenv("LAYERLAB_HOME", str(studio["home"]))
    return create_project("diagram digits", example="digits").dir.name


def _check(page, style: str) -> dict:
    page.locator(f'[data-testid=diagram] svg[data-style="{style}"]').wait_for()
    m = page.evaluate(MEASURE)
    assert m["style"] == style and m["n"] >= 18                       # input + 8 layers, 2 labels each
    assert min(m["fonts"]) >= 11, m["fonts"]                          # on the screen, not in the file
    assert not m["outside"], m["outside"]                             # nothing clipped by the picture
    assert m["card"][0] - 0.5 <= m["svg"][0] and m["svg"][1] <= m["card"][1] + 0.5, m   # inside its card
    assert m["page"] <= m["view"], m                                   # and the page does not scroll sideways
    return m


def test_diagram_is_legible_switches_style_and_downloads(browser, studio, shots, digits):
    for width, height, touch in ((1280, 800, False), (375, 812, True)):
        ctx, page, seen = open_page(browser, studio, width=width, height=height, touch=touch)
        try:
            page.goto(f"{studio['url']}/p/{digits}/model", wait_until="domcontentloaded", timeout=60000)
            page.get_by_test_id("model-valid").wait_for(timeout=60000)
            page.get_by_test_id("diagram-card").scroll_into_view_if_needed()
            fcnn = _check(page, "fcnn")
            page.get_by_test_id("diagram-card").screenshot(path=str(shots / f"diagram-fcnn-{width}.png"))
            page.get_by_test_id("diagram-style").get_by_text("Feature maps").click()
            lenet = _check(page, "lenet")
            page.get_by_test_id("diagram-card").screenshot(path=str(shots / f"diagram-lenet-{width}.png"))
            print(f"{width}px: smallest label fcnn {min(fcnn['fonts']):.1f} px, lenet {min(lenet['fonts']):.1f} px")
            if width == 1280:
                with page.expect_download() as dl:
                    page.get_by_test_id("diagram-svg").click()
                svg = open(dl.value.path(), encoding="utf-8").read()
                assert svg.startswith("<?xml") and 'data-style="lenet"' in svg and "16@8×8" in svg
                assert dl.value.suggested_filename.endswith(".svg")
                assert parseString(svg.encode()).documentElement.tagName == "svg"   # well-formed on its own
                with page.expect_download() as dl:
                    page.get_by_test_id("diagram-png").click()
                png = open(dl.value.path(), "rb").read()
                assert png[:4] == b"\x89PNG" and len(png) > 5000 and dl.value.suggested_filename.endswith(".png")
            else:  # the style is kept per browser; German by the address alone
                page.goto(f"{studio['url']}/p/{digits}/model?lang=de", wait_until="domcontentloaded", timeout=60000)
                page.get_by_test_id("model-valid").wait_for(timeout=60000)
                page.get_by_text("Merkmalskarten").first.wait_for()
                _check(page, "lenet")
                for label in ("Filter", "Filtergröße", "Aktivierungsfunktion", "Neuronen"):
                    assert page.locator(".q-field__label", has_text=label).count() >= 1, label
                page.get_by_test_id("diagram-card").screenshot(path=str(shots / "diagram-de-375.png"))
                page.goto(f"{studio['url']}/p/{digits}/data", wait_until="domcontentloaded", timeout=60000)
                page.get_by_text("1.797 Beispiele", exact=False).first.wait_for(timeout=30000)
                grid = page.locator(".q-img img")
                page.locator('[alt="9"]').first.wait_for(timeout=30000)
                labels = {grid.nth(i).get_attribute("alt") for i in range(min(grid.count(), 24))}
                page.screenshot(path=str(shots / "diagram-data-de-375.png"))
                assert len({lab for lab in labels if lab}) == 10, labels   # every digit, not only 0
            assert not seen.outside(), seen.outside()
        finally:
            close(ctx, page)
