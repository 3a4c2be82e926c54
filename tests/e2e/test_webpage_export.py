"""Export -> Web page (issue 20.4): the one HTML file opens from disk (file://) with no server and no
network, runs the model on the device and answers what the server's predict answers: a picture of
another size resized by the page (model.js, Pillow's steps) and a table row typed into its form."""
from __future__ import annotations

import base64
import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

import layerlab
from tests.e2e.conftest import ARGS, CHROMIUM, SHOTS
from tests.export.test_standalone import penguin_rows

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    d = tmp_path_factory.mktemp("webpage")
    doc = layerlab.example("shapes")
    doc["data"]["params"] = {"n_samples": 60, "size": 32}
    shapes = layerlab.new(d / "shapes", doc=doc)      # freshly initialised (the doc's seed): no training needed
    rows = penguin_rows(60)
    with open(d / "penguins.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    table = layerlab.new(d / "penguins", data=d / "penguins.csv", target="species")
    reports = {"shapes": shapes.export("webpage", d / "shapes.html"),
               "penguins": table.export("webpage", d / "penguins.html")}
    return {"shapes": shapes, "penguins": table, "dir": d, "reports": reports}


@pytest.fixture(scope="module")
def browser():
    """conftest's browser with Chromium's fake camera, allowed without asking (one Playwright per module)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=[*ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"])
        yield b
        b.close()


def _open(browser, path: Path, width: int, height: int, locale: str = "en-US"):
    """The file in a fresh context that refuses every network request; returns (context, page, urls): the
    URLs it asked for and any console error (a CSP violation among them)."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale=locale, has_touch=width < 500)
    urls: list[str] = []
    ctx.route("http*://**/*", lambda route: (urls.append(route.request.url), route.abort()))
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: urls.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("request", lambda r: urls.append(r.url))
    page.goto(path.as_uri())
    page.evaluate("window.layerlab.ready")
    assert not errors, errors
    return ctx, page, urls


def server_predict(project, items) -> np.ndarray:
    """What the server's predict computes for raw items (PIL pictures, row dicts) with the exported weights:
    Project.predict's own reading (load_inputs: resizing, encoding) and output (predict_loaded)."""
    from layerlab.data.base import DataInfo
    from layerlab.data.inputs import load_inputs
    from layerlab.data.preprocess import Preprocessor
    from layerlab.engine.facade import LoadedRun, predict_loaded
    src = project.export_source()
    m, pre = src.meta, Preprocessor.from_dict(src.meta["preprocessing"])
    info = DataInfo(m["preprocessing"]["kind"], tuple(src.input_shape), m["task"], m["classes"], int(m["outputs"]),
                    None, m.get("feature_names"), m.get("vocab_size"))
    return predict_loaded(LoadedRun("", src.network, pre, info, {}), load_inputs(items, info, pre))


def _until(page, expr: str, arg=None, timeout: float = 15.0) -> None:
    """Poll expr with page.evaluate (wait_for_function evaluates strings, which the page's CSP forbids)."""
    import time
    end = time.monotonic() + timeout
    while not page.evaluate(expr, arg):
        assert time.monotonic() < end, f"timed out waiting for {expr}"
        page.wait_for_timeout(50)


def _picture() -> tuple[Image.Image, str]:
    """A 50x40 RGB picture of a red circle (another size than the model's 32x32) and its data: URL."""
    img = Image.new("RGB", (50, 40), (240, 240, 240))
    ImageDraw.Draw(img).ellipse((12, 6, 40, 34), fill=(200, 30, 30))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return img, "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def test_picture_page_runs_offline_from_disk_and_answers_as_the_server(pages, browser):
    r = pages["reports"]["shapes"]
    assert r["format"] == "webpage" and r["max_diff"] <= TOLERANCE and r["runtime"].startswith("onnxruntime-web")
    assert 1_000_000 < r["size"] < 12_000_000   # runtime (wasm gzip, base64) + model in one file
    path = Path(r["path"])
    img, url = _picture()
    want = server_predict(pages["shapes"], [img])[0]
    for width, height in ((375, 812), (1280, 800)):
        ctx, page, urls = _open(browser, path, width, height)
        assert page.evaluate("window.layerlab.sampleDiff") <= TOLERANCE     # its own check on a project sample
        assert "agrees" in page.locator("#check").inner_text()
        page.evaluate("(u) => window.layerlab.showPicture(u)", url)
        _until(page, "(n) => window.layerlab.count > n", 1)
        got = np.asarray(page.evaluate("window.layerlab.last"))
        assert np.abs(got - want).max() <= TOLERANCE, (got, want)
        best = pages["shapes"].export_source().meta["classes"][int(want.argmax())]
        assert page.locator("#answer").inner_text().endswith(best)
        assert page.locator("#status").inner_text() == "Runs on this device, offline"
        page.screenshot(path=str(SHOTS / f"webpage_shapes_{width}.png"), full_page=True)
        if width > 1000:   # the camera (Chromium's fake one) predicts on the device, frame after frame
            page.click("#camera")
            _until(page, "() => window.layerlab.count > 12", timeout=30)
            assert "predictions per second" in page.locator("#fps").inner_text()
            page.click("#camera")   # stop: no more work
            n = page.evaluate("window.layerlab.count")
            page.wait_for_timeout(300)
            assert page.evaluate("window.layerlab.count") <= n + 1
        ctx.close()
        assert all(u.startswith(("file:", "blob:", "data:")) for u in urls), urls


def test_table_page_form_answers_as_the_server_in_german(pages, browser):
    path = Path(pages["reports"]["penguins"]["path"])
    ctx, page, urls = _open(browser, path, 375, 812, locale="de-DE")
    assert page.locator("#status").inner_text() == "Läuft auf diesem Gerät, offline"
    row = {"island": "Dream", "bill_length_mm": "47.5", "body_mass_g": "", "sex": "Atlantis"}   # a missing, an unseen
    before = page.evaluate("window.layerlab.count")
    for name, value in row.items():
        page.fill(f'input[data-column="{name}"]', value)
    _until(page, "(n) => window.layerlab.count > n", before)
    page.wait_for_timeout(200)   # the last keystroke's prediction
    got = np.asarray(page.evaluate("window.layerlab.last"))
    want = server_predict(pages["penguins"], [{"island": "Dream", "bill_length_mm": 47.5, "body_mass_g": None,
                                               "sex": "Atlantis"}])[0]
    assert np.abs(got - want).max() <= TOLERANCE, (got, want)
    assert page.locator("#answer").inner_text().startswith("Antwort: ")
    page.screenshot(path=str(SHOTS / "webpage_table_375.png"), full_page=True)
    ctx.close()
    assert all(u.startswith(("file:", "blob:", "data:")) for u in urls), urls
    meta = json.loads(path.read_text().split('id="ll-meta">', 1)[1].split("</script>", 1)[0])
    assert [i["name"] for i in meta["inputs"]] == ["numbers", "texts"]


def test_studio_export_page_downloads_a_web_page_that_runs_from_disk(page, studio, browser, tmp_path):
    """The pupil's way: Export -> Web page in the studio, the download opened from disk with no server."""
    import httpx
    page.set_viewport_size({"width": 375, "height": 812})
    made = httpx.post(f"{studio['url']}/api/projects", json={"name": "webpage xor", "example": "xor"},
                      headers={"Authorization": f"Bearer {studio['token']}"}, timeout=60)
    pid = made.json()["id"]
    page.goto(f"{studio['url']}/p/{pid}/export")
    card = page.get_by_test_id("export-webpage")
    card.get_by_text("works offline").wait_for()
    with page.expect_download(timeout=120_000) as info:
        page.get_by_test_id("export-button-webpage").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    card.get_by_text("largest difference").wait_for(timeout=60_000)
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "webpage_export_card_375.png"))
    assert path.suffix == ".html"
    folder = next(p.parent for p in Path(studio["home"]).rglob("project.json") if p.parent.name == pid)
    want = server_predict(layerlab.load(folder), [[0.25, -0.75]])[0]
    ctx, offline, urls = _open(browser, path, 375, 812)
    assert offline.evaluate("window.layerlab.sampleDiff") <= TOLERANCE
    got = np.asarray(offline.evaluate("window.layerlab.run([0.25, -0.75])"))
    ctx.close()
    assert np.abs(got - want).max() <= TOLERANCE, (got, want)
    assert all(u.startswith(("file:", "blob:", "data:")) for u in urls), urls
