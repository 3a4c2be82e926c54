"""In German mode the studio shows the core's errors in German: model checks, fixes, failed runs."""
from __future__ import annotations

import re

from nicegui.testing import User

from layerlab import api
from layerlab.store import workspace

ENGLISH = re.compile(r"\b(must|should|the last layer|set units|use |Fix:|Received:)\b", re.I)


async def _german(user: User) -> None:
    await user.open("/")
    user.find(marker="lang-select").click()
    user.find("Deutsch").click()
    await user.open("/")
    await user.should_see("Mit einem Beispiel beginnen")


def _texts(user: User, marker: str) -> list[str]:
    found = []
    for el in user.find(marker=marker).elements:
        found += [getattr(d, "text", "") for d in el.descendants()] + [getattr(el, "text", "")]
    return [t for t in found if t]


async def test_a_broken_layer_is_explained_and_fixed_in_german(user: User, project_id) -> None:
    pid = project_id("xor")
    await _german(user)
    await user.open(f"/p/{pid}/model")
    next(iter(user.find(marker="param-1-units").elements)).set_value(5)
    await user.should_see(marker="error-1-0")
    texts = _texts(user, "error-1-0")
    assert texts and not [t for t in texts if ENGLISH.search(t)], texts
    assert any("2" in t for t in texts)                            # the values are kept: two classes
    fix = next(iter(user.find(marker="error-1-0-fix-0").elements))
    assert fix.text and not ENGLISH.search(fix.text), fix.text
    user.find(marker="error-1-0-fix-0").click()
    await user.should_see(marker="model-valid")


async def test_a_run_that_cannot_start_says_why_in_german(user: User, project_id) -> None:
    pid = project_id("xor")
    folder = workspace.project_dir(pid)
    doc = api.load(folder).doc
    doc["model"]["layers"][-1]["units"] = 5  # xor has two classes
    workspace.save_doc(folder, doc, workspace.revision(folder))
    await _german(user)
    await user.open(f"/p/{pid}/train")
    user.find(marker="train-start").click()
    await user.should_see(marker="train-problem", retries=100)
    texts = _texts(user, "train-problem")
    assert texts and not [t for t in texts if ENGLISH.search(t)], texts
