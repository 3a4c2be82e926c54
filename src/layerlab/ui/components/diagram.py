"""The network diagram, drawn server-side as SVG from the analysis (no JavaScript needed).

The layers run from top to bottom, one row each, with the layer's name and output shape on a
line above its drawing (as in Netron): the picture is DRAW_W units wide whatever the model, so
it is shown at about its natural size on a phone (375 px) and on a desktop alike, its 12-unit
labels never below 11 px on the screen (the page keeps it at least MIN_SCALE of its size), and
a long model grows downwards instead of being shrunk.

Two styles:
- "fcnn" (neurons and connections): vectors are rows of neurons (at most MAX_NEURONS drawn,
  the rest shown as "⋯") joined by their connections; images and feature maps are stacks of
  maps; sequences a strip.
- "lenet" (stacked feature maps, as in LeCun's LeNet figure): every layer is a block, maps as
  a stack sized by their height and count ("16@8×8"), vectors as a bar whose length grows with
  the number of units, joined by funnel lines.

After training, `weights` (from `diagram_weights` on the trained network) colours the drawing:
connections blue for positive and orange for negative weights, stronger for larger ones, and
each unit or map by the size of its incoming weights. Layers with an error are drawn in red. A
model longer than MAX_COLUMNS layers is drawn as its first and last layers around a gap row
that says how many are left out, so the SVG stays small (the Model page computes it off the
event loop).

>>> svg = network_svg((4,), [{"type": "dense", "out_shape": (3,), "family": "core", "error": False}])
>>> svg.count("<circle") == 4 + 3
True
>>> "4@" in network_svg((1, 8, 8), [], style="lenet")
False
>>> "1@8×8" in network_svg((1, 8, 8), [], style="lenet")
True
"""
from __future__ import annotations

import html
import math
import textwrap
from typing import Any, Sequence

from ...i18n.numbers import number

MAX_NEURONS = 10
MAX_MAPS = 6
MAX_CELLS = 16
MAX_COLUMNS = 48
STYLES = ("fcnn", "lenet")
DRAW_W = 320          # width of the drawing in SVG units (= CSS px at scale 1)
FONT = 12             # label size in SVG units
MIN_SCALE = 11 / 12   # the page never shows the drawing smaller than this: labels stay >= 11 px
PAD = 12
LEGEND_CHARS = 40     # a legend line this long fits the width at FONT size
LABEL_H = 18          # the label line above each row's drawing
GAP = 34              # room for the connections between two rows
FAMILY = {"convolution": "#3b82f6", "pooling": "#06b6d4", "core": "#22c55e", "reshape": "#a3a3a3",
          "regularization": "#f59e0b", "normalization": "#a855f7", "recurrent": "#ec4899", "structure": "#64748b",
          "input": "#94a3b8"}
ERROR = "#dc2626"
POSITIVE, NEGATIVE = "#2563eb", "#ea580c"   # weight colours (TensorFlow Playground's blue and orange)
ELEMENTWISE = ("regularization", "normalization")
# labels keep a halo of the card's colour, so connections passing behind them never cross the letters
HALO = ("<style>.ll-dlabel{paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}"
        ".body--dark .ll-dlabel{stroke:#1e293b}</style>")


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def shape_text(shape: Sequence[int] | None) -> str:
    """(16, 8, 8) -> '16×8×8'; None -> '?'."""
    return "?" if shape is None else "×".join(str(d) for d in shape) or "scalar"


def lenet_shape_text(shape: Sequence[int] | None) -> str:
    """Maps as LeNet's figure writes them: (16, 8, 8) -> '16@8×8'; others as shape_text."""
    if shape is not None and len(shape) >= 3:
        return f"{shape[0]}@{'×'.join(str(d) for d in shape[1:])}"
    return shape_text(shape)


def shown_units(n: int, limit: int = MAX_NEURONS) -> list[int]:
    """Indices of the units drawn for a layer of n units: all, or the first and last limit/2.

    >>> shown_units(3), shown_units(100, 4)
    ([0, 1, 2], [0, 1, 98, 99])
    """
    if n <= limit:
        return list(range(n))
    half = limit // 2
    return [*range(half), *range(n - half, n)]


