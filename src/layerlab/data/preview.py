"""Pictures of data for the studio's gallery and data page, drawn with Pillow (PNG bytes).

Images become a grid, 2-D points a scatter plot coloured by class (or by target value),
1-D regression a curve of points, tables a scatter of their first two features and token
pairs (modular arithmetic) a table coloured by the result.

>>> png = thumbnail("spiral", {"n_samples": 200})
>>> png[:4] == b"\\x89PNG"
True
"""
from __future__ import annotations

import functools
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from .base import get_source, load_all

# TensorFlow Playground's orange and blue first, then a colour-blind-friendly set
PALETTE = [(245, 147, 34), (8, 119, 189), (0, 158, 115), (204, 121, 167), (230, 159, 0),
           (86, 180, 233), (213, 94, 0), (240, 228, 66), (120, 120, 120), (0, 0, 0)]


def to_png(img: Image.Image) -> bytes:
    """PNG bytes of a Pillow image."""
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def image_of(x: np.ndarray) -> Image.Image:
    """A Pillow image of one sample (C, H, W) with values in [0, 1]."""
    a = np.clip(np.asarray(x, np.float32), 0, 1)
    a = (a * 255 + 0.5).astype(np.uint8)
    if a.ndim == 2:
        return Image.fromarray(a, "L")
    if a.shape[0] == 1:
        return Image.fromarray(a[0], "L")
    return Image.fromarray(a[:3].transpose(1, 2, 0), "RGB")


def image_png(x: np.ndarray, min_size: int = 64) -> bytes:
    """PNG of one image sample, enlarged without blur when it is tiny (digits are 8x8)."""
    img = image_of(x)
    if img.width < min_size:
        f = -(-min_size // img.width)
        img = img.resize((img.width * f, img.height * f), Image.NEAREST)
    return to_png(img)


def grid(images: np.ndarray, size: int = 256, cols: int | None = None) -> bytes:
    """A square-ish grid of images (N, C, H, W) in [0, 1]."""
    n = len(images)
    cols = cols or max(1, int(np.ceil(np.sqrt(n))))
    rows = max(1, -(-n // cols))
    cell = max(4, size // cols)
    canvas = Image.new("RGB", (cols * cell, rows * cell), (255, 255, 255))
    for i, x in enumerate(images):
        tile = image_of(x).convert("RGB").resize((cell - 2, cell - 2), Image.NEAREST)
        canvas.paste(tile, ((i % cols) * cell + 1, (i // cols) * cell + 1))
    return to_png(canvas)


def _scale(v: np.ndarray, lo: float, hi: float) -> np.ndarray:
    vmin, vmax = float(np.min(v)), float(np.max(v))
    span = vmax - vmin or 1.0
    return lo + (v - vmin) / span * (hi - lo)


def _value_colour(t: np.ndarray) -> np.ndarray:
    """Orange (low) to blue (high) for regression targets t in [0, 1]."""
    a, b = np.array(PALETTE[0]), np.array(PALETTE[1])
    return (a[None] * (1 - t[:, None]) + b[None] * t[:, None]).astype(int)


def scatter(x: np.ndarray, y: np.ndarray | None, size: int = 256, classification: bool = True) -> bytes:
    """Scatter of 2-D points x (N, 2) coloured by class index or value; 1-D x is plotted against y."""
    x = np.asarray(x, np.float64).reshape(len(x), -1)
    img = Image.new("RGB", (size, size), (255, 255, 255))
    d = ImageDraw.Draw(img)
    pad, r = 6, max(1.5, size / 110)
    if x.shape[1] == 1:                                   # 1-D regression: the curve y(x)
        px, py = _scale(x[:, 0], pad, size - pad), _scale(-np.asarray(y, np.float64).reshape(-1), pad, size - pad)
        colours = [PALETTE[1]] * len(px)
    else:
        px, py = _scale(x[:, 0], pad, size - pad), _scale(-x[:, 1], pad, size - pad)
        if y is None:
            colours = [PALETTE[8]] * len(px)
        elif classification:
            colours = [PALETTE[int(c) % len(PALETTE)] for c in np.asarray(y).reshape(-1)]
        else:
            t = _scale(np.asarray(y, np.float64).reshape(len(y), -1)[:, 0], 0, 1)
            colours = [tuple(c) for c in _value_colour(t)]
    for cx, cy, c in zip(px, py, colours):
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=tuple(c), outline=(255, 255, 255))
    return to_png(img)


def token_table(x: np.ndarray, y: np.ndarray, size: int = 256) -> bytes:
    """A table a (rows) by b (columns) coloured by the class of (a, b)."""
    m = int(max(x.max(), y.max())) + 1
    table = np.full((m, m), -1, np.int64)
    table[x[:, 0], x[:, 1]] = y
    hue = (table.astype(np.float64) / max(1, m - 1))
    rgb = np.stack([255 * hue, 80 + 100 * (1 - hue), 255 * (1 - hue)], -1).astype(np.uint8)
    rgb[table < 0] = 255
    return to_png(Image.fromarray(rgb, "RGB").resize((size, size), Image.NEAREST))


def raw_preview(x: np.ndarray, y: np.ndarray, kind: str, task: str, size: int = 256) -> bytes:
    """The picture that fits the data kind (x as the user knows it, y classes or targets)."""
    cls = task == "classification"
    if kind == "image" and x.ndim == 4:
        order = _per_class(y, 16) if cls else np.arange(min(16, len(x)))
        return grid(x[order], size)
    if kind == "tokens" and x.ndim == 2 and x.shape[1] == 2:
        return token_table(x, y, size)
    flat = np.asarray(x, np.float64).reshape(len(x), -1)[:2000]
    if flat.shape[1] > 2:
        flat = flat[:, :2]
    return scatter(flat, np.asarray(y)[:2000], size, cls)


def _per_class(y: np.ndarray, n: int) -> np.ndarray:
    """Indices of up to n samples, taking classes in turn so each class shows."""
    y = np.asarray(y).reshape(-1)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)]
    out: list[int] = []
    for k in range(n):
        for g in groups:
            if len(out) < n and k < len(g):
                out.append(int(g[k]))
    return np.array(sorted(out), np.int64)


@functools.lru_cache(maxsize=64)
def _thumb(name: str, params_json: str, root: str | None, seed: int, size: int) -> bytes:
    src = get_source(name)
    p = src.resolve(json.loads(params_json))
    raw = src.load(p, Path(root) if root else None, seed)
    return raw_preview(raw.x, raw.y, raw.info.kind, raw.info.task, size)


def thumbnail(name: str, params: dict[str, Any] | None = None, root: str | Path | None = None,
              seed: int = 0, size: int = 128) -> bytes:
    """The gallery picture of a source (cached per name, params, seed and size)."""
    return _thumb(name, json.dumps(params or {}, sort_keys=True), str(root) if root else None, seed, size)


def gallery(lang: str = "en", size: int = 128) -> list[dict[str, Any]]:
    """Every built-in source with its summary, parameters and thumbnail (for the studio)."""
    out = []
    for name, src in sorted(load_all().items()):
        if not src.builtin or name == "toy":
            continue
        d = src.describe()
        d["summary"] = d["summary_de"] if lang == "de" else d["summary"]
        d["thumbnail_png"] = thumbnail(name, {}, None, 0, size)
        out.append(d)
    return out
