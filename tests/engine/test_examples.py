"""The built-in examples train to real quality with their shipped settings (each well within a minute),
early stopping included where they ship with it (the run keeps its best epoch). The grokking example's
lesson is tested in test_grokking_lesson.py."""
from __future__ import annotations

import time

import numpy as np
import pytest

import layerlab

pytestmark = pytest.mark.slow

# example -> (metric, threshold, higher is better)
QUALITY = {
    "digits": ("val_accuracy", 0.95, True),
    "spiral": ("val_accuracy", 0.95, True),
    "xor": ("val_accuracy", 1.0, True),
    "iris": ("val_accuracy", 0.93, True),
    "sine": ("val_mse", 0.01, False),
    "circle": ("val_accuracy", 0.98, True),
    "wine": ("val_accuracy", 0.94, True),
}


@pytest.mark.parametrize("name", sorted(QUALITY))
def test_example_reaches_its_quality(name, tmp_path, record_property):
    p = layerlab.new(tmp_path / name, example=name)
    t0 = time.perf_counter()
    run = p.train()
    record_property("train_seconds", round(time.perf_counter() - t0, 2))
    assert run.status == "finished", run.failure and run.failure.message
    metric, threshold, higher = QUALITY[name]
    value = run.final[metric]
    assert (value >= threshold) if higher else (value < threshold), f"{name}: {metric} = {value}"
    assert p.runs()[0]["status"] == "finished"


def test_sine_predictions_follow_the_curve_in_its_own_units(tmp_path):
    p = layerlab.new(tmp_path / "sine", example="sine")
    assert p.train().status == "finished"
    xs = np.linspace(-3.0, 3.0, 61, dtype=np.float32)[:, None]
    pred = p.predict(xs.tolist(), raw=True)  # raw x: the run's preprocessing scales it, and un-scales y
    assert pred.shape == (61, 1)
    assert float(np.mean((pred - np.sin(xs)) ** 2)) < 0.01
