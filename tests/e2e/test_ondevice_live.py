"""Issue 20 in a real Chromium: the Test page predicts on the pupil's own device.

One studio for the module (its own, because the last test stops it), one digits run of one
epoch. With Chromium's fake camera at 375x812: live prediction runs in the browser (no frame
goes to the server during 5 s of preview, counted on the websocket and HTTP), at least 10 per
second, and the browser's tensor and probabilities equal the server's for the same captured
frame; a drawing is predicted on the device at 1280; a model file the runtime refuses falls
back to the server with a one-line reason; with the studio stopped, predictions go on.
"""
from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.conftest import ARGS, CHROMIUM, READY, TOKEN, _free_port, sign_in

pytestmark = pytest.mark.e2e
FAKE_CAMERA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
DEVICE = "window.layerlabOnDevice && window.layerlabOnDevice.mode === 'device'"


def _api(studio, method: str, path: str, body=None):
    req = urllib.request.Request(studio["url"] + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A studio of this module's own (the offline test stops it) with digits trained one epoch."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    home = tmp_path_factory.mktemp("ondevice") / "home"
    home.mkdir()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(LAYERLAB_HOME=str(home), LAYERLAB_TOKEN=TOKEN, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1")
    log = home.parent / "studio.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-c", "from layerlab.cli import main; main()", "studio",
                                 "--no-browser", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        import layerlab   # trained here while the studio starts (a worker process would start torch again)
        t0 = time.monotonic()
        layerlab.new(home / "digits", example="digits").train(epochs=1)
        print(f"trained in {time.monotonic() - t0:.1f} s")
        deadline = time.monotonic() + 60
        while READY not in log.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        print(f"studio ready after {time.monotonic() - t0:.1f} s")
        yield {"url": f"http://127.0.0.1:{port}", "token": TOKEN, "proc": proc, "log": log}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def camera_browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + FAKE_CAMERA, headless=True)
        yield b
        b.close()


class Traffic:
    """Server predictions the page asks for: frames sent on the websocket, and /predict requests."""

    def __init__(self, page) -> None:
        self.frames = 0
        self.requests = 0
        page.on("websocket", lambda ws: ws.on("framesent", self._frame))
        page.on("request", lambda r: setattr(self, "requests", self.requests + ("/predict" in r.url)))

    def _frame(self, payload) -> None:
        text = payload if isinstance(payload, str) else ""
        self.frames += "data:image" in text


def _open(browser, studio, width: int, height: int, touch: bool = False, refuse: bool = False):
    ctx = browser.new_context(viewport={"width": width, "height": height}, permissions=["camera"], has_touch=touch)
    page = ctx.new_page()
    page.set_default_timeout(20000)
    traffic = Traffic(page)
    if refuse:   # the runtime gets a file it cannot open: the fallback path
        page.route("**/ondevice.onnx*", lambda route: route.fulfill(status=200, body=b"not an onnx file"))
    sign_in(page, studio["url"], studio["token"])
    page.goto(f"{studio['url']}/p/digits/test")
    return ctx, page, traffic


def _start_camera(page) -> None:
    page.get_by_role("tab", name=re.compile("Camera")).click()
    page.get_by_role("button", name=re.compile("Start camera")).click()
    page.wait_for_function("document.querySelector('video') && document.querySelector('video').videoWidth > 0")


def _server_tensor(png_url: str, shape) -> np.ndarray:
    """What the server makes of the same captured frame (the webcam's PNG): Pillow's steps."""
    from PIL import Image
    from layerlab.data.imagefiles import convert, fit_to
    img = Image.open(io.BytesIO(base64.b64decode(png_url.split(",", 1)[1])))
    c, h, w = shape
    a = np.asarray(fit_to(convert(img, 1 if c == 1 else 3), w, h, "squash"), np.float32)
    return a[None] if c == 1 else a.transpose(2, 0, 1)


def _draw(page) -> None:
    canvas = page.locator("canvas[aria-label]").first
    canvas.wait_for()
    page.wait_for_timeout(600)  # the tab panel slides in; a stroke during the slide misses the canvas
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.8, steps=8)
    page.mouse.up()


def test_a_model_the_runtime_refuses_falls_back_to_the_server(camera_browser, trained):
    ctx, page, _ = _open(camera_browser, trained, 1280, 800, refuse=True)
    try:
        page.wait_for_function("window.layerlabOnDevice && window.layerlabOnDevice.mode === 'server'", timeout=30000)
        note = page.locator("[data-ll=note]").inner_text()
        assert note.startswith("This model cannot run in this browser (") and "\n" not in note
        assert page.locator("[data-ll=where-text]").inner_text() == "Prediction runs on the server"
        _draw(page)
        page.get_by_text(re.compile(r"^Prediction: \S+ \(")).wait_for(timeout=60000)   # the server's bars answer
    finally:
        ctx.close()


