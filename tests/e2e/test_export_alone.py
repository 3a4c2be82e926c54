"""In a real Chromium: open the digits example, train briefly, download the ONNX file from the Export
page, and a separate program that knows only onnxruntime, numpy and the file's metadata answers the raw
scikit-learn digits (0..16) as the project does. Screenshots of the Export page at 1280 and 375 px."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import layerlab
from tests.e2e.conftest import close, open_page
from tests.export.test_standalone import ORT_CHILD, _child, _same

pytestmark = pytest.mark.e2e


def _shot(page, shots, name: str) -> None:
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def test_downloaded_onnx_answers_raw_digits_like_the_project(page, browser, studio, shots, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Open digits").click(timeout=60_000)    # a busy machine is slow to navigate
    page.wait_for_url(re.compile(r"/p/digits[\w-]*/model$"), timeout=60_000)
    pid = re.search(r"/p/([^/]+)/model$", page.url).group(1)
    page.get_by_role("link", name="Train").first.click()
    page.wait_for_url(re.compile(r"/train$"))
    epochs = page.get_by_label("Epochs")
    epochs.fill("1")
    epochs.press("Tab")
    page.wait_for_timeout(800)                       # the edit is saved before training reads the spec
    page.get_by_role("button", name=re.compile(r"Train$")).click()
    page.get_by_text(re.compile(r"Finished after 1 epoch")).wait_for(timeout=120_000)

    page.get_by_role("link", name="Export").first.click()
    page.wait_for_url(re.compile(r"/export$"))
    card = page.get_by_test_id("export-onnx")
    card.get_by_text("How to use it").click()
    how = page.get_by_test_id("export-how-onnx")
    how.get_by_text("load_digits").wait_for(timeout=60_000)   # the snippet feeds the first validation digit
    snippet = how.inner_text()
    assert "np.zeros" not in snippet and "LayerLab says:" in snippet
    with page.expect_download(timeout=120_000) as info:
        page.get_by_test_id("export-button-onnx").click()
    path = tmp_path / "digits.onnx"
    info.value.save_as(path)
    card.get_by_text("largest difference").wait_for()
    _shot(page, shots, "export-alone-1280")

    from sklearn.datasets import load_digits
    raw = load_digits().data.astype(np.float32)       # 0..16, as scikit-learn gives them
    np.save(tmp_path / "raw.npy", raw)
    (got,) = _child(tmp_path, ORT_CHILD, path, tmp_path / "raw.npy")
    folder = next(p.parent for p in Path(studio["home"]).rglob("project.json") if p.parent.name == pid)
    _same(got, layerlab.load(folder).predict((raw / 16.0).reshape(-1, 1, 8, 8)))

    ctx, phone, _ = open_page(browser, studio, width=375, height=812, touch=True)
    phone.goto(f"{studio['url']}/p/{pid}/export")
    phone.get_by_test_id("export-onnx").get_by_text("How to use it").click()
    phone.get_by_test_id("export-how-onnx").get_by_text("load_digits").wait_for(timeout=60_000)
    _shot(phone, shots, "export-alone-375")
    width = phone.evaluate("document.documentElement.scrollWidth")
    close(ctx, phone)
    assert width <= 375, f"the Export page is wider than a phone: {width}px"
