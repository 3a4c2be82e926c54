"""Colour images of circles, squares and triangles, drawn with Pillow.

Each image has a random background, and one shape of random colour, size and position;
images are (3, size, size) float32 in [0, 1]. Generated once per (n_samples, size, seed).

>>> from layerlab.data import get_source
>>> raw = get_source("shapes").load({"n_samples": 30, "size": 32}, None, seed=0)
>>> raw.x.shape, raw.info.classes
((30, 3, 32, 32), ['circle', 'square', 'triangle'])
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from ..spec.params import Param
from .base import DataInfo, DataSource, RawData, SourceCase, register

CLASSES = ("circle", "square", "triangle")


def _colour_pair(rng: np.random.Generator) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A background and a foreground colour that differ clearly in brightness."""
    while True:
        bg, fg = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        if abs(int(bg.mean()) - int(fg.mean())) > 60 or np.abs(bg - fg).max() > 140:
            return tuple(int(v) for v in bg), tuple(int(v) for v in fg)


def draw(kind: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """One (size, size, 3) uint8 image with a shape of class `kind`."""
    bg, fg = _colour_pair(rng)
    img = Image.new("RGB", (size, size), bg)
    d = ImageDraw.Draw(img)
    r = rng.uniform(0.18, 0.4) * size                  # half the shape's extent
    cx, cy = rng.uniform(r, size - r, 2)
    if kind == 0:
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fg)
    elif kind == 1:
        a = rng.uniform(0, np.pi / 2)                   # any rotation; a square's corners may touch the edge
        pts = [(cx + r * np.cos(a + k * np.pi / 2), cy + r * np.sin(a + k * np.pi / 2)) for k in range(4)]
        d.polygon(pts, fill=fg)
    else:
        a = rng.uniform(0, 2 * np.pi)
        pts = [(cx + r * np.cos(a + k * 2 * np.pi / 3), cy + r * np.sin(a + k * 2 * np.pi / 3)) for k in range(3)]
        d.polygon(pts, fill=fg)
    return np.asarray(img)


@functools.lru_cache(maxsize=4)
def _generate(n: int, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % len(CLASSES)).astype(np.int64)
    rng.shuffle(y)
    x = np.empty((n, size, size, 3), np.uint8)
    for i in range(n):
        x[i] = draw(int(y[i]), size, rng)
    images = x.transpose(0, 3, 1, 2).astype(np.float32) / 255.0   # (N, 3, H, W) in [0, 1]
    images.setflags(write=False)
    y.setflags(write=False)
    return images, y


@register
class Shapes(DataSource):
    name = "shapes"
    summary = "Colour images of circles, squares and triangles of random colour, size and position."
    params = (
        Param("n_samples", "int", 1500, "Number of images.", min=3, max=100_000, suggested=(300, 1500, 5000)),
        Param("size", "int", 32, "Width and height of each image in pixels.", min=8, max=128, suggested=(16, 32, 64)),
    )
    cases = (SourceCase({"n_samples": 12, "size": 16}),)

    def info(self, p: dict[str, Any], root: Any) -> DataInfo:
        return DataInfo("image", (3, p["size"], p["size"]), "classification", list(CLASSES), 1, p["n_samples"],
                        extra={"channels": 3, "value_range": [0.0, 1.0]})

    def load(self, p: dict[str, Any], root: Any, seed: int) -> RawData:
        x, y = _generate(p["n_samples"], p["size"], seed)
        return RawData(x, y, self.info(p, root))
