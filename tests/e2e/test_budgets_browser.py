"""In a real Chromium: a 500-layer model's page opens with 20 cards, "show more" and a diagram drawn
off the event loop; a 10,000-layer model shows its refusal and fix, and the page stays usable.

Screenshots of both pages at 1280 x 800 and 375 x 812 go to tests/e2e/screenshots/.
"""
from __future__ import annotations

import copy
import shutil
import time

import pytest

from layerlab import api
from layerlab.api import create_project
from layerlab.store import workspace
from layerlab.ui.components.layer_list import CARDS_PER_STEP
from tests.e2e.conftest import close, open_page

pytestmark = pytest.mark.e2e
OUT = {"type": "dense", "units": 2, "activation": "softmax"}


@pytest.fixture
def big(studio, monkeypatch):
    """A 500-layer and a 10,000-layer project in the studio's workspace (removed afterwards)."""
    monkeypatch.setenv("LAYERLAB_HOME", str(studio["home"]))
    made = {}
    for name, layers in (("deep 500", [{"type": "dense", "units": 8}] * 499 + [OUT]),
                         ("huge 10000", [{"type": "dense", "units": 4}] * 9_999 + [OUT])):
        doc = copy.deepcopy(api.example("xor"))
        doc["model"]["layers"] = layers
        made[name] = create_project(name, doc=doc).dir
    yield {k: v.name for k, v in made.items()}
    for folder in made.values():
        shutil.rmtree(folder, ignore_errors=True)


def test_a_large_model_page_is_bounded_and_a_hostile_one_is_refused(browser, studio, shots, big):
    ctx, page, seen = open_page(browser, studio, width=1280, height=800)
    n = CARDS_PER_STEP
    try:
        t = time.perf_counter()
        page.goto(f"{studio['url']}/p/{big['deep 500']}/model", wait_until="domcontentloaded", timeout=60000)
        page.get_by_test_id("model-valid").wait_for(timeout=60000)
        opened = time.perf_counter() - t
        # on the 2 shared cores at load average 18 a 3-layer model's page took 23 s here, this one 14-33 s;
        # the timing that matters (the event loop) is asserted in tests/ui and tests/server
        assert opened < 60, f"{opened:.1f} s"
        assert page.get_by_test_id(f"layer-{n - 1}").count() == 1 and page.get_by_test_id(f"layer-{n}").count() == 0
        page.get_by_text("453 more layers").first.wait_for(timeout=20000)   # the diagram arrived
        more = page.get_by_role("button", name=f"Show {n} more layers ({500 - n} not shown)")
        for width, height in ((1280, 800), (375, 812)):
            page.set_viewport_size({"width": width, "height": height})
            more.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            page.screenshot(path=str(shots / f"budget-500-layers-{width}.png"))
        more.click()
        page.get_by_test_id(f"layer-{2 * n - 1}").wait_for()
        assert page.get_by_test_id(f"layer-{2 * n}").count() == 0

        page.goto(f"{studio['url']}/p/{big['huge 10000']}/model", wait_until="domcontentloaded", timeout=60000)
        page.get_by_test_id("model-invalid").wait_for(timeout=60000)
        error = page.get_by_text("the model has 10,000 layers, more than the 2,000 allowed")
        error.wait_for()
        assert page.get_by_text("remove layers until at most 2,000 are left", exact=False).count() >= 1
        for width, height in ((375, 812), (1280, 800)):
            page.set_viewport_size({"width": width, "height": height})
            error.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            page.screenshot(path=str(shots / f"budget-10000-layers-{width}.png"))
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()
