"""Live training curves (ECharts): loss per batch and per epoch, metrics per epoch, and the
curves of earlier runs overlaid (dashed, faded) for comparison.

`Curves` holds the numbers and builds chart options without any UI, so it is tested on its
own; `TrainingCharts` puts two charts on the page and redraws only when something changed.

>>> c = Curves()
>>> c.add_batch(1, 5, 10, 2.0); c.add_epoch(1, {"loss": 1.5, "val_loss": 1.7, "accuracy": 0.6})
>>> c.batch_points, c.epoch_series["val_loss"]
([[0.5, 2.0]], [[1, 1.7]])
>>> [s["name"] for s in loss_options(c)["series"]]
['loss (batch)', 'loss', 'val_loss']
>>> sorted(Curves.from_history([{"epoch": 1, "loss": 1.0, "accuracy": 0.5, "lr": 0.1, "samples_per_s": 9e3}]).epoch_series)
['accuracy', 'loss']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nicegui import ui

from .chart_numbers import localized

from ..i18n import known, t




def metric_label(name: str, lang: str | None = None) -> str:
    """A metric's name for the legend: 'val_accuracy' stays in English, is 'Genauigkeit (Validierung)' in German.

    >>> metric_label("val_accuracy", "de"), metric_label("val_accuracy", "en"), metric_label("loss", "de")
    ('Genauigkeit (Validierung)', 'val_accuracy', 'Verlust')
    """
    if (lang or "en") != "de":
        return name
    base = name[4:] if name.startswith("val_") else name
    key = f"metric.{base}"  # German names in studio.po; English keeps the names the history and CSV use
    label = t(key, "de") if known(key) else base
    return t("charts.validation", "de", name=label) if name.startswith("val_") else label

# what a saved history row also holds besides losses and metrics: not a curve of the model's quality
NOT_CURVES = frozenset({"epoch", "lr", "samples_per_s", "elapsed_s", "epoch_s"})
MAX_BATCH_POINTS = 400  # beyond this every other point is dropped: the chart stays fast
GRID_LINE = {"lineStyle": {"color": "rgba(128, 128, 128, 0.25)"}}  # readable on light and dark pages
COLOURS = ["#5470c6", "#ee6666", "#91cc75", "#fac858", "#73c0de", "#3ba272", "#fc8452", "#9a60b4"]


@dataclass
class Curves:
    """Points of one run: per-batch loss (x in fractional epochs) and per-epoch metrics."""

    batch_points: list[list[float]] = field(default_factory=list)
    epoch_series: dict[str, list[list[float]]] = field(default_factory=dict)
    stride: int = 1
    _skipped: int = 0

    def add_batch(self, epoch: int, batch: int, batches: int, loss: float) -> None:
        """A per-batch loss; thinned so a long run keeps at most MAX_BATCH_POINTS."""
        self._skipped += 1
        if self._skipped < self.stride:
            return
        self._skipped = 0
        self.batch_points.append([round(epoch - 1 + batch / max(batches, 1), 4), _num(loss)])
        if len(self.batch_points) > MAX_BATCH_POINTS:
            self.batch_points = self.batch_points[::2]
            self.stride *= 2

    def add_epoch(self, epoch: int, metrics: dict[str, float]) -> None:
        """Flat epoch metrics (loss, val_loss, accuracy, val_accuracy, ...)."""
        for name, value in metrics.items():
            series = self.epoch_series.setdefault(name, [])
            series[:] = [p for p in series if p[0] != epoch]  # a continued run may repeat an epoch
            series.append([epoch, _num(value)])

    @classmethod
    def from_history(cls, history: list[dict[str, Any]]) -> "Curves":
        """Curves of a finished run from its per-epoch history rows ({'epoch': 1, 'loss': ...})."""
        c = cls()
        for i, row in enumerate(history, start=1):
            c.add_epoch(int(row.get("epoch", i)), {k: v for k, v in row.items()
                                                   if k not in NOT_CURVES and isinstance(v, (int, float))})
        return c

    @property
    def metric_names(self) -> list[str]:
        """Epoch metrics other than the losses, training first then validation."""
        names = [n for n in self.epoch_series if "loss" not in n]
        return sorted(names, key=lambda n: (n.startswith("val_"), n))

    def empty(self) -> bool:
        return not self.batch_points and not self.epoch_series


def with_gaps(points: list[list[float]], gap: float = 1.0) -> list[list[float | None]]:
    """Batch points with a break (a None, which ECharts leaves undrawn) where more than `gap` epochs lie between
    two: a fast run reports few batches (the events are throttled), and one straight line from an early batch
    to a late one drew a fall the run never had.

    >>> with_gaps([[0.5, 0.9], [0.75, 0.8], [13.5, 0.01]])
    [[0.5, 0.9], [0.75, 0.8], [7.125, None], [13.5, 0.01]]
    """
    out: list[list[float | None]] = []
    for x, y in points:
        if out and x - out[-1][0] > gap:
            out.append([round((x + out[-1][0]) / 2, 4), None])
        out.append([x, y])
    return out


def _num(v: Any) -> float | None:
    """JSON-safe number (NaN and infinity become gaps, which ECharts shows as breaks)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return round(f, 6) if f == f and abs(f) != float("inf") else None


