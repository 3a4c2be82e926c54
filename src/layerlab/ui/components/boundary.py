"""The decision-boundary heat map for 2-D data, as in TensorFlow Playground.

The network is evaluated on a grid over the data's extent; each cell takes its most likely
class's colour, paler where the network is unsure, and the data points are drawn on top.
The picture is a PNG made with Pillow, so the browser gets one small image per update.

>>> import numpy as np
>>> pts = np.array([[-1.0, -1.0], [1.0, 1.0]], dtype=np.float32)
>>> img = heatmap(lambda g: np.stack([g[:, 0] < 0, g[:, 0] >= 0], 1).astype(float), pts, [0, 1], size=64)
>>> img.size, img.getpixel((2, 32))[:3] != img.getpixel((61, 32))[:3]
((64, 64), True)
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from PIL import Image, ImageDraw

# Playground's orange and blue first (two classes read as negative/positive), then distinct hues
PALETTE = [(245, 147, 34), (8, 119, 189), (46, 160, 67), (214, 39, 40), (148, 103, 189),
           (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]
GRID = 48  # cells per side: 2,304 points, a few milliseconds for a small network


def colour(i: int) -> tuple[int, int, int]:
    """The colour of class i."""
    return PALETTE[i % len(PALETTE)]


def extent(points: np.ndarray, pad: float = 0.1) -> tuple[float, float, float, float]:
    """(xmin, xmax, ymin, ymax) around the points with a margin, never empty."""
    lo, hi = points.min(axis=0).astype(float), points.max(axis=0).astype(float)
    span = np.maximum(hi - lo, 1e-6)
    lo, hi = lo - pad * span, hi + pad * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def grid(box: tuple[float, float, float, float], n: int = GRID) -> np.ndarray:
    """(n*n, 2) float32 cell centres, row by row from the top (largest y) down."""
    x0, x1, y0, y1 = box
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y1 - (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)


def cell_colours(probs: np.ndarray) -> np.ndarray:
    """(N, 3) uint8 colours: the winning class's colour, faded toward white by uncertainty."""
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim == 1 or probs.shape[1] == 1:
        # one output (regression or a sigmoid unit): blend orange (low) to blue (high)
        v = probs.reshape(-1)
        lo, hi = float(np.min(v)), float(np.max(v))
        w = (v - lo) / (hi - lo) if hi > lo else np.full_like(v, 0.5)
        a, b = np.array(colour(0), float), np.array(colour(1), float)
        rgb = a[None] * (1 - w[:, None]) + b[None] * w[:, None]
        strength = np.abs(w - 0.5) * 2
    else:
        k = probs.shape[1]
        win = probs.argmax(axis=1)
        rgb = np.array([colour(i) for i in range(k)], float)[win]
        # 1/k (a guess) is white, 1.0 (certain) is the full colour
        strength = np.clip((probs.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k), 0, 1)
    strength = 0.15 + 0.7 * strength[:, None]  # never fully white, never hides the points
    out = 255.0 * (1 - strength) + rgb * strength
    return out.clip(0, 255).astype(np.uint8)


def heatmap(predict: Callable[[np.ndarray], np.ndarray], points: np.ndarray, labels: Sequence[int] | None,
            size: int = 280, n: int = GRID, box: tuple[float, float, float, float] | None = None,
            max_points: int = 600) -> Image.Image:
    """Evaluate `predict` (grid points → probabilities) and draw the map with the points on top."""
    points = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    box = box or extent(points)
    probs = np.asarray(predict(grid(box, n)))
    img = Image.fromarray(cell_colours(probs).reshape(n, n, 3), "RGB").resize((size, size), Image.BILINEAR)
    draw = ImageDraw.Draw(img)
    x0, x1, y0, y1 = box
    step = max(1, len(points) // max_points)  # many points would only hide the map
    r = max(2, size // 90)
    for j in range(0, len(points), step):
        px = (points[j, 0] - x0) / (x1 - x0) * size
        py = (y1 - points[j, 1]) / (y1 - y0) * size
        fill = colour(int(labels[j])) if labels is not None else (60, 60, 60)
        draw.ellipse((px - r, py - r, px + r, py + r), fill=fill, outline=(255, 255, 255))
    return img
