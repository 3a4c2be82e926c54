"""Messages people read, in English and German, written as English at the place they arise.

The core (spec checks, data readers, the engine, exports) raises errors long before it knows
who will read them, so a message is a `Text`: it *is* its English string (a `str`), and it
remembers its template and values so the studio can show it in the reader's language later.
Translations live in gettext catalogues, `locale/<lang>/LC_MESSAGES/<topic>.po` (read with
Babel, see `catalogs`), keyed by the English template as msgid; `tests/i18n` checks that every `msg("...")` in the
source has a German entry with the same placeholders, and that no error is raised with a bare
f-string.

>>> m = msg("must be at least {low}", low=1)
>>> m == "must be at least 1", m.to("de")
(True, 'muss mindestens 1 sein')
>>> msg("{path}: {message}", path="units", message=m).to("de")
'units: muss mindestens 1 sein'
"""
from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from . import catalogs

LANGS = catalogs.languages()  # "en", then one per folder under locale/
current_lang: ContextVar[str] = ContextVar("layerlab_lang", default="en")


class Text(str):
    """A translatable message: equal to its English text, `.to(lang)` gives another language."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> "Text":
        obj = super().__new__(cls, _render(template, params, "en"))
        obj.template, obj.params = template, params
        return obj

    def __reduce__(self):  # pickle and copy rebuild from the template and values
        return (_rebuild, (self.template, self.params))

    def to(self, lang: str | None = None) -> str:
        """This message in lang (default: the current page's language)."""
        lang = lang or current_lang.get()
        return str(self) if lang == "en" else _render(self.template, self.params, lang)

    def to_dict(self) -> dict[str, Any]:
        """JSON form that keeps the translation: {"t": template, "p": {name: value}}."""
        return {"t": self.template, "p": {k: _param_to_json(v) for k, v in self.params.items()}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Text":
        return cls(d["t"], **{k: _param_from_json(v) for k, v in d.get("p", {}).items()})


def _rebuild(template: str, params: dict[str, Any]) -> Text:
    return Text(template, **params)


def msg(template: str, /, **params: Any) -> Text:
    """A message for people; write the template in English with {named} placeholders."""
    return Text(template, **params)


def localize(value: Any, lang: str | None = None) -> str:
    """Any message-like value in lang: a Text, an error that knows how to localize itself, or str()."""
    if isinstance(value, Text):
        return value.to(lang)
    localized = getattr(value, "localized", None)
    if callable(localized):
        return localized(lang)
    return "" if value is None else str(value)


def translate(template: str, lang: str, context: str | None = None) -> str:
    """The catalogue's text for lang (under msgctxt context, if given), or the English when there is none."""
    if lang == "en":
        return template
    return catalogs.translation(template, lang, context) or template


def keyed(domain: str, key: str, lang: str) -> str | None:
    """A keyed string (msgctxt key in locale/<domain>.pot) in lang, English when lang has none; None if unknown."""
    english = catalogs.source(domain).get(key)
    if english is None or lang == "en":
        return english
    return catalogs.translation(english, lang, context=key) or english


def catalog(lang: str) -> dict[str, str]:
    """Every translation of lang without a msgctxt, English -> lang (for tests and tooling)."""
    return {msgid: text for (ctxt, msgid), text in catalogs.table(lang).items() if ctxt is None}


def _render(template: str, params: dict[str, Any], lang: str) -> str:
    text = translate(template, lang)
    values = {k: (localize(v, lang) if isinstance(v, Text) or hasattr(v, "localized") else v)
              for k, v in params.items()}
    return text.format(**values)


def _param_to_json(v: Any) -> Any:
    if isinstance(v, Text):
        return {"$text": v.to_dict()}
    if isinstance(v, (int, float, bool)) or v is None or isinstance(v, str):
        return v
    return str(v)


def _param_from_json(v: Any) -> Any:
    if isinstance(v, dict) and "$text" in v:
        return Text.from_dict(v["$text"])
    return v
