"""Numbers as people of a language write them: one helper for every number the studio shows.

English groups thousands with "," and writes the decimal point as "."; German the other way
round ("1.234,5"). Whole numbers keep every digit; other numbers get `digits` decimals, or by
default as many as keep about `significant` significant digits (trailing zeros dropped).

>>> number(7120, "en"), number(7120, "de")
('7,120', '7.120')
>>> number(1234.5, "de"), number(1234.5, "en")
('1.234,5', '1,234.5')
>>> number(0.00123, "de"), number(39.1, "de"), number(-2.0, "de")
('0,00123', '39,1', '-2')
>>> number(0.9731, "de", digits=2), percent(0.9731, "de"), percent(0.5, "en", digits=0)
('0,97', '97,3 %', '50 %')
"""
from __future__ import annotations

import math
from typing import Any

from . import current_lang

SEPARATORS = {"en": (",", "."), "de": (".", ",")}  # (thousands, decimal point)


def _lang(lang: str | None) -> str:
    lang = lang or current_lang.get()
    return lang if lang in SEPARATORS else "en"


def _swap(text: str, lang: str) -> str:
    thousands, point = SEPARATORS[lang]
    if (thousands, point) == (",", "."):
        return text
    return text.replace(",", "\0").replace(".", point).replace("\0", thousands)


def number(value: Any, lang: str | None = None, digits: int | None = None, significant: int = 5) -> str:
    """value in lang's notation; text that is no number comes back as it is (str)."""
    lang = _lang(lang)
    if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
        return str(value)
    if isinstance(value, int) and digits is None:
        return _swap(f"{value:,}", lang)
    v = float(value)
    if not math.isfinite(v):
        return "∞" if v > 0 else "-∞" if v < 0 else "NaN"
    if digits is None:
        if v.is_integer() and abs(v) < 1e15:
            return _swap(f"{int(v):,}", lang)
        magnitude = math.floor(math.log10(abs(v))) if v else 0
        if magnitude >= 15 or magnitude < -6:
            mantissa, exponent = f"{v:.{significant - 1}e}".split("e")
            mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
            return f"{mantissa}e{exponent}".replace(".", SEPARATORS[lang][1])
        decimals = max(0, significant - 1 - magnitude)
        text = f"{v:,.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
        return _swap(text, lang)
    return _swap(f"{v:,.{digits}f}", lang)


def percent(fraction: Any, lang: str | None = None, digits: int = 1) -> str:
    """A fraction (0.973) as a percentage ('97.3 %' / '97,3 %')."""
    return f"{number(100 * float(fraction), lang, digits=digits)} %"


def data_size(nbytes: Any, lang: str | None = None) -> str:
    """A number of bytes as people read it, in lang's notation (the units are the same in every language).

    >>> data_size(697036.8, "de"), data_size(697036.8, "en"), data_size(512, "de"), data_size(3.5 * 2**30, "de")
    ('680,7 KiB', '680.7 KiB', '512 B', '3,5 GiB')
    """
    n = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024:
            break
        n /= 1024
    else:
        unit = "TiB"
    return f"{number(round(n), lang)} B" if unit == "B" else f"{number(n, lang, digits=1)} {unit}"


def rounded(value: Any, lang: str | None = None, significant: int = 3) -> str:
    """A large count rounded to `significant` digits, in lang's notation (18,123,456 -> '18.100.000' in German).

    >>> rounded(18123456.0, "de"), rounded(12640, "en"), rounded(0.5, "de")
    ('18.100.000', '12,600', '0,5')
    """
    v = float(value)
    if not math.isfinite(v) or v == 0:
        return number(v, lang)
    digits = significant - 1 - math.floor(math.log10(abs(v)))
    r = round(v, digits)
    return number(int(r) if digits <= 0 else r, lang)
