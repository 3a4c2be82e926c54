"""Augmentation switches on the Data page with a live preview: N augmented versions of one
training sample, redrawn after every change. A switched-on augmentation shows its settings
(generated from its parameter declarations, like a layer's form). Switches and settings edit
`data.augmentation` through the Session (autosaved); the pictures come from
`layerlab.data.augment.preview_dataset`.
"""
from __future__ import annotations

import base64
import logging
from typing import Any

from nicegui import run, ui

from ...api_data import AUGMENTATIONS, preview_dataset
from ..i18n import err_text, in_lang, t
from ...i18n.numbers import number
from . import layer_form
from .param_labels import label as param_label

log = logging.getLogger(__name__)
PREVIEW_N = 8


def augmented(project: Any, spec: dict[str, Any], index: int) -> list[Any]:
    """PREVIEW_N augmented versions of training sample `index` (wrapping around); runs in a thread."""
    ds = project.dataset()
    return preview_dataset(ds, spec, index % max(len(ds.train), 1), PREVIEW_N, index)


class AugmentPanel:
    """One switch per augmentation that suits the data kind, and the preview row."""

    def __init__(self, session: Any, lang: str, kind: str) -> None:
        self.session, self.lang, self.kind = session, lang, kind
        self.index = 0
        self.names = [n for n, a in AUGMENTATIONS.items() if kind in a.kinds]
        current = (session.doc.get("data") or {}).get("augmentation") or {}
        with ui.card().classes("w-full ll-card gap-2").mark("augmentation"):
            ui.label(t("aug.title", lang)).classes("text-lg font-medium")
            ui.label(t("aug.hint", lang)).classes("text-sm opacity-70")
            with ui.row().classes("gap-x-4 gap-y-0 flex-wrap"):
                for name in self.names:
                    a = AUGMENTATIONS[name]
                    ui.switch(param_label(name, lang), value=bool(current.get(name)),
                              on_change=lambda e, name=name: self.toggle(name, e.value)) \
                        .tooltip(in_lang(a.summary, lang)).mark(f"aug-{name}")
            self.settings = ui.column().classes("w-full gap-2").mark("aug-settings")
            self._settings()
            ui.button(t("aug.another", lang), icon="shuffle", on_click=self.another).props("outline dense") \
                .mark("aug-another")
            self.row = ui.element("div").classes("w-full grid gap-2 grid-cols-4 sm:grid-cols-8").mark("aug-preview")

    def toggle(self, name: str, on: bool) -> None:
        """Switch one augmentation on (with its defaults) or off, then redraw the preview."""
        def change(d: dict[str, Any]) -> None:
            aug = d.setdefault("data", {}).setdefault("augmentation", {})
            if on:
                aug[name] = aug.get(name) if isinstance(aug.get(name), dict) else True
            else:
                aug.pop(name, None)
        self.session.edit(change)
        self._settings()
        ui.timer(0.01, self.refresh, once=True)

    def _settings(self) -> None:
        """One small form per switched-on augmentation with its parameters (defaults until changed)."""
        current = (self.session.doc.get("data") or {}).get("augmentation") or {}
        self.settings.clear()
        with self.settings:
            for name in self.names:
                given = current.get(name)
                if not given:
                    continue
                with ui.column().classes("w-full gap-0"):
                    ui.label(param_label(name, self.lang)).classes("text-sm font-medium")
                    layer_form.render([p.to_dict() for p in AUGMENTATIONS[name].params],
                                      given if isinstance(given, dict) else {}, {},
                                      lambda key, value, name=name: self.set_param(name, key, value),
                                      expert=True, lang=self.lang, marker=f"augp-{name}")

    def set_param(self, name: str, key: str, value: Any) -> None:
        """Change one setting of a switched-on augmentation (an empty field goes back to the default)."""
        def change(d: dict[str, Any]) -> None:
            aug = d.setdefault("data", {}).setdefault("augmentation", {})
            settings = dict(aug[name]) if isinstance(aug.get(name), dict) else {}
            if value is None:
                settings.pop(key, None)
            else:
                settings[key] = value
            aug[name] = settings or True
        self.session.edit(change)
        ui.timer(0.01, self.refresh, once=True)

    def another(self) -> None:
        self.index += 1
        ui.timer(0.01, self.refresh, once=True)

    async def refresh(self) -> None:
        """Compute N augmented versions of the current sample in a thread and show them."""
        spec = {k: v for k, v in ((self.session.doc.get("data") or {}).get("augmentation") or {}).items() if v}
        if not spec:
            self.row.clear()
            with self.row:
                ui.label(t("aug.none", self.lang)).classes("text-sm opacity-70 col-span-full")
            return
        try:
            out = await run.io_bound(augmented, self.session.project, spec, self.index)
        except Exception as e:  # noqa: BLE001 - a preview is optional; say why it is missing
            log.info("augmentation preview failed: %s", e)
            self.row.clear()
            with self.row:
                ui.label(t("aug.failed", self.lang, error=err_text(e, self.lang))).classes("text-negative col-span-full")
            return
        self.row.clear()
        with self.row:
            for item in out or []:
                if isinstance(item, (bytes, bytearray)):
                    ui.image("data:image/png;base64," + base64.b64encode(item).decode()) \
                        .classes("w-16 h-16 rounded").style("image-rendering: pixelated") \
                        .props("no-spinner no-transition")
                else:
                    ui.label("; ".join(number(float(v), self.lang, significant=3) for v in item[:4])) \
                        .classes("text-xs font-mono")
