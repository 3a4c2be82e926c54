"""Which column of a table should the network predict? Asked every time a table comes in.

Step 1 lists every column with its kind and a few values, the guess (a text column with few
values, or one named like a label) preselected; step 2 says what the other columns are
(inputs, or ignored). Then `on_done(target, roles)` gets the choice. The Home page's upload
dialog and the Data page's table import both use it.
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable

from nicegui import ui

from ...i18n import msg
from ...i18n.numbers import SEPARATORS, number
from ..i18n import err_text, t

ROLES = ("feature", "ignored")
ID_LIKE = 50  # a text column with more distinct values is a name or id: ignored unless the user says


def option_text(col: dict[str, Any], lang: str) -> str:
    """'species · text, 3 values: Adelie, Chinstrap, Gentoo' in lang; a column of numbers in the language's
    notation, its values apart by ';' where the decimal sign is a comma.

    >>> col = {"name": "x", "kind": "numbers", "distinct": 40, "examples": ["32.1", "33.15"],
    ...        "kind_label": msg("numbers"), "values_text": "40 values: 32.1, 33.15, …"}
    >>> option_text(col, "de"), option_text(col, "en")
    ('x · Zahlen, 40 Werte: 32,1; 33,15; …', 'x · numbers, 40 values: 32.1, 33.15, …')
    """
    values = err_text(col["values_text"], lang)
    if col.get("kind") == "numbers" and SEPARATORS.get(lang, SEPARATORS["en"])[1] == ",":
        try:
            shown = [number(float(e), lang) for e in col.get("examples") or []]
        except ValueError:
            shown = None
        if shown:
            more = "; …" if col.get("distinct", 0) > len(shown) else ""
            values = msg("{n} values: {examples}{more}", n=col.get("distinct", len(shown)), examples="; ".join(shown),
                         more=more).to(lang)
    return t("tgt.option", lang, name=col["name"], kind=err_text(col["kind_label"], lang), values=values)


class TargetPicker:
    """The two steps in a column; `table` is what `api.describe_table` returns."""

    def __init__(self, table: dict[str, Any], lang: str, on_done: Callable[[str, dict[str, str]], Any],
                 done_label: str, done_icon: str = "check") -> None:
        self.table, self.lang, self.on_done = table, lang, on_done
        self.done_label, self.done_icon = done_label, done_icon
        self.columns = {c["name"]: c for c in table["columns"]}
        self.target: str | None = table.get("guess")
        self.roles = {n: self._default(n) for n in self.columns}
        self.box = ui.column().classes("w-full gap-2").mark("target-picker")
        self.choose_target()

    def _default(self, name: str) -> str:
        col = self.columns[name]
        return "ignored" if col["kind"] == "text" and col["distinct"] > ID_LIKE else "feature"

    def tr(self, key: str, **fmt: Any) -> str:
        return t(key, self.lang, **fmt)

    def choose_target(self) -> None:
        """Step 1: the column to predict."""
        self.box.clear()
        with self.box:
            ui.label(self.tr("tgt.rows", rows=self.table["rows"], cols=len(self.columns))).classes("text-sm opacity-70")
            ui.label(self.tr("tgt.question")).classes("text-base font-medium").mark("target-question")
            guess = self.table.get("guess")
            ui.label(self.tr("tgt.guess", name=guess) if guess else self.tr("tgt.no_guess")) \
                .classes("text-sm opacity-80").mark("target-guess")
            options = {n: option_text(c, self.lang) for n, c in self.columns.items()}
            ui.radio(options, value=self.target, on_change=self._picked).props("dense") \
                .classes("w-full break-words").mark("target-choice")
            self.next_btn = ui.button(self.tr("tgt.next"), icon="arrow_forward", on_click=self.choose_roles) \
                .props("color=primary").mark("target-next")
            self.next_btn.set_enabled(self.target is not None)

    def _picked(self, e: Any) -> None:
        self.target = e.value
        self.next_btn.set_enabled(e.value is not None)

    def choose_roles(self) -> None:
        """Step 2: the other columns as inputs or ignored, then done."""
        if self.target is None:
            return
        self.box.clear()
        with self.box:
            ui.label(self.tr("tgt.chosen", name=self.target)).classes("text-base font-medium").mark("target-chosen")
            ui.label(self.tr("tgt.roles")).classes("text-sm opacity-80")
            with ui.element("div").classes("w-full grid gap-1 grid-cols-1 sm:grid-cols-2"):
                for i, (name, col) in enumerate(self.columns.items()):
                    if name == self.target:
                        continue
                    with ui.row().classes("items-center gap-2 no-wrap min-w-0"):
                        ui.toggle({r: self.tr(f"tgt.role.{r}") for r in ROLES}, value=self.roles[name],
                                  on_change=lambda ev, n=name: self.roles.__setitem__(n, ev.value)) \
                            .props("dense no-caps size=sm").mark(f"role-{i}")
                        ui.label(name).classes("font-mono text-sm truncate min-w-0").tooltip(
                            option_text(col, self.lang))
            self.message = ui.label("").classes("text-sm text-negative").mark("target-message")
            with ui.row().classes("gap-2"):
                ui.button(self.tr("tgt.back"), icon="arrow_back", on_click=self.choose_target) \
                    .props("flat").mark("target-back")
                ui.button(self.done_label, icon=self.done_icon, on_click=self._done) \
                    .props("color=primary").mark("target-confirm")

    async def _done(self) -> None:
        others = {n: r for n, r in self.roles.items() if n != self.target}
        if "feature" not in others.values():
            self.message.set_text(self.tr("tgt.need_feature"))
            return
        # ignored columns, and id-like ones the user kept as inputs (the table reader drops those by itself)
        kept = {n: r for n, r in others.items() if r == "ignored" or r != self._default(n)}
        result = self.on_done(self.target, kept)
        if asyncio.iscoroutine(result):   # e.g. making a project in a thread; awaited in this click's slot
            await result
