"""The Train page's per-epoch panels: validation samples with predicted labels (right green,
wrong red), the confusion matrix and the decision-boundary picture. Each has `show(evaluation)`.
"""
from __future__ import annotations

from nicegui import ui

from ...api_data import row_text
from ...i18n.numbers import number, percent
from ..i18n import t
from .evaluation import Evaluation


RIGHT, WRONG = "#15803d", "#b91c1c"


def _fmt(v, lang: str | None = None) -> str:
    if isinstance(v, list):
        return ", ".join(number(x, lang, significant=3) for x in v)
    return str(v)


class SampleGrid:
    """Up to 16 validation samples, each with its true and predicted label."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        with ui.column().classes("w-full gap-1"):
            ui.label(t("ep.samples", lang)).classes("text-sm font-medium opacity-80")
            self.summary = ui.label(t("ep.waiting", lang)).classes("text-xs opacity-70").mark("val-summary")
            self.box = ui.element("div").classes("w-full grid gap-2 grid-cols-4 sm:grid-cols-8").mark("val-grid")

    def show(self, ev: Evaluation) -> None:
        """Redraw the grid from one epoch's evaluation."""
        if ev.accuracy is not None:
            wrong = t("ep.wrong_first", self.lang) if any(s.get("ok") is False for s in ev.samples) else ""
            right = t("ep.accuracy", self.lang, pct=percent(ev.accuracy, self.lang))
            self.summary.set_text(f"{right}. {wrong}" if wrong else right)
        elif ev.samples:   # numbers (regression): how to read the grid, not "shown after the first epoch"
            self.summary.set_text(t("ep.values_help", self.lang))
        self.box.clear()
        with self.box:
            for s in ev.samples:
                ok = s.get("ok")
                colour = RIGHT if ok else WRONG if ok is False else "#64748b"
                text = (t("ep.right", self.lang, label=s["label"]) if ok else
                        t("ep.wrong", self.lang, pred=_fmt(s["predicted"], self.lang),
                          label=_fmt(s["label"], self.lang)))
                with ui.column().classes("items-center gap-0 p-1 rounded").style(
                        f"border: 2px solid {colour}").props(f'aria-label="{text}"'):
                    if "image_url" in s:
                        ui.image(s["image_url"]).classes("w-12 h-12").style("image-rendering: pixelated") \
                            .props(f'fit="contain" no-spinner no-transition alt="{text}"')
                    elif s.get("values") is not None:
                        ui.label(row_text(s["values"], self.lang, limit=3)).classes(
                            "text-xs opacity-80 text-center break-words").mark("val-values")
                    ui.label(_fmt(s["predicted"], self.lang)).classes("text-sm font-bold text-center") \
                        .style(f"color: {colour}").mark("val-prediction-ok" if ok else "val-prediction-wrong")
                    if ok is not True:  # wrong, or a number: what it really is, under what was predicted
                        ui.label(t("ep.is", self.lang, label=_fmt(s["label"], self.lang))) \
                            .classes("text-xs text-center").mark("val-true")


def _luminance(rgb: tuple[float, float, float]) -> float:
    lin = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def cell_ink(rgb: str, alpha: float) -> str:
    """White or black text, whichever reads better (WCAG contrast) on rgb at alpha over white.

    >>> cell_ink("21,128,61", 1.0), cell_ink("21,128,61", 0.6), cell_ink("185,28,28", 0.9), cell_ink("185,28,28", 0.1)
    ('white', 'black', 'white', 'inherit')
    """
    if alpha < 0.3:
        return "inherit"  # nearly the page's own background: the page's text colour (also in dark mode)
    bg = tuple(alpha * float(c) + (1 - alpha) * 255 for c in rgb.split(","))
    lum = _luminance(bg)  # type: ignore[arg-type]
    return "white" if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) else "black"


class ConfusionTable:
    """Rows: true class; columns: predicted class; the diagonal is right."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        with ui.column().classes("w-full gap-1"):
            ui.label(t("ep.confusion", lang)).classes("text-sm font-medium opacity-80")
            self.box = ui.element("div").classes("w-full overflow-x-auto").mark("confusion")
            with self.box:
                ui.label(t("ep.waiting", lang)).classes("text-xs opacity-70")

    def show(self, ev: Evaluation) -> None:
        """Redraw the matrix (hidden for regression or too many classes)."""
        self.box.clear()
        if ev.confusion is None or not ev.classes:
            return
        m = ev.confusion
        top = max(1, max(max(r) for r in m))
        with self.box:
            with ui.element("table").classes("text-xs border-collapse"):
                with ui.element("tr"):
                    ui.element("th")
                    with ui.element("th").classes("p-1 opacity-70").props(f'colspan="{len(m)}" scope="colgroup"'):
                        ui.label(t("ep.predicted", self.lang) + " →")
                with ui.element("tr"):
                    with ui.element("th").classes("p-1 opacity-70 text-left"):
                        ui.label(t("ep.true", self.lang) + " ↓")
                    for c in ev.classes:
                        with ui.element("th").classes("p-1 font-medium").props('scope="col"'):
                            ui.label(str(c))
                for i, row in enumerate(m):
                    with ui.element("tr"):
                        with ui.element("th").classes("p-1 font-medium text-right").props('scope="row"'):
                            ui.label(str(ev.classes[i]))
                        for j, v in enumerate(row):
                            alpha = 0.12 + 0.88 * v / top if v else 0.0
                            rgb = "21,128,61" if i == j else "185,28,28"
                            with ui.element("td").classes("p-1 text-center tabular-nums min-w-[2rem]").style(
                                    f"background: rgba({rgb},{alpha:.2f}); color: {cell_ink(rgb, alpha)}"):
                                ui.label(str(v))


class BoundaryImage:
    """The decision-boundary heat map (2-D points only)."""

    def __init__(self, lang: str) -> None:
        with ui.column().classes("gap-1"):
            ui.label(t("ep.boundary", lang)).classes("text-sm font-medium opacity-80")
            self.waiting = ui.label(t("ep.waiting", lang)).classes("text-xs opacity-70")
            self.image = ui.image().classes("w-[280px] max-w-full aspect-square rounded").props(
                'no-spinner no-transition fit="contain" data-testid="train-boundary"').mark("boundary")
            self.image.set_visibility(False)  # no empty square before the first epoch
            ui.label(t("ep.boundary_help", lang)).classes("text-xs opacity-70 max-w-[280px]")

    def show(self, ev: Evaluation) -> None:
        if ev.boundary_url:
            self.show_url(ev.boundary_url)

    def show_url(self, url: str) -> None:
        """Show one picture (after an epoch, or live after a batch in slow motion or a Step)."""
        self.image.set_source(url)
        self.image.set_visibility(True)
        self.waiting.set_visibility(False)
