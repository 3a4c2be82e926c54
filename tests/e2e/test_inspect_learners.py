"""Inspect for learners in a real Chromium, at 1280x800 and at 375x812 (touch): the math view
is typeset by KaTeX (no raw LaTeX on the page) with one sample's numbers; the confusion
matrix is an ECharts chart whose cell, clicked, shows its samples; options have plain labels
and help; German with ?lang=de. Screenshots: tests/e2e/screenshots/inspect-learn-*.png."""
from __future__ import annotations

import re

import pytest
import torch

import layerlab
from tests.e2e.conftest import close, open_page

pytestmark = pytest.mark.e2e

# what a formula's source looks like when KaTeX did not typeset it
RAW_TEX = re.compile(r"\\(begin|end|left|right|mathrm|cdot|frac|sum|text|underbrace)\b|\\\\|bmatrix")
PROJECT = "inspect-digits"


def _shot(page, shots, name: str) -> None:
    page.wait_for_timeout(400)
    page.screenshot(path=str(shots / f"inspect-learn-{name}.png"), full_page=True)


def _visible_text(page) -> str:
    """The page's text as a reader sees it (KaTeX keeps its TeX source only in MathML annotations)."""
    return page.evaluate("""() => { const c = document.body.cloneNode(true);
        c.querySelectorAll('annotation, script, style').forEach(e => e.remove()); return c.innerText; }""")


def _tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def _click_item(page, chart: str, series: int = 0) -> None:
    """Click the first item of a chart's series where ECharts drew it."""
    sel = f"[data-chart={chart}]"
    page.locator(f"{sel} canvas").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1200)                                  # ECharts animates in
    x, y = page.evaluate("""([sel, s]) => { const ch = getElement(document.querySelector(sel)).chart;
        const v = ch.getOption().series[s].data[0].value; return ch.convertToPixel({seriesIndex: s}, v); }""",
                         [sel, series])
    box = page.locator(sel).bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def _desktop_only_views(page, shots, w: int) -> None:
    """Embeddings (a point opens its sample) and maximum activation (plain labels, a real run)."""
    _tab(page, "Embeddings")
    _click_item(page, "embeddings-chart")
    page.locator(".ll-point-samples img").wait_for(timeout=30_000)
    _shot(page, shots, f"embeddings-{w}")

    _tab(page, "Maximum activation")
    page.get_by_text("Keep it faint (L2)").first.wait_for(timeout=30_000)
    page.get_by_text("Pulls the drawn input towards grey so it does not blow up.").wait_for()
    for raw_name in ("l2", "blur", "jitter", "k", "steps"):
        assert page.get_by_text(raw_name, exact=True).count() == 0, f"raw option name {raw_name!r} shown"
    page.get_by_text(re.compile(r"^Run \d")).wait_for(timeout=60_000)
    _shot(page, shots, f"maxact-{w}")


@pytest.fixture(scope="module")
def trained(studio):
    torch.set_num_threads(1)
    doc = layerlab.example("digits")
    doc["name"] = PROJECT
    layerlab.new(studio["home"] / PROJECT, doc=doc).train(epochs=1)
    return PROJECT


@pytest.mark.parametrize("size", [(1280, 800), (375, 812)], ids=["1280", "375"])
def test_inspect_math_is_typeset_and_charts_open_their_samples(browser, studio, shots, trained, size):
    w, h = size
    ctx, page, seen = open_page(browser, studio, width=w, height=h, touch=w < 500)
    try:
        page.goto(f"{studio['url']}/p/{trained}/inspect", timeout=60_000)
        _tab(page, "Math")
        page.locator(".katex").first.wait_for(timeout=60_000)
        page.get_by_text("one output worked out from its weights").first.wait_for()
        assert page.locator(".katex").count() >= 8 * 3, "each layer: its formula, what goes in and what comes out"
        raw = RAW_TEX.findall(_visible_text(page))
        assert not raw, f"raw LaTeX on the Inspect page: {raw[:5]}"
        assert page.get_by_text("Layer 1: conv2d").count() == 1, "layers are numbered from 1, as on the cards"
        _shot(page, shots, f"math-{w}")
        assert page.evaluate("document.documentElement.scrollWidth") <= w, "the math view is wider than the screen"

        _tab(page, "Errors")
        _click_item(page, "confusion-chart")                     # the top-left cell: true 0, predicted 0
        page.get_by_text(re.compile(r"true 0, predicted 0: \d+ samples")).wait_for(timeout=30_000)
        page.locator(".ll-cell-samples img").wait_for(timeout=30_000)
        assert page.locator("[data-chart=history-chart] canvas").count() == 1, "loss and accuracy per epoch"
        _shot(page, shots, f"errors-{w}")
        if w >= 500:
            _desktop_only_views(page, shots, w)
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()


def test_inspect_in_german(browser, studio, shots, trained):
    ctx, page, seen = open_page(browser, studio, width=1280, height=800)
    try:
        page.goto(f"{studio['url']}/p/{trained}/inspect?lang=de", timeout=60_000)
        _tab(page, "Mathematik")
        page.get_by_text("eine Ausgabe aus ihren Gewichten ausgerechnet").first.wait_for(timeout=60_000)
        assert not RAW_TEX.findall(_visible_text(page))
        _tab(page, "Gewichte")
        page.get_by_text("Balken pro Histogramm").first.wait_for(timeout=30_000)
        page.get_by_text("In wie viele Balken die Gewichte nach Größe eingeteilt werden.").wait_for()
        page.locator("[data-chart^=weights-chart] canvas").first.wait_for(timeout=60_000)
        _shot(page, shots, "weights-de-1280")
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()
