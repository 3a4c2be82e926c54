"""The network diagram, drawn server-side as SVG from the analysis (no JavaScript needed).

Vectors are drawn as columns of neurons with their connections (at most MAX_NEURONS drawn
per column, the rest shown as "⋮"); images and feature maps as stacks of blocks, one per
channel up to MAX_MAPS; sequences as a strip. Layers with an error are drawn in red. A model
longer than MAX_COLUMNS layers is drawn as its first and last layers around a gap that says
how many are left out, so the SVG stays small (the Model page computes it off the event loop).

>>> svg = network_svg((4,), [{"type": "dense", "out_shape": (3,), "family": "core", "error": False}])
>>> svg.count("<circle") == 4 + 3
True
"""
from __future__ import annotations

import html
from typing import Any, Sequence

MAX_NEURONS = 8
MAX_MAPS = 6
MAX_COLUMNS = 48
COL_W, HEIGHT, TOP = 96, 250, 28
FAMILY = {"convolution": "#3b82f6", "pooling": "#06b6d4", "core": "#22c55e", "reshape": "#a3a3a3",
          "regularization": "#f59e0b", "normalization": "#a855f7", "recurrent": "#ec4899", "structure": "#64748b",
          "input": "#94a3b8"}
ERROR = "#dc2626"
ELEMENTWISE = ("regularization", "normalization")


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def shape_text(shape: Sequence[int] | None) -> str:
    """(16, 8, 8) -> '16×8×8'; None -> '?'."""
    return "?" if shape is None else "×".join(str(d) for d in shape) or "scalar"


