"""Inspect for learners in a real Chromium, at 1280x800 in English and at 375x812 (touch) in
German (?lang=de): the math view is typeset by KaTeX (no raw LaTeX on the page) with one
sample's numbers; the confusion matrix is an ECharts chart whose cell, clicked, shows its
samples; options have plain labels and help; at 1280 an embedding point opens its sample.
Screenshots: tests/e2e/screenshots/inspect-learn-*.png."""
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
    """Embeddings (a point opens its sample) and the weights view (plain labels, histogram charts)."""
    _tab(page, "Embeddings")
    _click_item(page, "embeddings-chart")
    page.locator(".ll-point-samples img").wait_for(timeout=30_000)
    _shot(page, shots, f"embeddings-{w}")

    _tab(page, "Weights")                                     # plain option labels, histograms as charts
    page.get_by_text("Bars per histogram").first.wait_for(timeout=30_000)
    page.get_by_text("Into how many bars the weights are sorted by size.").wait_for()
    for raw_name in ("bins", "grad_samples"):
        assert page.get_by_text(raw_name, exact=True).count() == 0, f"raw option name {raw_name!r} shown"
    page.locator("[data-chart^=weights-chart] canvas").first.wait_for(timeout=60_000)
    title = page.evaluate("() => getElement(document.querySelector('[data-chart^=weights-chart]')).chart"
                          ".getOption().title[0].text")
    assert title == "Layer 1 (conv2d): weights", "layers counted from 1 in chart titles too (drawn on the canvas)"
    _shot(page, shots, f"weights-{w}")


@pytest.fixture(scope="module")
def trained(studio):
    torch.set_num_threads(1)
    doc = layerlab.example("digits")
    doc["name"] = PROJECT
    layerlab.new(studio["home"] / PROJECT, doc=doc).train(epochs=1)
    return PROJECT


WORDS = {"en": {"math": "Math", "worked": "one output worked out from its weights", "layer1": "Layer 1: conv2d",
                "errors": "Errors", "cell": r"true 0, predicted 0: \d+ samples", "k": "Hardest examples shown",
                "k_help": "How many wrong, then least sure samples are listed."},
         "de": {"math": "Mathematik", "worked": "eine Ausgabe aus ihren Gewichten ausgerechnet",
                "layer1": "Schicht 1: conv2d", "errors": "Fehler", "cell": r"wahr 0, vorhergesagt 0: \d+ Beispiele",
                "k": "Gezeigte schwerste Beispiele", "k_help": "Wie viele falsche, dann unsicherste Beispiele gezeigt werden."}}


@pytest.mark.parametrize("size,lang", [((1280, 800), "en"), ((375, 812), "de")], ids=["1280-en", "375-de"])
def test_inspect_math_is_typeset_and_charts_open_their_samples(browser, studio, shots, trained, size, lang):
    (w, h), words = size, WORDS[lang]
    ctx, page, seen = open_page(browser, studio, width=w, height=h, touch=w < 500)
    try:
        page.goto(f"{studio['url']}/p/{trained}/inspect?lang={lang}", timeout=60_000)
        _tab(page, words["math"])
        page.locator(".katex").first.wait_for(timeout=60_000)
        page.get_by_text(words["worked"]).first.wait_for()
        assert page.locator(".katex").count() >= 8 * 3, "each layer: its formula, what goes in and what comes out"
        raw = RAW_TEX.findall(_visible_text(page))
        assert not raw, f"raw LaTeX on the Inspect page: {raw[:5]}"
        assert page.get_by_text(words["layer1"]).count() == 1, "layers are numbered from 1, as on the cards"
        _shot(page, shots, f"math-{w}-{lang}")
        assert page.evaluate("document.documentElement.scrollWidth") <= w, "the math view is wider than the screen"

        _tab(page, words["errors"])
        page.get_by_text(words["k"]).first.wait_for()            # a plain label and its help, in the page's language
        page.get_by_text(words["k_help"]).wait_for()
        _click_item(page, "confusion-chart")                     # the top-left cell: true 0, predicted 0
        page.get_by_text(re.compile(words["cell"])).wait_for(timeout=30_000)
        page.locator(".ll-cell-samples img").wait_for(timeout=30_000)
        assert page.locator("[data-chart=history-chart] canvas").count() == 1, "loss and accuracy per epoch"
        _shot(page, shots, f"errors-{w}-{lang}")
        if w >= 500:
            _desktop_only_views(page, shots, w)
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()
