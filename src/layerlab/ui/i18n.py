"""Every string the studio shows, in English and German. Each module adds its own strings.

>>> add({"hello": "Hello {name}"}, {"hello": "Hallo {name}"})
>>> t("hello", "de", name="Ada")
'Hallo Ada'
"""
from __future__ import annotations

from typing import Any

from nicegui import app

from ..i18n import LANGS, current_lang, localize

STRINGS: dict[str, dict[str, str]] = {"en": {}, "de": {}}


def add(en: dict[str, str], de: dict[str, str]) -> None:
    """Register strings; both languages must have the same keys."""
    missing = set(en) ^ set(de)
    if missing:
        raise ValueError(f"strings without both languages: {sorted(missing)}")
    STRINGS["en"].update(en)
    STRINGS["de"].update(de)


def err_text(error: Any, lang: str | None = None) -> str:
    """An error or message from the core (SpecError, Text, RunFailed words, any exception) in lang."""
    return localize(error, lang or page_lang())


def page_lang() -> str:
    """The language of the browser this code serves (also inside event handlers and timers)."""
    try:
        choice = app.storage.user.get("lang")
    except (RuntimeError, AssertionError):  # no client here (startup, plain unit tests)
        choice = None
    return choice if choice in LANGS else current_lang.get()


def t(key: str, lang: str | None = None, **fmt: object) -> str:
    """The string for key in lang (default: the page's current language)."""
    lang = lang or page_lang()
    text = STRINGS.get(lang, STRINGS["en"]).get(key) or STRINGS["en"].get(key) or key
    return text.format(**fmt) if fmt else text
