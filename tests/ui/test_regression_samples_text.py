"""After a regression run the Train page's validation samples say how to read them (a newcomer walk: 'Shown after
the first epoch.' stayed above the filled grid of predicted numbers)."""
from __future__ import annotations

from nicegui.testing import User

from layerlab import api
from layerlab.store import workspace


async def test_a_regression_runs_samples_say_how_to_read_them(user: User, project_id) -> None:
    pid = project_id("sine")
    api.load(workspace.project_dir(pid)).train(epochs=1)
    await user.open(f"/p/{pid}/train")
    await user.should_see("Each sample: the predicted value, and the true value under it.", retries=100)
    await user.should_see(marker="val-true")
    await user.should_not_see("Shown after the first epoch.")
