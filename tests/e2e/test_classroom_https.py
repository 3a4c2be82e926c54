"""HTTPS on a class server (issue 17.6): `layerlab classroom --https` serves the class over TLS with a
certificate from its own local authority. The teacher's page offers that authority for download and shows
its fingerprint (and the downloaded file is the authority that signed the server's certificate); a pupil
joins through /join on a phone, gets a Secure cookie, and captures pictures from the webcam into an image
project of their own workspace. `--ignore-certificate-errors` is used in this test only: a phone installs
the authority instead.
"""
from __future__ import annotations

import hashlib
import re
import ssl
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import ARGS, CHROMIUM, READY, class_server, close, join_class

pytest.importorskip("cryptography")
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding  # noqa: E402

pytestmark = pytest.mark.e2e
TEACHER, CODE = "teacher-https", "HT7Q2M"
FAKE = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--ignore-certificate-errors"]


@pytest.fixture(scope="module")
def https_class(tmp_path_factory):
    """`layerlab classroom --https` on 127.0.0.1 with the teacher's token and the class code fixed."""
    root = tmp_path_factory.mktemp("https-class") / "7b"
    with class_server(root, TEACHER, CODE, "7b", "--https", scheme="https") as server:
        yield server


@pytest.fixture(scope="module")
def camera_browser(https_class):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + FAKE, headless=True)
        yield b
        b.close()


def _shot(page, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(Path(__file__).parent / "screenshots" / f"classroom-https-{name}.png"),
                    full_page=full_page)


def test_the_teacher_page_offers_the_authority_that_signed_the_server(https_class, camera_browser, tmp_path):
    url, port = https_class["url"], https_class["port"]
    assert f"{READY}: https://127.0.0.1:{port}/teacher" in https_class["log"].read_text()
    ctx = camera_browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto(f"{url}/teacher?token={TEACHER}")
        page.wait_for_url(re.compile(r"/teacher$"))
        assert page.evaluate("window.isSecureContext")
        page.get_by_text(CODE).first.wait_for()
        shown = re.search(r"SHA-256 ([0-9A-F:]{95})", page.get_by_text(re.compile("^SHA-256 ")).inner_text()).group(1)
        shown_server = re.search(r"SHA-256 ([0-9A-F:]{95})", page.get_by_text(
            re.compile("^The server's own certificate")).inner_text()).group(1)
        page.get_by_text("Joining open").wait_for()
        _shot(page, "teacher-1280")
        with page.expect_download() as got:
            page.get_by_role("link", name="certificate", exact=True).click()
        path = tmp_path / "downloaded-ca.crt"
        got.value.save_as(path)
        pem = path.read_bytes()
        # the teacher now goes to the start page; a link in the header leads back
        page.goto(f"{url}/")
        page.get_by_role("link", name="Teacher page").wait_for()
        _shot(page, "teacher-home-1280", full_page=False)
        page.set_viewport_size({"width": 375, "height": 812})
        page.wait_for_timeout(300)
        _shot(page, "teacher-home-375", full_page=False)
        page.get_by_role("link", name="Teacher page").click()
        page.wait_for_url(re.compile(r"/teacher$"))
        page.get_by_text(CODE).first.wait_for()
    finally:
        close(ctx, page)

    ca = x509.load_pem_x509_certificate(pem)
    server = x509.load_pem_x509_certificate(ssl.get_server_certificate(("127.0.0.1", port)).encode())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca, "the download is an authority"
    server.verify_directly_issued_by(ca)   # raises unless the authority's key signed the server's certificate
    assert server.issuer == ca.subject and server != ca
    assert shown == ":".join(f"{b:02X}" for b in hashlib.sha256(ca.public_bytes(Encoding.DER)).digest())
    # the second fingerprint is the certificate the server really serves (what a phone's viewer shows)
    assert shown_server == ":".join(f"{b:02X}" for b in hashlib.sha256(server.public_bytes(Encoding.DER)).digest())
    assert f"server certificate, signed by it: SHA-256 {shown_server}" in https_class["log"].read_text()
    assert httpx.get(f"{url}/layerlab-ca.crt", verify=False).content == pem   # the same file without a token
    # a phone that installed the authority trusts the class server
    assert httpx.get(f"{url}/join", verify=ssl.create_default_context(cafile=str(path))).status_code == 200


def test_a_pupil_joins_over_https_and_captures_from_the_webcam(https_class, camera_browser):
    url, root = https_class["url"], https_class["root"]
    ctx, page = join_class(camera_browser, url, CODE, "Mia", 375, 812, permissions=["camera"])
    try:
        cookie = next(c for c in ctx.cookies() if c["name"] == f"layerlab_pupil_{https_class['port']}")
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        page.get_by_role("link", name="Start").click()
        page.get_by_role("button", name=re.compile("New image project")).click()
        page.get_by_label("Project name").fill("cups and pens")
        page.get_by_label("Class 1").fill("cup")
        page.get_by_label("Class 2").fill("pen")
        page.get_by_role("button", name=re.compile("Create")).click()
        page.wait_for_url(re.compile(r"/p/[\w-]+/data$"))
        pid = page.url.rsplit("/", 2)[-2]
        assert page.evaluate("window.isSecureContext")
        assert page.get_by_role("link", name="Teacher page").count() == 0   # no teacher's link for a pupil
        page.get_by_role("tab", name=re.compile("Camera")).click()
        page.get_by_label("Pictures", exact=True).fill("2")
        page.get_by_label("Every (s)").fill("0.2")
        page.get_by_role("button", name=re.compile("Start camera")).click()
        page.wait_for_function("document.querySelector('video') && document.querySelector('video').videoWidth > 0")
        page.get_by_role("button", name=re.compile("Capture 2")).click()
        page.get_by_text("Added 2 pictures to cup.").first.wait_for(timeout=30000)
        added = page.get_by_text("Added 2 pictures to cup.").first
        page.evaluate("window.scrollBy(0, -1e4)")
        page.get_by_text("Your classes").evaluate("el => el.scrollIntoView()")   # the classes, then the camera
        _shot(page, "pupil-camera-375", full_page=False)
        page.set_viewport_size({"width": 1280, "height": 800})
        added.evaluate("el => el.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(400)
        _shot(page, "pupil-camera-1280", full_page=False)
        page.get_by_role("button", name=re.compile("Stop camera")).click()
    finally:
        close(ctx, page)

    with httpx.Client(base_url=url, verify=False) as c:
        pupils = c.get("/api/class/pupils", headers={"Authorization": f"Bearer {TEACHER}"}).json()
        mia = next(p for p in pupils if p["name"] == "Mia")
        mine = c.get("/api/projects", headers={"Authorization": f"Bearer {cookie['value']}"})
        teachers = c.get("/api/projects", headers={"Authorization": f"Bearer {TEACHER}"}).json()
    assert pid in [p["id"] for p in mine.json()] and pid in [p["id"] for p in mia["projects"]]
    assert pid not in [p["id"] for p in teachers], "the picture went to the pupil's workspace, not the teacher's"
    pictures = list((root / "pupils" / mia["id"] / pid).rglob("cup/*.png"))
    assert len(pictures) == 2, pictures
