"""Real-browser fixtures: `layerlab studio --no-browser` in a subprocess on a free port with a
throw-away workspace and a fixed token, and Debian's Chromium driven by Playwright.

Every request the page makes is recorded; `offline_check` fails a test when any left localhost.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TOKEN = "e2e-token"
READY = "LayerLab studio ready"
SHOTS = Path(__file__).parent / "screenshots"



def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def class_server(root: Path, teacher: str, code: str, class_name: str, *args: str, scheme: str = "http"):
    """`layerlab classroom` as a process on a free loopback port, the teacher's token and the class code fixed
    (args: more options, e.g. --https); yields {"url", "port", "root", "log"}, then stops it and fails on a
    traceback in its log. Skips the test where Debian's chromium is missing (only browser tests use it)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    port = _free_port()
    log = root.parent / "classroom.log"
    with _layerlab(["classroom", "--no-browser", *args, "--host", "127.0.0.1", "--port", str(port), "--workspace",
                    str(root), "--class-name", class_name], {"LAYERLAB_TOKEN": teacher, "LAYERLAB_CLASS_CODE": code},
                   log, "class server"):
        yield {"url": f"{scheme}://127.0.0.1:{port}", "port": port, "root": root, "log": log}
    text = log.read_text()
    assert "Traceback" not in text, text


@contextmanager
def _layerlab(args: list[str], env: dict[str, str], log: Path, what: str):
    """`layerlab <args>` as a process of its own (its output in log) until the block ends; the block starts
    once it printed READY (a minute at most, else the test fails with its log)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}  # else NiceGUI thinks it is under test
    full.update(env, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1")
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-c", "from layerlab.cli import main; main()", *args], env=full,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while READY not in log.read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the {what} did not start:\n{log.read_text()}")
        time.sleep(0.2)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def studio(tmp_path_factory):
    """Base URL (without token) of a running studio; its log is printed when a test fails."""
    yield from run_studio(tmp_path_factory)


def run_studio(tmp_path_factory):
    """Start a studio on a fresh workspace, yield its address, stop it (a module may want its own)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    home = tmp_path_factory.mktemp("e2e") / "home"
    port = _free_port()
    log = home.parent / "studio.log"
    with _layerlab(["studio", "--no-browser", "--port", str(port)], {"LAYERLAB_HOME": str(home), "LAYERLAB_TOKEN": TOKEN},
                   log, "studio"):
        yield {"url": f"http://127.0.0.1:{port}", "token": TOKEN, "home": home, "log": log}
    text = log.read_text()
    assert "ERROR" not in text and "Traceback" not in text, text


@pytest.fixture(scope="module")
def browser():
    # module scope: Playwright's sync API keeps an event loop running on this thread while it
    # is open, which would break every asyncio test (NiceGUI's user fixture) collected after it
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Requests:
    """Every URL the browser asked for."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def outside(self) -> list[str]:
        return [u for u in self.urls
                if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname not in ("127.0.0.1", "localhost")]


def open_page(browser, studio, width: int = 1366, height: int = 900, dark: bool = False, touch: bool = False):
    """A fresh browser context signed in with the token; returns (context, page, requests)."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, color_scheme="dark" if dark else "light",
                              has_touch=touch)
    page = ctx.new_page()
    seen = Requests()
    page.on("request", lambda r: seen.urls.append(r.url))
    page.set_default_timeout(15000)
    sign_in(page, studio["url"], studio["token"])
    return ctx, page, seen


def join_class(browser, url: str, code: str, name: str, width: int, height: int, **context: Any):
    """A pupil joins a class on her own device (a touch screen below 600 px) with the class code and her name;
    returns (context, page) on the welcome page. context: more options for the browser context."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, has_touch=width < 600, **context)
    page = ctx.new_page()
    page.set_default_timeout(30000)
    page.goto(f"{url}/join?code={code}")
    page.get_by_label("Your first name").fill(name)
    page.get_by_role("button", name="Join").click()
    page.get_by_text(f"Welcome, {name}!").wait_for()
    return ctx, page


def sign_in(page, url: str, token: str, path: str = "/") -> None:
    """Open `path` with ?token= and wait until the page has reloaded itself without it.

    Signing in answers a small page whose meta refresh reloads it without the token after it has
    loaded: a goto right after page.goto(...?token=) races that reload, and on a busy machine the
    reload wins (the page ends on `path`, not where the test went next)."""
    page.goto(f"{url}{path}?token={token}")
    page.wait_for_url(lambda u: "token=" not in u)


# the Test page, every animation frame: are the server's bars and the device's bars both on screen?
# (page.evaluate it, then read window.__bothAnswers: the frames that showed two answers)
BOTH_ANSWERS_WATCH = """() => {
  window.__bothAnswers = 0;
  const shown = (el) => !!el && el.getClientRects().length > 0 && !!el.querySelector('[role="meter"]');
  const tick = () => {
    if (shown(document.querySelector('.ll-server-answer')) && shown(document.querySelector('[data-ll="result"]')))
      window.__bothAnswers += 1;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def close(ctx, page) -> None:
    """Close a context once its requests are done (a request cut off mid-way logs an ERROR in Starlette)."""
    try:
        page.wait_for_load_state("networkidle", timeout=5000)
    except Exception:  # a page that keeps polling never goes idle; closing it is still fine
        pass
    ctx.close()


@pytest.fixture
def page(browser, studio):
    """A desktop-sized page on the studio's home, signed in; fails the test if a request left localhost."""
    ctx, pg, seen = open_page(browser, studio)
    yield pg
    close(ctx, pg)
    assert not seen.outside(), f"requests left localhost: {seen.outside()}"


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS
