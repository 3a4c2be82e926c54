"""Shared fixtures: a throw-away workspace, and a tiny registered data source for spec tests."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from layerlab.data.base import SOURCES, DataInfo, DataSource, RawData
from layerlab.spec.params import Param


class ToySource(DataSource):
    """Random data of any shape, for spec and shape tests that need no real dataset."""

    name = "toy"
    summary = "Random samples of a chosen shape (tests only)."
    params = (
        Param("shape", "ints", (4,), "Shape of one sample.", min=1),
        Param("classes", "int", 3, "Number of classes (0 = regression).", min=0),
        Param("n", "int", 64, "Number of samples.", min=1),
        Param("tokens", "int", 0, "Vocabulary size for integer token input (0 = float input).", min=0),
    )

    def info(self, p, root):
        task = "classification" if p["classes"] else "regression"
        return DataInfo("tokens" if p["tokens"] else "tabular", tuple(p["shape"]), task,
                        [f"c{i}" for i in range(p["classes"])] or None, 1, p["n"],
                        vocab_size=p["tokens"] or None)

    def load(self, p, root, seed):
        rng = np.random.default_rng(seed)
        shape = (p["n"], *p["shape"])
        x = rng.integers(0, p["tokens"], shape) if p["tokens"] else rng.normal(size=shape).astype(np.float32)
        y = rng.integers(0, p["classes"], p["n"]) if p["classes"] else rng.normal(size=(p["n"], 1)).astype(np.float32)
        return RawData(x, y, self.info(p, root))


SOURCES.setdefault("toy", ToySource())


def toy_doc(layers, shape=(4,), classes=3, task=None, **training):
    """A project document on toy data."""
    return {"name": "t", "task": task or ("classification" if classes else "regression"),
            "data": {"source": "toy", "params": {"shape": list(shape), "classes": classes}},
            "model": {"layers": layers}, "training": training}


def pytest_collection_modifyitems(config, items):
    """Real-browser tests run last: fast failures first, and nothing async runs after a browser."""
    items.sort(key=lambda item: "tests/e2e/" in item.nodeid or item.get_closest_marker("e2e") is not None)


@pytest.fixture(autouse=True)
def _workspace(tmp_path, monkeypatch):
    """Every test gets its own LAYERLAB_HOME."""
    monkeypatch.setenv("LAYERLAB_HOME", str(tmp_path / "home"))
    os.environ.setdefault("OMP_NUM_THREADS", "2")
    yield


@pytest.fixture
def tmp_project_dir(tmp_path) -> Path:
    return tmp_path / "proj"
