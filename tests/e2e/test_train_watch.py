"""Watching a network learn on the Train page, in a real Chromium (issue 18 items 1, 5 and 7).

- After Train (and after Step) the live charts are in the viewport at 375x812 (touch) and at
  1280x800, and the settings are folded.
- One truth for status: the progress bar, the epoch counter and the runs list, read at the same
  moment several times during a run, name the same epoch.
- Slow motion redraws the spiral's decision boundary at least 20 times while it forms; Step trains
  exactly one batch and redraws the boundary.

Screenshots: tests/e2e/screenshots/watch-*.png.
"""
from __future__ import annotations

import re
import time

import pytest

import layerlab
from tests.e2e.conftest import close, open_page

pytestmark = pytest.mark.e2e

# one reading of everything that says where the run is, taken in one go in the page
READ = """() => {
  const q = s => document.querySelector(s);
  const bar = q('[data-testid="train-progress"]');
  const status = q('[data-testid="train-status"]');
  const epochs = [...document.querySelectorAll('[data-testid^="run-epochs-"]')].map(e => e.innerText);
  const badges = [...document.querySelectorAll('[data-testid^="run-status-"]')].map(e => e.innerText);
  const img = q('[data-testid="train-live"] img');
  const src = img ? img.getAttribute('src') || '' : '';
  return {bar: bar ? Number(bar.getAttribute('aria-valuenow')) : null, status: status ? status.innerText : '',
          epochs: epochs[0] || '', badge: badges[0] || '', boundary: src.slice(0, 22) + src.length + src.slice(-40),
          pictures: window.__pictures ? window.__pictures.size : 0, all: epochs.join(' | ') + ' / ' + badges.join(' | ')};
}"""
# every boundary picture the page shows, however briefly (a reading now and then could miss some)
COUNT_PICTURES = """() => {
  window.__pictures = new Set();
  const seen = () => {
    const img = document.querySelector('[data-testid="train-live"] img');
    const src = img ? img.getAttribute('src') || '' : '';
    if (src.startsWith('data:image/png')) window.__pictures.add(src.length + src.slice(-60));
  };
  new MutationObserver(seen).observe(document.querySelector('[data-testid="train-live"]'),
                                     {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
}"""


def _shot(page, shots, name: str) -> None:
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"watch-{name}.png"))


def _project(studio, name: str, example: str, **training) -> None:
    doc = layerlab.example(example)
    doc["name"] = name
    doc["training"].update(training)
    layerlab.new(studio["home"] / name, doc=doc)


def _seen(page, selector: str) -> bool:
    """The element's centre is in the viewport and not covered (by the header or a tab bar)."""
    return page.evaluate("""sel => {
      const el = document.querySelector(sel);
      if (!el) return false;
      const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
      if (y < 0 || y > window.innerHeight) return false;
      const hit = document.elementFromPoint(x, y);
      return !!hit && (el === hit || el.contains(hit));
    }""", selector)


def _agree(r: dict) -> str | None:
    """What disagrees in one reading (None when bar, counter and runs list say the same)."""
    bar = r["bar"]
    if m := re.search(r"Training: epoch (\d+) of (\d+)", r["status"]):
        e, n = map(int, m.groups())
        if not (e - 1) / n - 1e-3 <= bar <= e / n + 1e-3:
            return f"bar {bar:.3f} outside epoch {e} of {n}"
        if r["epochs"] != f"epoch {e} of {n}" or r["badge"] != "running":
            return f"runs list says {r['badge']}, {r['epochs']!r}"
    elif m := re.search(r"Paused at epoch (\d+), batch (\d+) of (\d+)", r["status"]):
        e, b, nb = map(int, m.groups())
        if r["badge"] != "paused" or not r["epochs"].startswith(f"epoch {e} of "):
            return f"runs list says {r['badge']}, {r['epochs']!r}"
        n = int(r["epochs"].rsplit(" ", 1)[1])
        if abs(bar - (e - 1 + b / nb) / n) > 1e-3:
            return f"bar {bar:.4f} is not epoch {e}, batch {b} of {nb} of {n} epochs"
    elif m := re.search(r"Stopped after (\d+) epochs", r["status"]):
        if r["epochs"] != f"{m[1]} epochs" or r["badge"] != "stopped":
            return f"runs list {r['badge']}, {r['epochs']!r}"
    elif m := re.search(r"Finished after (\d+) epochs", r["status"]):
        if bar != 1 or r["epochs"] != f"{m[1]} epochs" or r["badge"] != "finished":
            return f"bar {bar}, runs list {r['badge']}, {r['epochs']!r}"
    return None


