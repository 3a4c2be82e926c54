"""Every string the studio shows, by key, in every language of the catalogues.

The English of a key is in `i18n/locale/studio.pot` (msgctxt: the key, msgid: the English), its
translations in `i18n/locale/<lang>/LC_MESSAGES/studio.po`; a new string is a new entry in both.

>>> t("runs.epoch_of", "de", n=3, of=10)
'Epoche 3 von 10'
"""
from __future__ import annotations

from typing import Any

from nicegui import app

from ..i18n import LANGS, catalogs, current_lang, keyed, localize, translate

DOMAIN = "studio"


def known(key: str) -> bool:
    """Whether the catalogues have a string for key."""
    return key in catalogs.source(DOMAIN)


def lookup(key: str, lang: str) -> str | None:
    """The string for key in lang (English when lang has none), or None for an unknown key."""
    return keyed(DOMAIN, key, lang)


def in_lang(english: str, lang: str | None = None) -> str:
    """A declared English text (a layer's summary, a view's title, a parameter's help) in lang, from
    the catalogues (i18n/locale/<lang>/LC_MESSAGES/descriptions.po); the English when there is none."""
    return translate(english, lang or page_lang())


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
    """The string for key in lang (default: the page's current language). A count of one, `n=1`,
    reads the key's singular, `<key>_one`, where the catalogues have it ('1 picture', not '1 pictures'); a count
    already written out as text ("1", from i18n.numbers) counts too.

    >>> t("cm.count", "de", n=1), t("cm.count", "de", n=2)
    ('1 Bild', '2 Bilder')
    """
    if fmt.get("n") in (1, "1") and known(key + "_one"):
        key += "_one"
    text = lookup(key, lang or page_lang()) or key
    return text.format(**fmt) if fmt else text
