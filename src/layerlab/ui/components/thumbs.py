"""Thumbnails for the example gallery: at once a small picture of the example's network (one
bar per layer), replaced by a picture of its data (layerlab.api.example_preview_png) when ready."""
from __future__ import annotations

import base64
import html
import logging
from typing import Any

from ... import api
from ...api_spec import layer_kinds

log = logging.getLogger(__name__)
FAMILY_COLOURS = {"convolution": "#2563eb", "pooling": "#0891b2", "core": "#16a34a", "reshape": "#a3a3a3",
                  "regularization": "#d97706", "normalization": "#9333ea", "recurrent": "#db2777",
                  "structure": "#64748b"}


def data_thumbnail(name: str) -> str | None:
    """An <img> of the example's data (PNG from layerlab.data.preview), or None when unavailable.

    Slow the first time (it loads the data), cached afterwards: call it off the event loop."""
    try:
        png = api.example_preview_png(name, 160)
    except Exception as e:  # a preview is decoration: never break the gallery for it
        log.warning("no preview for example %s: %s", name, e)
        return None
    b64 = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{b64}" alt="" '
            'style="width:100%;height:110px;object-fit:contain;image-rendering:pixelated">')


def warm(names: list[str]) -> None:
    """Compute every gallery thumbnail once (run in a background thread at startup)."""
    for n in names:
        data_thumbnail(n)


def network_strip(layers: list[dict[str, Any]]) -> str:
    """An SVG with one bar per layer, coloured by family and taller for wider layers."""
    kinds = layer_kinds()
    n = max(len(layers), 1)
    w, h, gap = 240, 110, 4
    bar = (w - gap * (n + 1)) / n
    parts = []
    for i, layer in enumerate(layers):
        kind = kinds.get(str(layer.get("type")))
        colour = FAMILY_COLOURS.get(kind.family if kind else "", "#64748b")
        size = layer.get("units") or layer.get("filters") or 0
        bh = min(100.0, 24.0 + 9.0 * (size ** 0.5 if isinstance(size, (int, float)) and size > 0 else 0))
        x = gap + i * (bar + gap)
        parts.append(f'<rect x="{x:.1f}" y="{(h - bh) / 2:.1f}" width="{bar:.1f}" height="{bh:.1f}" rx="3" '
                     f'fill="{colour}"><title>{html.escape(str(layer.get("type")))}</title></rect>')
    return (f'<svg viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'style="width:100%;height:110px">{"".join(parts)}</svg>')


def example_strip(name: str) -> str:
    """The network picture of a built-in example."""
    return network_strip((api.example(name).get("model") or {}).get("layers") or [])