def test_phone_slow_motion_redraws_the_boundary_and_step_trains_one_batch(browser, studio, shots):
    _project(studio, "watch-spiral", "spiral", epochs=60)
    ctx, page, seen = open_page(browser, studio, width=375, height=812, touch=True)
    page.on("console", lambda m: print("console:", m.text))  # why a page reloaded, when it does
    try:
        page.goto(f"{studio['url']}/p/watch-spiral/train", timeout=60_000)
        page.get_by_role("button", name=re.compile(r"Train$")).wait_for()
        _shot(page, shots, "01-phone-before")
        page.get_by_role("switch", name="Slow motion").click()
        page.evaluate(COUNT_PICTURES)
        t0 = time.monotonic()
        page.get_by_role("button", name=re.compile(r"Train$")).tap()
        page.get_by_text(re.compile(r"Training: epoch \d+ of 60")).wait_for(timeout=60_000)
        page.locator('[data-testid="train-live"] img').wait_for(state="visible", timeout=30_000)
        page.wait_for_timeout(800)  # the smooth scroll
        # on a phone the 2-D data's boundary is the live chart that comes first, under the status and the bar
        assert _seen(page, '[data-testid="train-boundary"]') and _seen(page, '[data-testid="train-status"]')
        assert _seen(page, '[data-testid="train-progress"]')
        assert page.get_by_role("button", name="Settings").get_attribute("aria-expanded") == "false"
        _shot(page, shots, "02-phone-after-train")

        bad, readings, by_epoch = [], 0, None
        while (by_epoch is None or readings < 10) and time.monotonic() < t0 + 90:
            r = page.evaluate(READ)
            if "Training: epoch" in r["status"]:
                readings += 1
                if (why := _agree(r)) is not None:
                    bad.append((r["status"], why))
                if by_epoch is None and r["pictures"] >= 20:
                    by_epoch = int(re.search(r"epoch (\d+) of 60", r["status"])[1])
            page.wait_for_timeout(150)
        assert by_epoch is not None and by_epoch <= 12, \
            f"{r['pictures']} boundary pictures by epoch {r['status']} in slow motion ({time.monotonic() - t0:.0f} s)"
        assert readings >= 10 and not bad, bad
        _shot(page, shots, "03-phone-slow-motion")

        page.get_by_role("button", name="Pause").tap()
        page.get_by_text(re.compile(r"Paused at epoch \d+, batch \d+ of 13")).wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        before = page.evaluate(READ)
        assert _agree(before) is None, (_agree(before), before["all"])
        e0, b0 = map(int, re.search(r"epoch (\d+), batch (\d+)", before["status"]).groups())
        page.get_by_role("button", name="Step").tap()
        e1, b1 = (e0, b0 + 1) if b0 < 13 else (e0 + 1, 1)
        page.get_by_text(f"Paused at epoch {e1}, batch {b1} of 13").wait_for(timeout=30_000)
        page.wait_for_function(f"() => ({READ})().boundary !== {before['boundary']!r}", timeout=15_000)
        page.wait_for_timeout(1000)  # nothing more comes: one batch per Step
        after = page.evaluate(READ)
        assert f"epoch {e1}, batch {b1} of 13" in after["status"] and _agree(after) is None, (after, _agree(after))
        _shot(page, shots, "04-phone-after-step")
        page.get_by_role("button", name="Stop").tap()
        page.get_by_text(re.compile(r"Stopped after \d+ epochs")).wait_for(timeout=30_000)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the Train page is {width} px wide at phone width"
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()


def test_desktop_train_shows_the_charts_and_bar_counter_and_runs_list_agree(browser, studio, shots):
    _project(studio, "watch-desk", "spiral", epochs=500, early_stopping=None)
    ctx, page, seen = open_page(browser, studio, width=1280, height=800)
    page.on("console", lambda m: print("console:", m.text))
    try:
        page.goto(f"{studio['url']}/p/watch-desk/train", timeout=60_000)
        page.get_by_role("button", name=re.compile(r"Train$")).click()
        page.get_by_text(re.compile(r"Training: epoch \d+ of 500")).wait_for(timeout=60_000)
        page.wait_for_timeout(800)
        assert _seen(page, '[data-testid="train-live"] .nicegui-echart'), "the loss chart is in view"
        assert _seen(page, '[data-testid="train-status"]') and _seen(page, '[data-testid="train-progress"]')
        bad, readings, statuses = [], 0, set()
        deadline = time.monotonic() + 60
        while (readings < 8 or len(statuses) < 4) and time.monotonic() < deadline:
            r = page.evaluate(READ)
            if "Training: epoch" in r["status"]:
                readings += 1
                statuses.add(r["status"])
                if (why := _agree(r)) is not None:
                    bad.append((r["status"], why, r["all"]))
            page.wait_for_timeout(100)
        assert readings >= 8 and len(statuses) >= 4 and not bad, (readings, statuses, bad)
        _shot(page, shots, "05-desktop-running")
        page.get_by_role("button", name="Stop").click()
        page.get_by_text(re.compile(r"Stopped after \d+ epochs")).wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        r = page.evaluate(READ)
        assert _agree(r) is None, (r["status"], r["bar"], r["all"], _agree(r))
        done = int(re.search(r"after (\d+) epochs", r["status"])[1])
        assert abs(r["bar"] - done / 500) < 1e-3, (r["bar"], done)
        _shot(page, shots, "06-desktop-stopped")
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()