def _base(title: str, lang: str | None, y_name: str = "") -> dict[str, Any]:
    return localized({
        "animation": False,
        "backgroundColor": "transparent",
        "color": COLOURS,
        "title": {"text": title, "left": 0, "textStyle": {"fontSize": 13, "color": "#888"}},
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 0, "right": 0, "left": 70, "textStyle": {"color": "#888"}},
        "grid": {"left": 48, "right": 12, "top": 40, "bottom": 30},
        "xAxis": {"type": "value", "name": t("charts.epoch", lang), "nameLocation": "middle", "nameGap": 22,
                  "min": 0, "minInterval": 1, "axisLabel": {"color": "#888"}, "splitLine": GRID_LINE},
        "yAxis": {"type": "value", "scale": True, "axisLabel": {"color": "#888"}, "splitLine": GRID_LINE,
                  "name": y_name, "nameLocation": "middle", "nameGap": 36, "nameTextStyle": {"color": "#888"}},
        "series": [],
    }, lang)


def _line(name: str, data: list, *, colour: str | None = None, dashed: bool = False, thin: bool = False,
          symbols: bool = True, faded: bool = False) -> dict[str, Any]:
    style: dict[str, Any] = {"width": 1 if thin else 2, "type": "dashed" if dashed else "solid"}
    if faded:
        style["opacity"] = 0.45
    s = {"name": name, "type": "line", "data": data, "showSymbol": symbols and not thin, "symbolSize": 5,
         "lineStyle": style, "connectNulls": False}
    if colour:
        s["itemStyle"] = {"color": colour}
    return s


def loss_options(current: Curves, overlays: dict[str, Curves] | None = None, lang: str | None = None) -> dict[str, Any]:
    """Options of the loss chart: batch loss, epoch loss and validation loss, earlier runs dashed."""
    opts = _base(t("charts.loss", lang), lang, metric_label("loss", lang))
    series = opts["series"]
    if current.batch_points:
        series.append(_line(f"{metric_label('loss', lang)} {t('charts.batch', lang)}", with_gaps(current.batch_points),
                            colour="#9fb4e8", thin=True))
    for name, colour in (("loss", COLOURS[0]), ("val_loss", COLOURS[1])):
        if name in current.epoch_series:
            series.append(_line(metric_label(name, lang), current.epoch_series[name], colour=colour))
    for run, curves in (overlays or {}).items():
        for name in ("loss", "val_loss"):
            if name in curves.epoch_series:
                series.append(_line(f"{t('charts.run', lang, run=run)} {metric_label(name, lang)}",
                                    curves.epoch_series[name], dashed=True, faded=True))
    return opts


def metric_options(current: Curves, overlays: dict[str, Curves] | None = None, lang: str | None = None) -> dict[str, Any]:
    """Options of the metrics chart (accuracy, val_accuracy, ...), earlier runs dashed."""
    opts = _base(t("charts.metrics", lang), lang, t("charts.value", lang))
    for name in current.metric_names:
        opts["series"].append(_line(metric_label(name, lang), current.epoch_series[name]))
    for run, curves in (overlays or {}).items():
        for name in curves.metric_names:
            if name.startswith("val_") or f"val_{name}" not in curves.epoch_series:
                opts["series"].append(_line(f"{t('charts.run', lang, run=run)} {metric_label(name, lang)}",
                                            curves.epoch_series[name], dashed=True, faded=True))
    return opts


class TrainingCharts:
    """The loss and metrics charts on the Train page; `redraw()` pushes only when changed."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = lang
        self.curves = Curves()
        self.overlays: dict[str, Curves] = {}
        self.dirty = False
        with ui.element("div").classes("w-full grid gap-2 grid-cols-1 lg:grid-cols-2"):
            self.loss_chart = ui.echart(loss_options(self.curves, lang=lang)).classes("w-full h-64").mark("loss-chart")
            self.metric_chart = ui.echart(metric_options(self.curves, lang=lang)).classes("w-full h-64").mark("metric-chart")

    def reset(self) -> None:
        """Start an empty run."""
        self.curves = Curves()
        self.dirty = True

    def set_overlays(self, overlays: dict[str, Curves]) -> None:
        """Earlier runs to draw dashed behind the current one."""
        self.overlays = overlays
        self.dirty = True

    def redraw(self) -> None:
        """Send new options to the browser if anything changed since the last call."""
        if not self.dirty:
            return
        self.dirty = False
        self.loss_chart.options.clear()
        self.loss_chart.options.update(loss_options(self.curves, self.overlays, self.lang))
        self.metric_chart.options.clear()
        self.metric_chart.options.update(metric_options(self.curves, self.overlays, self.lang))
        self.loss_chart.update()
        self.metric_chart.update()

    @property
    def points(self) -> int:
        """Points drawn for the current run (batch and epoch), for tests and status text."""
        return len(self.curves.batch_points) + sum(len(v) for v in self.curves.epoch_series.values())
