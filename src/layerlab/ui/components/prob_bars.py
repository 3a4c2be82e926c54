"""Class probability bars (or the predicted value for regression) for the Test page.

Classes keep their order so a bar does not jump around between predictions; the most likely
class is coloured and named in the headline. With many classes only the most likely are shown.

>>> top_rows(["a", "b", "c"], [0.2, 0.7, 0.1], limit=2)
[(1, 'b', 0.7), (0, 'a', 0.2)]
"""
from __future__ import annotations

from typing import Sequence

from nicegui import ui

from ...i18n.numbers import number
from ..i18n import t


MAX_ROWS = 12


def top_rows(classes: Sequence[str], probs: Sequence[float], limit: int = MAX_ROWS) -> list[tuple[int, str, float]]:
    """(index, class, probability) rows to show: all in class order, or the `limit` most likely."""
    rows = [(i, str(c), float(p)) for i, (c, p) in enumerate(zip(classes, probs))]
    if len(rows) <= limit:
        return rows
    return sorted(rows, key=lambda r: -r[2])[:limit]


def percent(p: float, lang: str | None = None) -> str:
    """A probability as a percentage people read easily ('93.1 %', '<0.1 %'; German '93,1 %')."""
    pct = 100.0 * p
    return f"<{number(0.1, lang, digits=1)} %" if 0 < pct < 0.05 else f"{number(pct, lang, digits=1)} %"


class ProbBars:
    """A column of labelled bars; call show() with probabilities or show_values() for regression."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = lang  # event handlers run outside the page's language context: keep it here
        with ui.column().classes("w-full gap-1 ll-server-answer").props('aria-live="polite"') as self.box:
            self.headline = ui.label(t("bars.none", lang)).classes("text-lg font-medium").mark("prediction")
            self.rows = ui.column().classes("w-full gap-1")
        self.last: list[float] | None = None

    def show(self, classes: Sequence[str], probs: Sequence[float]) -> None:
        """Draw one bar per class (the most likely highlighted)."""
        probs = [float(p) for p in probs]
        self.last = probs
        if not probs:
            self.clear()
            return
        best = max(range(len(probs)), key=probs.__getitem__)
        self.headline.set_text(t("bars.prediction", self.lang, label=classes[best], pct=percent(probs[best], self.lang)))
        self.rows.clear()
        with self.rows:
            for i, name, p in top_rows(classes, probs):
                colour = "bg-primary" if i == best else "bg-grey-5"
                with ui.row().classes("w-full items-center no-wrap gap-2").props(
                        f'role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{100 * p:.0f}" '
                        f'aria-label="{name}"'):
                    ui.label(name).classes("w-20 shrink-0 truncate text-right").tooltip(name)
                    with ui.element("div").classes("grow h-4 rounded bg-grey-3 overflow-hidden"):
                        ui.element("div").classes(f"h-full {colour}").style(f"width: {100 * p:.1f}%")
                    ui.label(percent(p, self.lang)).classes("w-16 shrink-0 text-right tabular-nums")
            hidden = len(probs) - MAX_ROWS
            if hidden > 0:
                ui.label(t("bars.more", self.lang, n=hidden)).classes("text-xs opacity-70")

    def show_values(self, names: Sequence[str], values: Sequence[float]) -> None:
        """Regression: the predicted value of each target."""
        self.last = [float(v) for v in values]
        self.headline.set_text(t("bars.value", self.lang))
        self.rows.clear()
        with self.rows:
            for name, v in zip(names, values):
                with ui.row().classes("items-baseline gap-2"):
                    ui.label(str(name)).classes("opacity-70")
                    ui.label(number(float(v), self.lang, significant=4)).classes("text-2xl font-medium tabular-nums")

    def clear(self) -> None:
        """Back to 'no prediction yet'."""
        self.last = None
        self.headline.set_text(t("bars.none", self.lang))
        self.rows.clear()
