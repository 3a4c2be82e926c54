"""HTTPS for the LAN (issue 17.6): `layerlab studio --https` serves over TLS with a certificate from a
local authority, the authority downloads without the token, the token cookie is Secure, and the
webcam works in Chromium against the https URL (the secure context a phone needs).
`--ignore-certificate-errors` is used in this test only: a phone installs the authority instead.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import ARGS, CHROMIUM, READY, TOKEN, _free_port, close

pytestmark = pytest.mark.e2e
pytest.importorskip("cryptography")


@pytest.fixture(scope="module")
def https_studio(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    home = tmp_path_factory.mktemp("https") / "home"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(LAYERLAB_HOME=str(home), LAYERLAB_TOKEN=TOKEN, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1")
    log = home.parent / "studio.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-c", "from layerlab.cli import main; main()", "studio",
                                 "--no-browser", "--https", "--port", str(port)], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while READY not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the studio did not start:\n{log.read_text()}")
        time.sleep(0.2)
    time.sleep(0.5)  # the https notes follow the ready line
    yield {"url": f"https://127.0.0.1:{port}", "token": TOKEN, "home": home, "log": log}
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_the_authority_downloads_without_the_token_and_verifies_the_server(https_studio, tmp_path):
    text = https_studio["log"].read_text()
    assert f"{READY}: https://127.0.0.1:" in text and "certificate authority: https://" in text
    fingerprint = re.search(r"SHA-256 ([0-9A-F:]{95})", text).group(1)
    ca = httpx.get(f"{https_studio['url']}/layerlab-ca.crt", verify=False)
    assert ca.status_code == 200 and ca.content.startswith(b"-----BEGIN CERTIFICATE-----")
    from layerlab.server.tls import fingerprint as fp
    assert fp(ca.content) == fingerprint, "the printed fingerprint is the downloaded authority's"
    path = tmp_path / "ca.crt"
    path.write_bytes(ca.content)
    import ssl
    ctx = ssl.create_default_context(cafile=str(path))  # a phone that installed the authority
    r = httpx.get(f"{https_studio['url']}/api/projects", verify=ctx,
                  headers={"Authorization": f"Bearer {https_studio['token']}"})
    assert r.status_code == 200
    assert httpx.get(f"{https_studio['url']}/api/projects", verify=ctx).status_code == 401


def test_webcam_works_over_https(https_studio, tmp_path):
    from playwright.sync_api import sync_playwright
    fake = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--ignore-certificate-errors"]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + fake, headless=True)
        ctx = b.new_context(viewport={"width": 375, "height": 812}, permissions=["camera"], has_touch=True)
        page = ctx.new_page()
        page.set_default_timeout(20000)
        try:
            page.goto(f"{https_studio['url']}/?token={https_studio['token']}")
            page.wait_for_url(re.compile(r"https://127\.0\.0\.1:\d+/$"))
            assert page.evaluate("window.isSecureContext")
            cookie = next(c for c in ctx.cookies() if c["name"].startswith("layerlab_token_"))
            assert cookie["secure"] and cookie["httpOnly"]
            label = page.evaluate("""async () => {
                const s = await navigator.mediaDevices.getUserMedia({video: true});
                const t = s.getVideoTracks()[0]; const l = t.label; t.stop(); return l; }""")
            assert label, "the camera answered on the https page"
            page.get_by_role("button", name="Open digits").click()
            page.wait_for_url(re.compile(r"/p/[\w-]+/model$"))
            pid = page.url.rsplit("/", 2)[-2]
            page.goto(f"{https_studio['url']}/p/{pid}/data")
            page.get_by_role("button", name=re.compile("Use my own pictures")).click()
            page.get_by_role("button", name=re.compile("Replace the data here")).click()
            page.get_by_label("New class").fill("cup")
            page.get_by_label("New class").press("Enter")
            page.get_by_role("tab", name=re.compile("Camera")).click()
            page.get_by_role("button", name=re.compile("Start camera")).click()
            page.wait_for_function("document.querySelector('video') && document.querySelector('video').videoWidth > 0")
            page.screenshot(path=str(Path(__file__).parent / "screenshots" / "https-camera-375.png"))
            page.get_by_role("button", name=re.compile("Stop camera")).click()
        finally:
            close(ctx, page)
            b.close()
