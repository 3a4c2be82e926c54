"""Every string the studio shows, in English and German. Each module adds its own strings.

>>> add({"hello": "Hello {name}"}, {"hello": "Hallo {name}"})
>>> t("hello", "de", name="Ada")
'Hallo Ada'
"""
from __future__ import annotations

from contextvars import ContextVar

LANGS = ("en", "de")
STRINGS: dict[str, dict[str, str]] = {"en": {}, "de": {}}
current_lang: ContextVar[str] = ContextVar("layerlab_lang", default="en")


def add(en: dict[str, str], de: dict[str, str]) -> None:
    """Register strings; both languages must have the same keys."""
    missing = set(en) ^ set(de)
    if missing:
        raise ValueError(f"strings without both languages: {sorted(missing)}")
    STRINGS["en"].update(en)
    STRINGS["de"].update(de)


def t(key: str, lang: str | None = None, **fmt: object) -> str:
    """The string for key in lang (default: the page's current language)."""
    lang = lang or current_lang.get()
    text = STRINGS.get(lang, STRINGS["en"]).get(key) or STRINGS["en"].get(key) or key
    return text.format(**fmt) if fmt else text
