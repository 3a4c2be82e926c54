"""A large model's page: bounded cards behind "show more", the diagram drawn off the event loop,
hostile specs refused with their fix, and the estimated training cost shown."""
from __future__ import annotations

import asyncio
import time

from nicegui.testing import User

from layerlab.ui.components.layer_list import CARDS_PER_STEP

OUT = {"type": "dense", "units": 2, "activation": "softmax"}


def _doc(layers: list[dict]) -> dict:
    from layerlab import api
    doc = api.example("xor")
    doc["model"]["layers"] = layers
    return doc


async def test_a_500_layer_model_opens_quickly_with_bounded_cards(user: User, project_id) -> None:
    pid = project_id(doc=_doc([{"type": "dense", "units": 8}] * 499 + [OUT]), name="deep")
    t = time.perf_counter()
    await user.open(f"/p/{pid}/model")
    await user.should_see(marker="model-valid")
    took = time.perf_counter() - t
    assert took < 8.0, f"{took:.1f} s to open a 500-layer model"  # 500 cards took minutes before
    await user.should_see(marker=f"layer-{CARDS_PER_STEP - 1}")
    await user.should_not_see(marker=f"layer-{CARDS_PER_STEP}")
    await user.should_see(marker="model-cost")
    user.find(marker="show-more").click()
    await user.should_see(marker=f"layer-{2 * CARDS_PER_STEP - 1}")
    await user.should_not_see(marker=f"layer-{2 * CARDS_PER_STEP}")
    for _ in range(200):  # the diagram arrives from its worker thread
        svg = next(iter(user.find(marker="diagram").elements)).content
        if "<svg" in svg:
            break
        await asyncio.sleep(0.05)
    assert "453 more layers" in svg and svg.count("<circle") < 600


async def test_a_10000_layer_spec_is_refused_on_the_page_with_its_fix(user: User, project_id) -> None:
    pid = project_id(doc=_doc([{"type": "dense", "units": 4}] * 9_999 + [OUT]), name="huge")
    t = time.perf_counter()
    await user.open(f"/p/{pid}/model")
    await user.should_see(marker="model-invalid")
    assert time.perf_counter() - t < 8.0
    await user.should_see("the model has 10,000 layers, more than the 2,000 allowed")
    await user.should_see(marker="global-error-0")
    await user.should_not_see(marker=f"layer-{CARDS_PER_STEP}")
