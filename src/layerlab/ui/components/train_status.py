"""The Train page's status: one line ("Training: epoch 3 of 10"), the weights kept, speed, time left and
the progress bar, all drawn in one call from one RunProgress, so they always agree.
"""
from __future__ import annotations

from typing import Any

from nicegui import ui

from ...i18n.numbers import number
from ..i18n import t
from .run_progress import RunProgress


def duration(s: float) -> str:
    """m:ss (h:mm:ss from an hour).

    >>> duration(75.4), duration(3725)
    ('1:15', '1:02:05')
    """
    s = max(0, int(round(s)))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def status_text(p: RunProgress, position: int | None, latest: str | None, lang: str | None = None) -> str:
    """The one status line, from the run's progress (and its place in the queue).

    >>> status_text(RunProgress(state="running", end_epoch=50, done=49), None, None, "en")
    'Training: epoch 50 of 50'
    >>> status_text(RunProgress(state="paused", end_epoch=5, done=1, batch=3, batches=13), None, None, "de")
    'Pausiert in Epoche 2, Batch 3 von 13'
    """
    s = p.state
    if s == "queued":
        if position:
            return t("train.queued_n", lang, n=position)
        return t("train.queued_next", lang) if position == 0 else t("train.queued", lang)
    if s == "running":
        return t("train.running", lang, epoch=max(p.epoch, 1), epochs=p.end_epoch or "…")
    if s == "paused":
        epoch, batch = p.where()
        if p.batches:
            return t("train.paused_of", lang, epoch=max(epoch, 1), batch=batch, batches=p.batches)
        return t("train.paused", lang, epoch=max(epoch, 1), batch=batch)
    if s in ("finished", "stopped"):
        return t(f"train.{s}", lang, epochs=p.done)
    if s == "failed":
        return t("train.failed", lang)
    return t("train.last", lang, run=latest) if latest else t("train.idle", lang)


def _tid(element: Any, name: str) -> Any:
    """A marker for the user tests and a data-testid for the browser tests."""
    return element.props(f'data-testid="{name}"').mark(name)


class StatusPanel:
    """Status line, kept weights, speed, time left and the bar."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.status = _tid(ui.label("").classes("text-base scroll-mt-16").props('aria-live="polite"'), "train-status")
        self.kept = ui.label("").classes("text-sm").mark("train-kept")  # best: epoch 14 of 50
        with ui.row().classes("gap-4 text-sm opacity-80"):
            self.speed = _tid(ui.label(""), "train-speed")
            self.eta = _tid(ui.label(""), "train-eta")
        self.bar = _tid(ui.linear_progress(value=0, show_value=False)
                        .props(f'rounded size=8px instant-feedback aria-label="{t("train.progress", lang)}"'),
                        "train-progress")

    def show(self, p: RunProgress, position: int | None, latest: str | None) -> None:
        """Everything from p at once."""
        self.status.set_text(status_text(p, position, latest, self.lang))
        self.bar.set_value(round(p.fraction, 4))
        eta = p.eta_s
        self.eta.set_text(t("train.eta", self.lang, eta=duration(eta)) if eta is not None else "")
        self.speed.set_text(t("train.speed", self.lang, sps=number(round(p.samples_per_s), self.lang))
                            if p.samples_per_s and p.state == "running" else "")

    def show_kept(self, note: str | None) -> None:
        """Which epoch's weights the rest of the studio uses ("best: epoch 14 of 50")."""
        self.kept.set_text(t("train.kept", self.lang, which=note) if note else "")
