"""The Train page's buttons: Train, Pause, Continue, Step, Stop, Train more, and the slow-motion switch.

Step trains one batch and pauses again (from idle it starts a run that way); slow motion waits
`SLOW_PACE_S` after every batch and has the network's weights shared after each, so the decision
boundary is redrawn many times while it forms (as in TensorFlow Playground). Neither holds a
training slot while it waits: the scheduler gives the slot back at every pause.
"""
from __future__ import annotations

from typing import Any, Callable

from nicegui import ui

from ..i18n import t

SLOW_PACE_S = 0.15  # seconds after each batch in slow motion: the spiral (13 batches an epoch) forms in 15-20 s


def _attr(text: str) -> str:
    """Text for a quoted HTML attribute."""
    return text.replace("&", "&amp;").replace('"', "&quot;")


class TrainControls:
    """The row of buttons; the page passes its handlers and calls `show()` after every change."""

    def __init__(self, lang: str, on: dict[str, Callable[[], Any]], on_slow: Callable[[bool], Any]) -> None:
        self.lang = lang
        self._shown: tuple | None = None
        with ui.row().classes("w-full items-center gap-2 flex-wrap"):
            self.start_btn = ui.button(t("train.start", lang), icon="play_arrow", on_click=on["start"]) \
                .props("color=primary").mark("train-start")
            self.pause_btn = ui.button(t("train.pause", lang), icon="pause", on_click=on["pause"]).mark("train-pause")
            self.resume_btn = ui.button(t("train.resume", lang), icon="play_arrow", on_click=on["resume"]) \
                .mark("train-resume")
            self.step_btn = ui.button(t("train.step", lang), icon="skip_next", on_click=on["step"]) \
                .props(f'outline title="{_attr(t("train.step_help", lang))}"').mark("train-step")
            self.stop_btn = ui.button(t("train.stop", lang), icon="stop", on_click=on["stop"]) \
                .props("color=negative").mark("train-stop")
            self.more_btn = ui.button("", icon="fast_forward", on_click=on["more"]).props("outline").mark("train-more")
            self.slow = ui.switch(t("train.slow", lang), on_change=lambda e: on_slow(bool(e.value))) \
                .props(f'title="{_attr(t("train.slow_help", lang))}"').mark("train-slow")
        self.blocked = ui.label("").classes("text-sm text-negative").props('aria-live="polite"').mark("train-blocked")

    @property
    def pace(self) -> float:
        """The pace the switch asks for (0: full speed)."""
        return SLOW_PACE_S if self.slow.value else 0.0

    def show(self, state: str, can_more: bool, epochs: int, why_blocked: str | None) -> None:
        """Which buttons a run in `state` offers; a setting that is not saved keeps Train off, saying why."""
        if self._shown == (state, can_more, epochs, why_blocked):
            return  # called on every tick of a run: send the browser nothing new
        self._shown = (state, can_more, epochs, why_blocked)
        active = state in ("queued", "running", "paused")
        self.start_btn.set_visibility(not active)
        self.pause_btn.set_visibility(state == "running")
        self.resume_btn.set_visibility(state == "paused")
        self.step_btn.set_visibility(state != "queued")  # idle or ended: Step starts a new run, one batch
        self.stop_btn.set_visibility(active)
        self.more_btn.set_visibility(not active and can_more)
        self.more_btn.set_text(t("train.more", self.lang, n=epochs))
        starting = [self.start_btn, self.more_btn] + ([] if state in ("running", "paused") else [self.step_btn])
        for b in starting:  # a value that is not saved must not train silently
            b.set_enabled(why_blocked is None)
        if state in ("running", "paused"):
            self.step_btn.set_enabled(True)
        for b, own in ((self.start_btn, None), (self.more_btn, None), (self.step_btn, "train.step_help")):
            title = t("train.blocked", self.lang, what=why_blocked) if why_blocked and b in starting else \
                t(own, self.lang) if own else None
            if title:
                b.props(f'title="{_attr(title)}"')
            else:
                b.props(remove="title")
        self.blocked.set_text(t("train.blocked", self.lang, what=why_blocked) if why_blocked else "")
