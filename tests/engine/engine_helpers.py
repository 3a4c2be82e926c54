"""Small learnable datasets for engine tests (imported as a plain module: tests/ is not a package)."""
from __future__ import annotations

import torch

from layerlab.data.base import DataInfo
from layerlab.data.dataset import Dataset, Split
from layerlab.data.preprocess import Preprocessor


def identity(info: DataInfo) -> Preprocessor:
    """A preprocessor that changes nothing (the datasets below are already scaled)."""
    return Preprocessor(info.kind, info.task, "none", classes=info.classes, input_shape=info.input_shape)


def blobs(n=240, classes=3, features=4, seed=0, val=0.25, spread=0.5) -> Dataset:
    """Well separated Gaussian blobs: a model can reach high accuracy in a few epochs."""
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(classes, features, generator=g) * 3
    y = torch.randint(0, classes, (n,), generator=g)
    x = centers[y] + torch.randn(n, features, generator=g) * spread
    k = int(n * (1 - val))
    info = DataInfo("tabular", (features,), "classification", [f"c{i}" for i in range(classes)], 1, n)
    return Dataset(info, Split(x[:k], y[:k]), Split(x[k:], y[k:]), None, identity(info))


def line(n=200, features=4, seed=0, scale=1.0) -> Dataset:
    """y = w·x (+ noise): a regression a linear layer fits."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, features, generator=g)
    w = torch.randn(features, 1, generator=g)
    y = (x @ w) * scale + 0.01 * torch.randn(n, 1, generator=g)
    k = int(n * 0.8)
    info = DataInfo("tabular", (features,), "regression", None, 1, n)
    return Dataset(info, Split(x[:k], y[:k]), Split(x[k:], y[k:]), None, identity(info))


MLP = [{"type": "dense", "units": 16, "activation": "relu"}, {"type": "dense", "units": 3, "activation": "softmax"}]
LINEAR = [{"type": "dense", "units": 1, "activation": "linear"}]
