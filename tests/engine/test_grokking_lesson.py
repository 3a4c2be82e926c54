"""The grokking example shows its lesson with its shipped settings: validation accuracy stays near
chance long after the training pairs are learned (validation loss rises meanwhile), then jumps
above 95 % well within the shipped epochs. Early stopping would end it during the rise, so the
example ships with it off. The run is stopped at the jump to keep the test short."""
from __future__ import annotations

import pytest

import layerlab
from layerlab.engine import events as ev

pytestmark = pytest.mark.slow


def test_grokking_example_trains_long_enough_to_grok(tmp_path):
    p = layerlab.new(tmp_path / "grok", example="modular_arithmetic")
    assert p.spec.training.early_stopping is None
    epochs = p.spec.training.epochs
    run = p.train(background=True)
    grokked: list[int] = []

    def watch(e):
        if isinstance(e, ev.EpochEnded) and e.val.get("accuracy", 0.0) > 0.95 and not grokked:
            grokked.append(e.epoch)
            run.stop()
    run.subscribe(watch)
    run.wait(timeout=300)
    assert grokked, f"no jump within {epochs} epochs: {run.history[-1]}"
    h = {row["epoch"]: row for row in run.history}
    memorised = next(e for e in sorted(h) if h[e]["accuracy"] > 0.99)
    assert h[memorised]["val_accuracy"] < 0.1, "near chance when the training pairs are learned"
    assert max(h[e]["val_loss"] for e in range(1, memorised + 1)) > h[1]["val_loss"] + 1.0, \
        "validation loss rises while the network memorises"
    assert grokked[0] + 50 <= epochs, f"jump at epoch {grokked[0]}: the shipped {epochs} epochs leave too little margin"