def _blend(strength: float | None, colour: str) -> str:
    """fill-opacity for a unit of this strength (0..1); plain when there are no weights."""
    if strength is None:
        return ' fill-opacity="0.9"'
    return f' fill-opacity="{0.2 + 0.8 * max(0.0, min(1.0, strength)):.2f}"'


class _Row:
    """One layer's row: its drawing, the label line above it, and its anchors for connections."""

    def __init__(self, y: float, number: str, shape: Sequence[int] | None, colour: str, label: str, kind: str,
                 style: str, weights: dict[str, Any] | None):
        self.y, self.shape, self.colour, self.kind, self.style = y, shape, colour, kind, style
        self.weights = weights or {}
        self.strength: list[float] | None = None
        self.tops: list[tuple[float, float]] = []     # where connections from the row above end
        self.bottoms: list[tuple[float, float]] = []  # where connections to the row below start
        self.neurons = False
        self.parts: list[str] = []
        top = y + LABEL_H
        if kind == "gap":  # layers left out of the drawing: no anchors, so no connections
            self.parts.append(f'<text x="{DRAW_W / 2:.1f}" y="{top + 4:.1f}" text-anchor="middle" '
                              f'font-size="{FONT + 4}" fill="currentColor">⋯</text>')
            self.height = LABEL_H + 12
            self._label(label, "", number)
            return
        if shape is None:
            h = self._unknown(top)
        elif len(shape) == 1 and style == "fcnn":
            h = self._neurons(top, shape[0])
        elif len(shape) == 1:
            h = self._bar(top, shape[0])
        elif len(shape) >= 3:
            h = self._maps(top, shape)
        else:
            h = self._strip(top, shape)
        self.height = LABEL_H + h
        self._label(label, lenet_shape_text(shape) if style == "lenet" else shape_text(shape), number)

    def _label(self, label: str, shape: str, number: str) -> None:
        name = f"{number} {label}" if number else label
        base = self.y + FONT
        self.parts.append(f'<text x="{PAD}" y="{base:.1f}" font-size="{FONT}" font-weight="600" '
                          f'fill="currentColor" class="ll-dlabel">{_esc(name)}</text>')
        if shape:
            self.parts.append(f'<text x="{DRAW_W - PAD}" y="{base:.1f}" text-anchor="end" font-size="{FONT}" '
                              f'fill="currentColor" opacity="0.8" class="ll-dlabel">{_esc(shape)}</text>')

    def _s(self, k: int) -> float | None:
        s = self.strength
        return s[k] if s is not None and k < len(s) else None

    def _neurons(self, top: float, n: int) -> float:
        self.strength = self.weights.get("neurons")
        shown = shown_units(n)
        slots = len(shown) + (1 if n > MAX_NEURONS else 0)
        r = 8.0
        step = min(34.0, (DRAW_W - 2 * PAD - 2 * r) / max(slots - 1, 1))
        x0 = DRAW_W / 2 - step * (slots - 1) / 2
        cy = top + r + 2
        self.neurons = True
        for k in range(len(shown)):
            slot = k if n <= MAX_NEURONS or k < MAX_NEURONS // 2 else k + 1
            x = x0 + slot * step
            self.tops.append((x, cy - r))
            self.bottoms.append((x, cy + r))
            self.parts.append(f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="{r:.0f}" fill="{self.colour}"'
                              f'{_blend(self._s(k), self.colour)} stroke="currentColor" stroke-width="0.6"/>')
        if n > MAX_NEURONS:
            x = x0 + (MAX_NEURONS // 2) * step
            self.parts.append(f'<text x="{x:.1f}" y="{cy + 5:.1f}" text-anchor="middle" font-size="{FONT + 4}" '
                              f'fill="currentColor">⋯</text>')
        return 2 * r + 4

    def _bar(self, top: float, n: int) -> float:
        """A vector in LeNet style: one bar, longer for more units, in cells when coloured by weights."""
        self.strength = self.weights.get("cells")
        length = max(28.0, min(DRAW_W - 2 * PAD - 40, 24.0 + 30.0 * math.log2(max(n, 1) + 1)))
        h = 16.0
        x0 = (DRAW_W - length) / 2
        cells = len(shown_units(n, MAX_CELLS)) if self.strength is not None else 1
        w = length / cells
        for k in range(cells):
            self.parts.append(f'<rect x="{x0 + k * w:.1f}" y="{top + 2:.1f}" width="{w:.1f}" height="{h:.0f}" '
                              f'fill="{self.colour}"{_blend(self._s(k), self.colour)} stroke="currentColor" '
                              f'stroke-width="{0.3 if cells > 1 else 0.6}"/>')
        self.tops = [(x0, top + 2), (x0 + length, top + 2)]
        self.bottoms = [(x0, top + 2 + h), (x0 + length, top + 2 + h)]
        return h + 4

    def _maps(self, top: float, shape: Sequence[int]) -> float:
        self.strength = self.weights.get("maps")
        channels, h = shape[0], shape[-2]
        side = max(18.0, min(64.0, 12.0 * (h ** 0.5)))
        count = min(channels, MAX_MAPS)
        step = 7.0
        total_w = side + step * (count - 1)
        x0 = DRAW_W / 2 - total_w / 2
        y0 = top + 2
        for i in range(count):
            self.parts.append(f'<rect x="{x0 + i * step:.1f}" y="{y0 + i * step:.1f}" width="{side:.1f}" '
                              f'height="{side:.1f}" rx="2" fill="{self.colour}"{_blend(self._s(i), self.colour)} '
                              f'stroke="currentColor" stroke-width="0.6"/>')
        if channels > MAX_MAPS:
            self.parts.append(f'<text x="{x0 + total_w + 6:.1f}" y="{y0 + total_w:.1f}" font-size="{FONT}" '
                              f'fill="currentColor">…</text>')
        last = (x0 + (count - 1) * step, y0 + (count - 1) * step)
        self.tops = [(x0, y0), (x0 + side, y0)]
        self.bottoms = [(last[0], last[1] + side), (last[0] + side, last[1] + side)]
        return side + step * (count - 1) + 4

    def _strip(self, top: float, shape: Sequence[int]) -> float:
        steps = min(shape[0], MAX_NEURONS)
        w, h = 22.0, 18.0
        x0 = DRAW_W / 2 - steps * w / 2
        for i in range(steps):
            self.parts.append(f'<rect x="{x0 + i * w:.1f}" y="{top + 2:.1f}" width="{w - 3:.0f}" height="{h:.0f}" '
                              f'rx="2" fill="{self.colour}" stroke="currentColor" stroke-width="0.5"/>')
            self.tops.append((x0 + i * w + w / 2 - 1.5, top + 2))
            self.bottoms.append((x0 + i * w + w / 2 - 1.5, top + 2 + h))
        return h + 4

    def _unknown(self, top: float) -> float:
        x = DRAW_W / 2
        self.parts.append(f'<rect x="{x - 40:.1f}" y="{top + 2:.1f}" width="80" height="28" rx="4" fill="none" '
                          f'stroke="{ERROR}" stroke-dasharray="4 3" stroke-width="2"/>'
                          f'<text x="{x:.1f}" y="{top + 22:.1f}" text-anchor="middle" font-size="{FONT + 4}" '
                          f'fill="{ERROR}">?</text>')
        self.tops, self.bottoms = [(x, top + 2)], [(x, top + 30)]
        return 34


def _line(p: tuple[float, float], q: tuple[float, float], colour: str, opacity: float, width: float = 0.7) -> str:
    return (f'<line x1="{p[0]:.1f}" y1="{p[1]:.1f}" x2="{q[0]:.1f}" y2="{q[1]:.1f}" stroke="{colour}" '
            f'stroke-width="{width:.2f}" opacity="{opacity:.2f}"/>')


def _connect(a: _Row, b: _Row, one_to_one: bool, weights: dict[str, Any] | None) -> str:
    """Lines between two rows: all pairs of neurons for dense layers (coloured by their weights
    when known), pairs by position for elementwise layers, funnel lines between blocks."""
    if not a.bottoms or not b.tops:
        return ""
    colour = ERROR if b.colour == ERROR else "currentColor"
    if a.neurons and b.neurons and not one_to_one:
        matrix = (weights or {}).get("w")
        out = []
        for j, q in enumerate(b.tops):
            for i, p in enumerate(a.bottoms):
                w = matrix[j][i] if matrix is not None and j < len(matrix) and i < len(matrix[j]) else None
                if w is None or colour == ERROR:
                    out.append(_line(p, q, colour, 0.3))
                else:
                    out.append(_line(p, q, POSITIVE if w >= 0 else NEGATIVE, 0.25 + 0.75 * min(abs(w), 1.0),
                                     0.5 + 2.5 * min(abs(w), 1.0)))
        return "".join(out)
    if one_to_one and len(a.bottoms) == len(b.tops):
        return "".join(_line(p, q, colour, 0.45) for p, q in zip(a.bottoms, b.tops))
    # blocks: the outer corners of one to the outer corners of the next (a funnel)
    ends = [(a.bottoms[0], b.tops[0]), (a.bottoms[-1], b.tops[-1])] if len(a.bottoms) > 1 or len(b.tops) > 1 \
        else [(a.bottoms[0], b.tops[0])]
    return "".join(_line(p, q, colour, 0.45) for p, q in ends)


def network_svg(input_shape: Sequence[int] | None, layers: list[dict[str, Any]], title: str = "network",
                input_label: str = "input", more_label: str = "{n} more layers", style: str = "fcnn",
                weights: dict[int, dict[str, Any]] | None = None, legend: Sequence[str] = (), lang: str = "en") -> str:
    """The SVG of the network; layers: dicts with type, out_shape, family, error (bool).

    style: "fcnn" or "lenet"; weights: {layer index: {"neurons" | "cells" | "maps": [0..1 per
    drawn unit], "w": [[-1..1 per drawn pair]]}} from diagram_weights; legend: lines drawn under the picture.
    More than MAX_COLUMNS layers: the first and last ones around a gap row ("N more layers",
    or a gap dict's own "type" text)."""
    style = style if style in STYLES else "fcnn"
    numbered = list(enumerate(layers))
    if len(layers) > MAX_COLUMNS:
        head, tail = MAX_COLUMNS // 2, MAX_COLUMNS // 2 - 1
        hidden = len(layers) - head - tail
        numbered = [*numbered[:head], (-1, {"type": more_label.format(n=number(hidden, lang)), "family": "gap"}),
                    *numbered[-tail:]]
    y = float(PAD)
    rows = [_Row(y, "", input_shape, FAMILY["input"], input_label, "input", style, None)]
    lines: list[str] = []
    for i, layer in numbered:
        y += rows[-1].height + (GAP if rows[-1].kind != "gap" and layer.get("family") != "gap" else 8)
        colour = ERROR if layer.get("error") else FAMILY.get(layer.get("family", ""), "#64748b")
        w = (weights or {}).get(i) if not layer.get("error") else None
        if layer.get("family") == "gap":
            row = _Row(y, "", None, colour, layer.get("type", ""), "gap", style, None)
        else:
            row = _Row(y, f"{i + 1}.", layer.get("out_shape"), colour, layer.get("type", "?"),
                       layer.get("family", ""), style, w)
        one_to_one = layer.get("family") in ELEMENTWISE or layer.get("type") in ("activation",)
        lines.append(_connect(rows[-1], row, one_to_one, w))
        rows.append(row)
    height = y + rows[-1].height + PAD
    for text in (part for line in legend for part in textwrap.wrap(str(line), LEGEND_CHARS)):
        lines.append(f'<text x="{PAD}" y="{height + FONT:.1f}" font-size="{FONT}" fill="currentColor" '
                     f'class="ll-dlabel">{_esc(text)}</text>')
        height += FONT + 6
    if legend:
        height += PAD
    body = "".join(lines) + "".join("".join(r.parts) for r in rows)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {DRAW_W} {height:.0f}" width="{DRAW_W}" '
            f'height="{height:.0f}" role="img" aria-label="{_esc(title)}" data-style="{style}" '
            f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" '
            f'style="display:block;margin:0 auto;width:100%;height:auto;'
            f'min-width:{math.ceil(DRAW_W * MIN_SCALE)}px;max-width:{DRAW_W * 1.3:.0f}px">'
            f'<title>{_esc(title)}</title>{HALO}{body}</svg>')


