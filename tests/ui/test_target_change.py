"""The Data page's "predicting: …" line can be changed: the same picker, the current target
preselected; the task and the output layer follow the new column."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from nicegui.testing import User

from layerlab import api
from layerlab.store import workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from data.penguins import penguins_csv  # noqa: E402


async def test_changing_the_target_on_the_data_page(user: User, tmp_path) -> None:
    csv = penguins_csv(tmp_path / "penguins.csv")
    api.new(workspace.home() / "penguins", data=csv, target="species")
    await user.open("/p/penguins/data")
    await user.should_see("predicting: species (3 classes)")
    user.find(marker="change-target").click()
    await user.should_see(marker="target-choice", retries=50)
    choice = user.find(marker="target-choice").elements.pop()
    assert choice.value == "species"                          # the current target, preselected
    choice.set_value("body_mass_g")
    user.find(marker="target-next").click()
    await user.should_see("The network will predict: body_mass_g")
    user.find(marker="target-confirm").click()
    for _ in range(50):
        p = api.load(workspace.project_dir("penguins"))
        if p.doc["data"]["params"]["target"] == "body_mass_g":
            break
        await asyncio.sleep(0.1)
    assert p.spec.task == "regression" and p.doc["data"]["preprocessing"]["standardize_target"] is True
    assert p.spec.model.layers[-1]["units"] == 1 and p.analyze().ok    # the output layer followed
    assert "species=Adelie" in p.data_info().feature_names             # the old target is an input now
    await user.should_see("predicting: body_mass_g (a number)")
