"""Drawing helpers for the inspect views: matplotlib figures without pyplot (no global
state, thread-safe, no display), saved as PNG bytes.

Every word put on a figure goes through `localize`: a `Text` from `msg(...)` is drawn in the
current language (`layerlab.i18n.current_lang`, set by `ViewResult.png(lang)`), a plain str
(a class name, a number, LaTeX) as it is.

>>> import numpy as np
>>> fig = new_figure(1, 1)
>>> heatmap(fig.axes[0], np.eye(3), "identity")
>>> to_png(fig)[:4]
b'\\x89PNG'
"""
from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..i18n import localize

if TYPE_CHECKING:   # matplotlib itself loads with the first figure (0.6 s that `import layerlab` does not pay)
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

CMAP_DIVERGING = "RdBu_r"
CMAP_SEQUENTIAL = "viridis"
CLASS_COLORS = "tab10"


def new_figure(rows: int, cols: int, cell: float = 2.4, squeeze_height: float = 1.0,
               layout: str | None = "constrained") -> Figure:
    """A figure with a rows x cols grid of axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg   # start-up time (see the imports)
    from matplotlib.figure import Figure
    fig = Figure(figsize=(max(3.0, cols * cell), max(2.0, rows * cell * squeeze_height)), dpi=100,
                 layout=layout)
    FigureCanvasAgg(fig)
    fig.subplots(rows, cols, squeeze=False)
    return fig


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def np_(t: Any) -> np.ndarray:
    """A numpy array from a tensor or array-like."""
    if hasattr(t, "detach"):
        t = t.detach().cpu().numpy()
    return np.asarray(t, dtype=float)


def image(ax: Axes, img: Any, title: str = "", cmap: str = "gray", vmin=None, vmax=None) -> None:
    """Show one image: (H, W), (1, H, W) or (3, H, W) channels-first."""
    a = np_(img)
    if a.ndim == 3 and a.shape[0] in (1, 3):
        a = a[0] if a.shape[0] == 1 else np.clip(np.moveaxis(a, 0, -1), 0, 1)
    elif a.ndim == 3:
        a = a.mean(axis=0)
    elif a.ndim == 1:
        a = a[None, :]
    ax.imshow(a, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_title(localize(title), fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])


def overlay(ax: Axes, img: Any, heat: Any, title: str = "", alpha: float = 0.55) -> None:
    """A heat map (H, W) over a grey version of the input image."""
    image(ax, img, title)
    ax.imshow(np_(heat), cmap="jet", alpha=alpha, interpolation="bilinear")


def tiles(fig: Figure, maps: Any, title: str = "", cmap: str = "viridis", max_tiles: int = 64) -> None:
    """Channels (C, H, W) as a grid of small images in a fresh figure's single axes area."""
    a = np_(maps)[:max_tiles]
    n = a.shape[0]
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    fig.clear()
    axes = fig.subplots(rows, cols, squeeze=False)
    lo, hi = float(a.min()), float(a.max())
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k < n:
            ax.imshow(a[k], cmap=cmap, vmin=lo, vmax=hi if hi > lo else lo + 1, interpolation="nearest")
            ax.set_title(str(k), fontsize=6)
    if title:
        suptitle(fig, title, fontsize=9)


def suptitle(fig: Figure, title: str, fontsize: float = 9) -> None:
    """A title over the whole figure."""
    fig.suptitle(localize(title), fontsize=fontsize)


def bars(ax: Axes, values: Any, title: str = "", labels: Sequence[str] | None = None, highlight: int | None = None) -> None:
    """Bars for a flat vector, optionally labelled and with one bar highlighted."""
    v = np_(values).ravel()
    colors = ["#1f77b4"] * len(v)
    if highlight is not None and 0 <= highlight < len(v):
        colors[highlight] = "#d62728"
    ax.bar(np.arange(len(v)), v, color=colors)
    ax.set_title(localize(title), fontsize=8)
    if labels is not None and len(labels) == len(v) and len(v) <= 20:
        ax.set_xticks(np.arange(len(v)), [localize(s) for s in labels], rotation=45, fontsize=6)
    ax.tick_params(labelsize=6)


