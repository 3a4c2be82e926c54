"""The best model in a real Chromium: a new project's Train page has early stopping on; a run that
early stopping ends says which epoch's weights the studio uses ("best: epoch N of M", not the
last), and the Test page predicts with that same epoch. Screenshots at 1280 and 375 px wide."""
from __future__ import annotations

import re

import pytest

import layerlab
from tests.e2e.conftest import close, open_page

pytestmark = pytest.mark.e2e


def _shot(page, shots, name: str) -> None:
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_a_run_that_stops_early_keeps_and_uses_its_best_epoch(browser, studio, shots):
    doc = layerlab.example("xor")
    doc["name"] = "best-xor"
    doc["training"].update(epochs=200, learning_rate=0.2, early_stopping={"patience": 2})
    layerlab.new(studio["home"] / "best-xor", doc=doc)
    ctx, page, seen = open_page(browser, studio, width=1280, height=800)
    try:
        page.goto(f"{studio['url']}/p/best-xor/train", timeout=60_000)
        switch = page.get_by_role("switch", name=re.compile("Stop early"))
        assert switch.get_attribute("aria-checked") == "true"
        page.get_by_role("button", name=re.compile(r"Train$")).click()
        page.get_by_text(re.compile(r"Finished after \d+ epochs")).wait_for(timeout=120_000)
        done = int(re.search(r"after (\d+) epochs", page.get_by_text(re.compile("Finished after")).inner_text())[1])
        kept = page.get_by_text(re.compile(r"use these weights: best: epoch \d+ of \d+"))
        kept.wait_for(timeout=30_000)
        best, of = map(int, re.search(r"best: epoch (\d+) of (\d+)", kept.inner_text()).groups())
        assert of == done and best == done - 2, "early stopping waited 2 epochs after the best one"
        _shot(page, shots, "best-01-train-1280")

        page.get_by_role("link", name="Test").first.click()
        page.wait_for_url(re.compile(r"/test$"))
        page.get_by_text(f"best: epoch {best} of {done}").wait_for(timeout=30_000)
        _shot(page, shots, "best-02-test-1280")
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()

    ctx, page, seen = open_page(browser, studio, width=375, height=812)
    try:
        page.goto(f"{studio['url']}/p/best-xor/train", timeout=60_000)
        page.get_by_text(f"best: epoch {best} of {done}").wait_for(timeout=30_000)
        _shot(page, shots, "best-03-train-375")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the Train page is {width} px wide at phone width"
    finally:
        close(ctx, page)