def test_live_prediction_on_the_device_goes_on_offline(camera_browser, trained, shots):
    """375x812: no frame to the server in 5 s, >= 10/s, the server's tensor and answer; a drawing
    at 1280; stopping the camera stops the work; the studio stopped, the predictions go on."""
    ctx, page, traffic = _open(camera_browser, trained, 375, 812, touch=True)
    try:
        page.wait_for_function(DEVICE, timeout=30000)
        assert page.locator("[data-ll=where-text]").inner_text() == "Prediction runs on this device"
        _start_camera(page)
        page.wait_for_function("window.layerlabOnDevice.predictions > 5")
        frames, requests, before = traffic.frames, traffic.requests, page.evaluate("window.layerlabOnDevice.predictions")
        page.wait_for_timeout(5000)
        done = page.evaluate("window.layerlabOnDevice.predictions") - before
        rate = page.evaluate("window.layerlabOnDevice.rate")
        assert (traffic.frames - frames, traffic.requests - requests) == (0, 0), "a frame went to the server"
        assert done >= 50 and rate >= 10, f"{done} predictions in 5 s, {rate:.1f} per second"
        assert re.fullmatch(r"\(\d+ predictions per second\)", page.locator("[data-ll=rate]").inner_text())
        page.screenshot(path=str(shots / "ondevice_live_375.png"), full_page=True)
        # the answer is in view under the live picture, above the phone's tab bar, without scrolling the camera away
        head = page.locator("[data-ll=headline]").bounding_box()
        tabs_top = page.evaluate("document.querySelector('.ll-bottom').getBoundingClientRect().top")
        assert page.evaluate("window.scrollY") == 0 and head["y"] + head["height"] <= tabs_top, (head, tabs_top)

        # one captured frame: the browser's tensor is the server's, and so are the probabilities
        got = page.evaluate("""async () => {
            const d = window.layerlabOnDevice, cam = d.camera();
            d.stopLoop();
            const frame = cam.frameCanvas(), url = frame.toDataURL('image/png');
            const r = await d.model.predictImage(frame);
            return {url, x: Array.from(r.input.data), dims: r.input.dims, p: Array.from(r.values)};
        }""")
        shape = got["dims"][1:]
        x = np.array(got["x"], np.float32).reshape(shape)
        assert np.array_equal(x, _server_tensor(got["url"], shape)), "the browser resized the frame differently"
        server = _api(trained, "POST", "/api/projects/digits/predict", {"inputs": [(x / 255.0).tolist()]})
        assert np.abs(np.array(server["outputs"][0]) - np.array(got["p"])).max() <= 1e-4

        page.get_by_role("button", name=re.compile("Stop camera")).click()   # stopping the camera stops the work
        page.wait_for_function("window.layerlabOnDevice.loop === null")
        n = page.evaluate("window.layerlabOnDevice.predictions")
        page.wait_for_timeout(500)
        assert page.evaluate("window.layerlabOnDevice.predictions") == n

        page.set_viewport_size({"width": 1280, "height": 800})   # a drawing, on the device too
        page.get_by_role("tab", name=re.compile("Draw")).click()
        _draw(page)
        page.wait_for_function(f"window.layerlabOnDevice.predictions > {n}")
        assert page.locator("[data-ll=headline]").inner_text().startswith("Prediction: ")
        page.screenshot(path=str(shots / "ondevice_draw_1280.png"), full_page=True)

        page.get_by_role("tab", name=re.compile("Upload")).click()   # an upload (tall, transparent) too
        from PIL import Image
        picture = io.BytesIO()
        Image.new("RGBA", (30, 70), (255, 255, 255, 0)).save(picture, format="PNG")
        n = page.evaluate("window.layerlabOnDevice.predictions")
        page.locator("input[type=file]").set_input_files(
            files=[{"name": "tall.png", "mimeType": "image/png", "buffer": picture.getvalue()}])
        page.wait_for_function(f"window.layerlabOnDevice.predictions > {n}")
        assert traffic.requests == requests

        page.set_viewport_size({"width": 375, "height": 812})     # offline: the studio goes away
        _start_camera(page)
        page.wait_for_function("window.layerlabOnDevice.loop !== null")
        trained["proc"].terminate()
        trained["proc"].wait(10)
        page.locator("[data-ll=offline]").wait_for(timeout=15000)
        n = page.evaluate("window.layerlabOnDevice.predictions")
        page.wait_for_timeout(2000)
        assert page.evaluate("window.layerlabOnDevice.predictions") - n >= 20   # the demo goes on
        assert page.evaluate("window.layerlabOnDevice.mode") == "device"
        page.evaluate("document.querySelector('.ll-ondevice').scrollIntoView({block: 'start'})")
        page.screenshot(path=str(shots / "ondevice_offline_375.png"))
    finally:
        ctx.close()