def histogram(ax: Axes, counts: Sequence[int], edges: Sequence[float], title: str = "", color: str = "#1f77b4") -> None:
    """A histogram from counts and bin edges."""
    e = np.asarray(edges, dtype=float)
    ax.bar(e[:-1], counts, width=np.diff(e), align="edge", color=color, edgecolor="none")
    ax.set_title(localize(title), fontsize=8)
    ax.tick_params(labelsize=6)


def heatmap(ax: Axes, m: Any, title: str = "", labels: Sequence[str] | None = None, annotate: bool = True,
            cmap: str = CMAP_SEQUENTIAL, vmin=None, vmax=None, xlabel: str = "", ylabel: str = "") -> None:
    """A matrix as coloured cells, with the numbers written in when it is small."""
    a = np_(m)
    ax.imshow(a, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_title(localize(title), fontsize=9)
    if labels is not None:
        names = [localize(s) for s in labels]
        ax.set_xticks(np.arange(len(names)), names, rotation=45, fontsize=7)
        ax.set_yticks(np.arange(len(names)), names, fontsize=7)
    if annotate and a.size <= 400:
        mid = (np.nanmax(a) + np.nanmin(a)) / 2 if a.size else 0
        for (r, c), v in np.ndenumerate(a):
            text = f"{int(v)}" if float(v).is_integer() else f"{v:.2f}"
            ax.text(c, r, text, ha="center", va="center", fontsize=6, color="white" if v < mid else "black")
    ax.set_xlabel(localize(xlabel), fontsize=8)
    ax.set_ylabel(localize(ylabel), fontsize=8)


def scatter(ax: Axes, xy: Any, colors: Sequence[int], title: str = "", names: Sequence[str] | None = None,
            marker_true: Sequence[int] | None = None) -> None:
    """2-D points coloured by class; a red ring marks points whose label differs from their colour."""
    p = np_(xy)
    c = np.asarray(colors)
    sc = ax.scatter(p[:, 0], p[:, 1], c=c, cmap=CLASS_COLORS, vmin=0, vmax=9, s=10)
    if marker_true is not None:
        wrong = np.asarray(marker_true) != c
        ax.scatter(p[wrong, 0], p[wrong, 1], facecolors="none", edgecolors="red", s=30, linewidths=0.8)
    ax.set_title(localize(title), fontsize=9)
    ax.tick_params(labelsize=6)
    if names:
        handles = [ax.scatter([], [], color=sc.cmap(sc.norm(k)), s=10) for k in range(min(len(names), 10))]
        ax.legend(handles, [localize(s) for s in list(names)[:10]], fontsize=6, loc="best")


def lines(ax: Axes, rows: Any, title: str = "", xlabel: str = "", ylabel: str = "", xs: Any = None) -> None:
    """Each row of rows (K, T) as a line over T steps (or over xs); the steps are whole numbers,
    so the x axis only ticks whole numbers."""
    from matplotlib.ticker import MaxNLocator
    a = np_(rows)
    for r in np.atleast_2d(a):
        ax.plot(np.arange(1, len(r) + 1) if xs is None else list(xs)[:len(r)], r, linewidth=1)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(localize(title), fontsize=9)
    ax.set_xlabel(localize(xlabel), fontsize=8)
    ax.set_ylabel(localize(ylabel), fontsize=8)
    ax.tick_params(labelsize=6)


def text(ax: Axes, lines_: Sequence[str], title: str = "") -> None:
    """Lines of text in an empty axes (for math or notes)."""
    ax.set_axis_off()
    ax.set_title(localize(title), fontsize=9)
    for k, line in enumerate(lines_):
        ax.text(0.0, 1.0 - (k + 1) / (len(lines_) + 1), localize(line), fontsize=8, va="center", ha="left",
                transform=ax.transAxes)
