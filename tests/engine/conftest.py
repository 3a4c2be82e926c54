"""Fixtures for engine tests: a saved project on the 'toy' source."""
from __future__ import annotations

import pytest

import layerlab
from engine_helpers import MLP


@pytest.fixture
def make_project(tmp_path):
    """make_project(layers=MLP, classes=3, **training) -> a saved Project on toy data."""
    def make(layers=MLP, classes=3, name="p", **training):
        training.setdefault("epochs", 3)
        training.setdefault("batch_size", 32)
        doc = {"name": name, "task": "classification" if classes else "regression",
               "data": {"source": "toy", "params": {"shape": [4], "classes": classes, "n": 64}},
               "model": {"layers": layers}, "training": training}
        return layerlab.new(tmp_path / name, doc=doc)
    return make