def _neuron_ys(n: int) -> list[float | None]:
    """Y positions of the drawn neurons, top to bottom; None marks the "⋮" between them."""
    big = n > MAX_NEURONS
    k = MAX_NEURONS + 1 if big else n
    gap = min(24.0, (HEIGHT - TOP - 50) / max(k - 1, 1))
    y0 = TOP + (HEIGHT - TOP - 40 - gap * (k - 1)) / 2
    ys: list[float | None] = [y0 + i * gap for i in range(k)]
    if big:
        ys[MAX_NEURONS // 2] = None
    return ys


class _Col:
    """One column of the drawing: its anchor points for connections and its SVG."""

    def __init__(self, x: float, shape: Sequence[int] | None, colour: str, label: str, kind: str):
        self.x, self.shape, self.colour, self.label, self.kind = x, shape, colour, label, kind
        self.points: list[tuple[float, float]] = []
        self.parts: list[str] = []
        if kind == "gap":  # layers left out of the drawing: no anchor points, so no connections
            self.parts.append(f'<text x="{x:.1f}" y="{TOP + 100}" text-anchor="middle" font-size="22" '
                              f'fill="currentColor">⋯</text>')
            shape = ()
        elif shape is None:
            self._unknown()
        elif len(shape) == 1:
            self._neurons(shape[0])
        elif len(shape) >= 3:
            self._maps(shape)
        else:
            self._strip(shape)
        self.parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 14}" text-anchor="middle" font-size="11" '
                          f'fill="currentColor">{_esc(label)}</text>')
        if kind != "gap":
            self.parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 1}" text-anchor="middle" font-size="10" '
                              f'fill="currentColor" opacity="0.75">{_esc(shape_text(shape))}</text>')

    def _neurons(self, n: int) -> None:
        for y in _neuron_ys(n):
            if y is None:
                continue
            self.points.append((self.x, y))
            self.parts.append(f'<circle cx="{self.x:.1f}" cy="{y:.1f}" r="7" fill="{self.colour}" '
                              f'stroke="currentColor" stroke-width="0.6"/>')
        if n > MAX_NEURONS:
            above = _neuron_ys(n)[MAX_NEURONS // 2 - 1] or 0.0
            self.parts.append(f'<text x="{self.x:.1f}" y="{above + 28:.1f}" text-anchor="middle" font-size="16" '
                              f'fill="currentColor">⋮</text>')

    def _maps(self, shape: Sequence[int]) -> None:
        channels, h = shape[0], shape[-2]
        side = max(18.0, min(70.0, 14.0 * (h ** 0.5)))
        count = min(channels, MAX_MAPS)
        step = 7.0
        total = side + step * (count - 1)
        x0 = self.x - total / 2
        y0 = TOP + (HEIGHT - TOP - 40 - total) / 2
        for i in range(count):
            self.parts.append(f'<rect x="{x0 + i * step:.1f}" y="{y0 + i * step:.1f}" width="{side:.1f}" '
                              f'height="{side:.1f}" rx="2" fill="{self.colour}" fill-opacity="0.85" '
                              f'stroke="currentColor" stroke-width="0.6"/>')
        if channels > MAX_MAPS:
            self.parts.append(f'<text x="{x0 + total + 4:.1f}" y="{y0 + total:.1f}" font-size="12" '
                              f'fill="currentColor">…</text>')
        last = (x0 + (count - 1) * step, y0 + (count - 1) * step)
        self.points = [(last[0], last[1]), (last[0] + side, last[1]), (last[0], last[1] + side),
                       (last[0] + side, last[1] + side)]

    def _strip(self, shape: Sequence[int]) -> None:
        steps = min(shape[0], MAX_NEURONS)
        w, h = 36.0, 16.0
        y0 = TOP + (HEIGHT - TOP - 40 - steps * h) / 2
        for i in range(steps):
            self.parts.append(f'<rect x="{self.x - w / 2:.1f}" y="{y0 + i * h:.1f}" width="{w}" height="{h - 2}" '
                              f'rx="2" fill="{self.colour}" stroke="currentColor" stroke-width="0.5"/>')
            self.points.append((self.x, y0 + i * h + h / 2))

    def _unknown(self) -> None:
        y = TOP + 60
        self.parts.append(f'<rect x="{self.x - 22:.1f}" y="{y}" width="44" height="80" rx="4" fill="none" '
                          f'stroke="{ERROR}" stroke-dasharray="4 3" stroke-width="2"/>'
                          f'<text x="{self.x:.1f}" y="{y + 46}" text-anchor="middle" font-size="18" '
                          f'fill="{ERROR}">?</text>')
        self.points = [(self.x, y + 40)]


def _connect(a: _Col, b: _Col, one_to_one: bool) -> str:
    """Lines between two columns: all pairs for dense layers, pairs by position for elementwise ones."""
    if not a.points or not b.points:
        return ""
    colour = ERROR if b.colour == ERROR else "currentColor"
    pairs: list[tuple[tuple[float, float], tuple[float, float]]]
    if one_to_one and len(a.points) == len(b.points):
        pairs = list(zip(a.points, b.points))
    else:
        pairs = [(p, q) for p in a.points for q in b.points]
    opacity = 0.45 if len(pairs) < 20 else 0.22
    return "".join(f'<line x1="{p[0]:.1f}" y1="{p[1]:.1f}" x2="{q[0]:.1f}" y2="{q[1]:.1f}" stroke="{colour}" '
                   f'stroke-width="0.7" opacity="{opacity}"/>' for p, q in pairs)


def network_svg(input_shape: Sequence[int] | None, layers: list[dict[str, Any]], title: str = "network",
                input_label: str = "input", more_label: str = "{n} more layers") -> str:
    """The SVG of the network; layers: dicts with type, out_shape, family, error (bool).

    More than MAX_COLUMNS layers: the first and last ones around a gap column ("N more layers",
    or a gap dict's own "type" text)."""
    if len(layers) > MAX_COLUMNS:
        head, tail = MAX_COLUMNS // 2, MAX_COLUMNS // 2 - 1
        hidden = len(layers) - head - tail
        layers = [*layers[:head], {"type": more_label.format(n=f"{hidden:,}"), "family": "gap"}, *layers[-tail:]]
    n = len(layers) + 1
    width = max(COL_W * n, 200)
    cols = [_Col(COL_W / 2, input_shape, FAMILY["input"], input_label, "input")]
    lines: list[str] = []
    for i, layer in enumerate(layers):
        colour = ERROR if layer.get("error") else FAMILY.get(layer.get("family", ""), "#64748b")
        col = _Col(COL_W * (i + 1.5), layer.get("out_shape"), colour, layer.get("type", "?"), layer.get("family", ""))
        if layer.get("family") == "gap":
            col = _Col(COL_W * (i + 1.5), None, colour, layer.get("type", ""), "gap")
        lines.append(_connect(cols[-1], col, layer.get("family") in ELEMENTWISE or layer.get("type") in ("activation",)))
        cols.append(col)
    body = "".join(lines) + "".join("".join(c.parts) for c in cols)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {HEIGHT}" width="{width}" '
            f'height="{HEIGHT}" role="img" aria-label="{_esc(title)}" '
            f'style="width:100%;height:auto;min-width:{48 * n}px;max-width:{width * 1.4:.0f}px">'
            f'<title>{_esc(title)}</title>{body}</svg>')


def from_analysis(analysis: Any, families: dict[str, str], title: str = "network",
                  bad: set[int] | frozenset[int] = frozenset(), input_label: str = "input") -> str:
    """The diagram of an api Analysis (rows with type, out_shape, error); `bad` marks more layers red."""
    return network_svg(analysis.input_shape, diagram_layers(analysis, families, bad), title, input_label)


def diagram_layers(analysis: Any, families: dict[str, str], bad: set[int] | frozenset[int] = frozenset()
                   ) -> list[dict[str, Any]]:
    """Plain dicts for network_svg (cheap to hand to a worker thread or process)."""
    return [{"type": r.type, "out_shape": r.out_shape, "family": families.get(r.type, ""),
             "error": r.error is not None or r.index in bad} for r in analysis.rows]
