"""2-D classification sets as in TensorFlow Playground: xor, circle, gaussians, spiral, moons.

Points lie roughly in [-1, 1] x [-1, 1]; `noise` jitters them (a share of that range), the
seed comes from the project's `data.seed`, so the same seed gives the same points.

>>> from layerlab.data import get_source
>>> raw = get_source("spiral").load({"n_samples": 100, "noise": 0.1, "arms": 2}, None, seed=0)
>>> raw.x.shape, raw.y.shape, raw.info.classes
((100, 2), (100,), ['0', '1'])
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..spec.params import Param
from .base import DataInfo, DataSource, RawData, SourceCase, register

N_SAMPLES = Param("n_samples", "int", 500, "Number of points.", min=10, max=200_000, suggested=(200, 500, 1000))
NOISE = Param("noise", "float", 0.1, "How much the points are jittered (0 = clean).", min=0.0, max=1.0, suggested=(0.0, 0.1, 0.3))


class _Points(DataSource):
    """Base of the 2-D point sets: subclasses implement `_make(n, noise, rng, p)`."""

    params = (N_SAMPLES, NOISE)
    cases = (SourceCase({"n_samples": 40, "noise": 0.1}), SourceCase({"n_samples": 11, "noise": 0.0}))
    n_classes = 2

    def _classes(self, p: dict[str, Any]) -> list[str]:
        return [str(i) for i in range(self.n_classes)]

    def info(self, p: dict[str, Any], root: Any) -> DataInfo:
        return DataInfo("points", (2,), "classification", self._classes(p), 1, p["n_samples"], ["x1", "x2"])

    def load(self, p: dict[str, Any], root: Any, seed: int) -> RawData:
        rng = np.random.default_rng(seed)
        x, y = self._make(p["n_samples"], p["noise"], rng, p)
        return RawData(x.astype(np.float32), y.astype(np.int64), self.info(p, root))

    def _make(self, n: int, noise: float, rng: np.random.Generator, p: dict[str, Any]):
        raise NotImplementedError


@register
class Xor(_Points):
    name = "xor"
    summary = "Points in four quadrants; the class is whether x1 and x2 have the same sign."

    def _make(self, n, noise, rng, p):
        x = rng.uniform(-1, 1, (n, 2))
        x += np.sign(x) * 0.05  # a small gap around the axes, like the Playground's padding
        y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
        return x + rng.normal(0, noise * 0.5, x.shape), y


@register
class Circle(_Points):
    name = "circle"
    summary = "An inner disc (class 1) inside an outer ring (class 0)."

    def _make(self, n, noise, rng, p):
        y = (np.arange(n) % 2).astype(np.int64)
        rng.shuffle(y)
        radius = np.where(y == 1, rng.uniform(0, 0.5, n), rng.uniform(0.7, 1.0, n))
        angle = rng.uniform(0, 2 * np.pi, n)
        x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1)
        return x + rng.normal(0, noise * 0.5, x.shape), y


@register
class Gaussians(_Points):
    name = "gaussians"
    summary = "Blobs of points around random centres, one blob per class."
    params = (N_SAMPLES, NOISE, Param("classes", "int", 2, "Number of blobs (classes).", min=2, max=10))
    cases = (SourceCase({"n_samples": 40, "noise": 0.1, "classes": 4}),)

    def _classes(self, p):
        return [str(i) for i in range(p["classes"])]

    def _make(self, n, noise, rng, p):
        k = p["classes"]
        angles = np.linspace(0, 2 * np.pi, k, endpoint=False) + rng.uniform(0, 2 * np.pi)
        centres = 0.6 * np.stack([np.cos(angles), np.sin(angles)], 1)  # (k, 2), evenly spread
        y = (np.arange(n) % k).astype(np.int64)
        rng.shuffle(y)
        spread = 0.1 + noise * 0.5
        return centres[y] + rng.normal(0, spread, (n, 2)), y


@register
class Spiral(_Points):
    name = "spiral"
    summary = "Interleaved spiral arms, one class per arm: hard for a straight boundary."
    params = (N_SAMPLES, NOISE, Param("arms", "int", 2, "Number of arms (classes).", min=2, max=6))
    cases = (SourceCase({"n_samples": 40, "noise": 0.1, "arms": 3}),)

    def _classes(self, p):
        return [str(i) for i in range(p["arms"])]

    def _make(self, n, noise, rng, p):
        k = p["arms"]
        y = (np.arange(n) % k).astype(np.int64)
        rng.shuffle(y)
        t = rng.uniform(0, 1, n)                      # position along the arm
        r = 0.05 + 0.95 * t
        angle = 1.75 * 2 * np.pi * t + 2 * np.pi * y / k
        x = np.stack([r * np.cos(angle), r * np.sin(angle)], 1)
        return x + rng.normal(0, noise * 0.2, x.shape), y


@register
class Moons(_Points):
    name = "moons"
    summary = "Two interleaving half circles."

    def _make(self, n, noise, rng, p):
        from sklearn.datasets import make_moons
        x, y = make_moons(n, noise=noise * 0.5, random_state=int(rng.integers(2**31)))
        return (x - (0.5, 0.25)) / 1.5, y  # centred at the origin, within about [-1, 1]
