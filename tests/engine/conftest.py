"""Helpers for engine tests: projects on the 'toy' source and small learnable datasets."""
from __future__ import annotations

import pytest
import torch

import layerlab
from layerlab.data.base import DataInfo
from layerlab.data.dataset import Dataset, Split


class IdentityPre:
    """A preprocessor that changes nothing (the datasets below are already scaled)."""

    def to_dict(self):
        return {"method": "none"}


def blobs(n=240, classes=3, features=4, seed=0, val=0.25) -> Dataset:
    """Well separated Gaussian blobs: a model can reach high accuracy in a few epochs."""
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(classes, features, generator=g) * 3
    y = torch.randint(0, classes, (n,), generator=g)
    x = centers[y] + torch.randn(n, features, generator=g) * 0.5
    k = int(n * (1 - val))
    info = DataInfo("tabular", (features,), "classification", [f"c{i}" for i in range(classes)], 1, n)
    return Dataset(info, Split(x[:k], y[:k]), Split(x[k:], y[k:]), None, IdentityPre())


def line(n=200, features=4, seed=0, scale=1.0) -> Dataset:
    """y = w·x (+ noise): a regression a linear layer fits."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, features, generator=g)
    w = torch.randn(features, 1, generator=g)
    y = (x @ w) * scale + 0.01 * torch.randn(n, 1, generator=g)
    k = int(n * 0.8)
    info = DataInfo("tabular", (features,), "regression", None, 1, n)
    return Dataset(info, Split(x[:k], y[:k]), Split(x[k:], y[k:]), None, IdentityPre())


MLP = [{"type": "dense", "units": 16, "activation": "relu"}, {"type": "dense", "units": 3, "activation": "softmax"}]
LINEAR = [{"type": "dense", "units": 1, "activation": "linear"}]


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
