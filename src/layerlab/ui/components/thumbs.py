"""Thumbnails for the example gallery: a preview of the data when the data package offers one,
else a small picture of the example's network (one coloured bar per layer)."""
from __future__ import annotations

import html
import importlib.util
import logging

from ... import api

log = logging.getLogger(__name__)
FAMILY_COLOURS = {"convolution": "#2563eb", "pooling": "#0891b2", "core": "#16a34a", "reshape": "#a3a3a3",
                  "regularization": "#d97706", "normalization": "#9333ea", "recurrent": "#db2777",
                  "structure": "#64748b"}


def _data_preview(example: dict) -> str | None:
    """An SVG/HTML preview from layerlab.data.preview, if this build has it."""
    if importlib.util.find_spec("layerlab.data.preview") is None:
        return None
    from ...data import preview
    fn = getattr(preview, "thumbnail_svg", None) or getattr(preview, "thumbnail", None)
    if fn is None:
        return None
    try:
        out = fn(example["source"])
    except Exception as e:  # a preview is decoration: never break the gallery for it
        log.warning("no preview for %s: %s", example.get("name"), e)
        return None
    return out if isinstance(out, str) else None


def network_strip(layers: list[dict]) -> str:
    """An SVG with one bar per layer, coloured by family and sized by width (units/filters)."""
    from ...layers import load_all
    kinds = load_all()
    n = max(len(layers), 1)
    w, h, gap = 240, 90, 4
    bar = (w - gap * (n + 1)) / n
    parts = []
    for i, layer in enumerate(layers):
        kind = kinds.get(str(layer.get("type")))
        colour = FAMILY_COLOURS.get(kind.family if kind else "", "#64748b")
        size = layer.get("units") or layer.get("filters") or 0
        bh = 20 + min(60, 8 * (len(str(size)) + (size > 0)) + (size ** 0.5 if size else 0))
        x = gap + i * (bar + gap)
        parts.append(f'<rect x="{x:.1f}" y="{(h - bh) / 2:.1f}" width="{bar:.1f}" height="{bh:.1f}" rx="3" '
                     f'fill="{colour}"><title>{html.escape(str(layer.get("type")))}</title></rect>')
    return (f'<svg viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'style="width:100%;height:auto;max-height:110px">{"".join(parts)}</svg>')


def example_thumbnail(name: str, example: dict) -> str:
    """The thumbnail markup for one example card."""
    preview = _data_preview(example)
    if preview is not None:
        return preview
    layers = (api.example(name).get("model") or {}).get("layers") or []
    return network_strip(layers)