def standalone_svg(svg: str) -> str:
    """The diagram as a file of its own: dark lines on a white background at its natural size."""
    svg = svg.replace('style="display:block;', 'style="color:#111827;background:#fff;display:block;', 1)
    start = svg.index("<title>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + svg[:start]
            + '<rect width="100%" height="100%" fill="#fff"/>' + svg[start:])


def from_analysis(analysis: Any, families: dict[str, str], title: str = "network",
                  bad: set[int] | frozenset[int] = frozenset(), input_label: str = "input", style: str = "fcnn") -> str:
    """The diagram of an api Analysis (rows with type, out_shape, error); `bad` marks more layers red."""
    return network_svg(analysis.input_shape, diagram_layers(analysis, families, bad), title, input_label,
                       style=style)


def diagram_layers(analysis: Any, families: dict[str, str], bad: set[int] | frozenset[int] = frozenset()
                   ) -> list[dict[str, Any]]:
    """Plain dicts for network_svg (cheap to hand to a worker thread or process)."""
    return [{"type": r.type, "out_shape": r.out_shape, "family": families.get(r.type, ""),
             "error": r.error is not None or r.index in bad} for r in analysis.rows]


def diagram_weights(network: Any, input_shape: Sequence[int] | None, layers: list[dict[str, Any]]
                    ) -> dict[int, dict[str, Any]]:
    """What colours the diagram after training, from a trained network (runs in a thread).

    For each layer with a weight matrix or filter bank, the size of the incoming weights of each
    drawn unit between the smallest (0) and the largest (1) of the layer: "neurons" (FCNN style), "cells"
    (LeNet-style bars) and "maps" (feature maps); for a dense
    layer after a vector also "w", its weights between the drawn neurons relative to the largest
    weight (-1..1), rows this layer's drawn units, columns the previous layer's."""
    out: dict[int, dict[str, Any]] = {}
    modules = list(getattr(network, "layers", []))
    prev = tuple(input_shape) if input_shape is not None else None
    for i, layer in enumerate(layers):
        shape = layer.get("out_shape")
        if i < len(modules):
            kernel = _kernel(modules[i])
            if kernel is not None and kernel.ndim >= 2 and shape:
                flat = kernel.reshape(kernel.shape[0], -1)
                norms = (flat ** 2).sum(axis=1) ** 0.5
                lo, hi = float(norms.min()), float(norms.max())
                rel = [(float(v) - lo) / (hi - lo) if hi > lo else 1.0 for v in norms]
                entry: dict[str, Any] = {"maps": rel[:MAX_MAPS],
                                         "cells": [rel[k] for k in shown_units(len(rel), MAX_CELLS)],
                                         "neurons": [rel[k] for k in shown_units(len(rel))]}
                if kernel.ndim == 2 and prev is not None and len(prev) == 1 and kernel.shape[1] == prev[0]:
                    big = float(abs(kernel).max()) or 1.0
                    cols = shown_units(kernel.shape[1])
                    entry["w"] = [[float(kernel[j, c]) / big for c in cols] for j in shown_units(kernel.shape[0])]
                out[i] = entry
        prev = tuple(shape) if shape is not None else None
    return out


def _kernel(module: Any) -> Any:
    """The main weight tensor of a layer module as numpy (dense: out×in, conv: out×in×k…), or None."""
    best = None
    for name, tensor in module.state_dict().items():
        if name.endswith("weight") and tensor.ndim >= 2 and "recurrent" not in name and "weight_hh" not in name:
            best = tensor.detach().float().cpu().numpy()
            break
    return best
