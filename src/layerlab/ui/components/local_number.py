"""A number field that writes and reads the page language's decimal sign.

A browser's `<input type="number">` shows 0.20 and takes no "0,2" whatever the page's language
(Chromium refuses the comma: the field reads as empty), so a German pupil read "Lernrate 0.01"
and could not type the "5,1" of a flower on the Test page. `LocalNumber` is `ui.number` where the
language writes a decimal point; where it writes a comma it is a text field (the phone still
offers its number keyboard, inputmode=decimal) that shows "0,2" and reads "0,2" and "0.2".
Its value is a float as ui.number's is, so validation and saving do not change.

>>> LocalNumber.parse("0,25"), LocalNumber.parse(" 1.5 "), LocalNumber.parse("x"), LocalNumber.parse("")
(0.25, 1.5, None, None)
"""
from __future__ import annotations

from typing import Any

from nicegui import ui

from ...i18n.numbers import SEPARATORS
from ..i18n import page_lang


class LocalNumber(ui.number):
    """ui.number in lang's notation (default: the page's language)."""

    def __init__(self, *args: Any, lang: str | None = None, **kwargs: Any) -> None:
        self._comma = SEPARATORS.get(lang or page_lang(), SEPARATORS["en"])[1] == ","
        super().__init__(*args, **kwargs)
        if self._comma:
            self._props["type"] = "text"
            self._props["inputmode"] = "decimal"

    @staticmethod
    def parse(text: Any) -> float | None:
        """A typed number with a decimal comma or point; None for an empty field or text that is no number
        (as a browser's number field reads it)."""
        text = str(text if text is not None else "").strip().replace(",", ".")
        try:
            return float(text) if text else None
        except ValueError:
            return None

    def _event_args_to_value(self, e: Any) -> float | None:
        if not self._comma:
            return super()._event_args_to_value(e)
        return self.parse(e.args)

    def _value_to_model_value(self, value: Any) -> Any:
        shown = super()._value_to_model_value(value)
        return shown.replace(".", ",") if getattr(self, "_comma", False) and isinstance(shown, str) else shown
