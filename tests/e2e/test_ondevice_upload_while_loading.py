"""A picture uploaded on the Test page while the model is still loading onto the device keeps its
answer (the cause of the flaky image-project journey in CI).

The server answers an upload while the browser loads the model; when the model arrives the
server's bars give way to the device's. The device used to have no answer for that upload, so
the page showed "Prediction runs on this device" and nothing else. Here the model file is held
back until the server has answered, then let through: the answer must still be in view, now
from the device, and name the same class.
"""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import BOTH_ANSWERS_WATCH, close, sign_in

pytestmark = pytest.mark.e2e
DEVICE = "window.layerlabOnDevice && window.layerlabOnDevice.mode === 'device'"


@pytest.fixture(scope="module")
def digits(studio):
    import layerlab
    layerlab.new(studio["home"] / "uploadwait", example="digits").train(epochs=1)
    return "uploadwait"


def _digit_png() -> bytes:
    img = Image.new("L", (64, 64), 0)
    ImageDraw.Draw(img).line([(32, 8), (32, 56)], fill=255, width=8)   # a "1"
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def test_an_upload_made_while_the_model_loads_keeps_its_answer(browser, studio, digits, shots):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.set_default_timeout(20000)
    held = []
    page.route("**/ondevice.onnx*", lambda route: held.append(route))   # "loading" until let through
    try:
        sign_in(page, studio["url"], studio["token"])
        page.goto(f"{studio['url']}/p/{digits}/test")
        page.get_by_text("Loading the model onto this device").wait_for()
        page.get_by_role("tab", name=re.compile("Upload")).click()
        page.locator(".q-uploader input[type=file]").set_input_files(
            [{"name": "one.png", "mimeType": "image/png", "buffer": _digit_png()}])
        server = page.get_by_text(re.compile(r"^Prediction: \d \(")).filter(visible=True)
        server.first.wait_for(timeout=30000)              # the server's answer while the model loads
        label = re.match(r"Prediction: (\d)", server.first.inner_text()).group(1)
        assert page.evaluate("window.layerlabOnDevice.mode") == "loading"

        assert held, "the page did not ask for the model file"
        page.evaluate(BOTH_ANSWERS_WATCH)
        for route in held:
            route.continue_()
        page.wait_for_function(DEVICE, timeout=60000)
        # the answer stays in view, now from the device: ten bars and one headline
        page.wait_for_function("[...document.querySelectorAll('[data-ll=result] [role=meter]')].length === 10",
                               timeout=15000)
        answer = page.get_by_text(re.compile(r"^Prediction: \d \(")).filter(visible=True)
        answer.first.wait_for()
        assert answer.count() == 1
        assert page.evaluate("window.__bothAnswers") == 0   # the server's bars gave way in the same frame
        assert page.get_by_role("meter").count() == 10
        assert re.match(r"Prediction: (\d)", answer.first.inner_text()).group(1) == label
        page.screenshot(path=str(shots / "ondevice-upload-while-loading.png"), full_page=True)
    finally:
        close(ctx, page)
