"""Regression on functions: sine (1-D) and plane (2-D), each with a noise parameter.

>>> from layerlab.data import get_source
>>> raw = get_source("sine").load({"n_samples": 50, "noise": 0.0, "periods": 1.0}, None, seed=0)
>>> raw.x.shape, raw.y.shape, raw.info.task
((50, 1), (50, 1), 'regression')
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..spec.params import Param
from .base import DataInfo, DataSource, RawData, SourceCase, register
from .toy2d import N_SAMPLES

NOISE = Param("noise", "float", 0.0, "Standard deviation of the noise added to the target.", min=0.0, max=1.0, suggested=(0.0, 0.1, 0.3))


@register
class Sine(DataSource):
    name = "sine"
    summary = "Learn y = sin(x) from noisy samples (1-D regression)."
    params = (N_SAMPLES, NOISE, Param("periods", "float", 1.0, "Full sine periods over the x range.",
                                      min=0.25, max=10.0))
    cases = (SourceCase({"n_samples": 30, "noise": 0.1, "periods": 2.0}),)

    def info(self, p: dict[str, Any], root: Any) -> DataInfo:
        return DataInfo("points", (1,), "regression", None, 1, p["n_samples"], ["x"], extra={"target_names": ["y"]})

    def load(self, p: dict[str, Any], root: Any, seed: int) -> RawData:
        rng = np.random.default_rng(seed)
        x = rng.uniform(-np.pi, np.pi, (p["n_samples"], 1)) * p["periods"]
        y = np.sin(x) + rng.normal(0, p["noise"], x.shape)
        return RawData(x.astype(np.float32), y.astype(np.float32), self.info(p, root))


@register
class Plane(DataSource):
    name = "plane"
    summary = "Learn a tilted plane y = (x1 + x2) / 2 from noisy points (2-D regression)."
    params = (N_SAMPLES, NOISE)
    cases = (SourceCase({"n_samples": 30, "noise": 0.1}),)

    def info(self, p: dict[str, Any], root: Any) -> DataInfo:
        return DataInfo("points", (2,), "regression", None, 1, p["n_samples"], ["x1", "x2"], extra={"target_names": ["y"]})

    def load(self, p: dict[str, Any], root: Any, seed: int) -> RawData:
        rng = np.random.default_rng(seed)
        x = rng.uniform(-1, 1, (p["n_samples"], 2))
        y = (x.sum(1, keepdims=True) / 2) + rng.normal(0, p["noise"], (len(x), 1))
        return RawData(x.astype(np.float32), y.astype(np.float32), self.info(p, root))
